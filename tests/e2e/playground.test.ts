import type { Page } from 'playwright-core';
import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableMemberRepo } from '../../src/adapters/tables/memberRepo';
import { parseUserId } from '../../src/domain/ids';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { openPlaygroundAs, type OpenPlayground } from '../support/playground';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';

// The Agents Playground (the local Teams-like client) in headless Chromium, talking to the real service.
const organisation = loadDemoOrganisation();
const person = organisation.people.find((p) => p.managerId && !p.programmeOwner)!;

// A real browser and the Playground's client on a 2-core machine: give each step room.
jest.setTimeout(60_000);

let stack: TestStack;
let opened: OpenPlayground;
let page: Page;

beforeAll(async () => {
  stack = await startTestStack('e2epg');
  opened = await openPlaygroundAs(stack, person.id);
  page = opened.page;
}, 90_000);

afterAll(async () => {
  await opened?.close();
  await stack?.stop();
});

const cards = () => page.locator('.ac-adaptiveCard');

async function send(text: string): Promise<void> {
  const compose = page.locator('[data-lexical-editor="true"][role="textbox"]');
  await compose.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

describe('the bot in the Agents Playground', () => {
  it('greets the person by name with the welcome card when the app is installed', async () => {
    await cards().filter({ hasText: `Hi ${person.givenName}, welcome to Practice Loop` }).first().waitFor({ timeout: 25_000 });
  });

  it('remembers the personal conversation for later proactive messages', async () => {
    const members = createTableMemberRepo(EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}Members`, 'member'));
    const stored = await eventually(async () => {
      const member = await members.get(parseUserId(person.id)!);
      if (!member) throw new Error('not stored yet');
      return member;
    });
    expect(stored).toMatchObject({ displayName: person.displayName, conversation: { tenantId: organisation.tenantId } });
    expect(stored.conversation.serviceUrl).toBe(`http://localhost:${new URL(opened.playground.url).port}/_connector`);
  });

  it('answers "help" typed in the compose box with the commands card', async () => {
    await send('help');
    await cards().filter({ hasText: 'What you can type' }).first().waitFor({ timeout: 20_000 });
  });

  it('answers the "Show commands" button on the welcome card', async () => {
    const before = await cards().filter({ hasText: 'What you can type' }).count();
    await cards().filter({ hasText: 'welcome to Practice Loop' }).first().getByRole('button', { name: 'Show commands' }).click();
    await eventually(async () => expect(await cards().filter({ hasText: 'What you can type' }).count()).toBe(before + 1), { timeoutInMs: 10_000 });
  });
});
