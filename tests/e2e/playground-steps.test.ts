import type { Locator, Page } from 'playwright-core';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { openPlaygroundAs, type OpenPlayground } from '../support/playground';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';

// The participant's part of steps 1–2 in the Agents Playground, in headless Chromium: kickoff → policy →
// step 1 → step 2 → sent to the manager. The owner opens the round over REST, as the dashboard would.
const organisation = loadDemoOrganisation();
const owner = organisation.people.find((p) => p.displayName === 'Priya Raman')!;
const participant = organisation.people.find((p) => p.displayName === 'Sofia Marin')!;
const manager = organisation.people.find((p) => p.id === participant.managerId)!;

// A real browser and the Playground's client on a 2-core machine: give each step room.
jest.setTimeout(60_000);

let stack: TestStack;
let opened: OpenPlayground;
let page: Page;

beforeAll(async () => {
  stack = await startTestStack('e2esteps', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID: '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b' } });
  opened = await openPlaygroundAs(stack, participant.id);
  page = opened.page;
  await page.locator('.ac-adaptiveCard').filter({ hasText: 'welcome to Practice Loop' }).waitFor({ timeout: 30_000 });
}, 90_000);

afterAll(async () => {
  await opened?.close();
  await stack?.stop();
});

const lastCard = () => page.locator('.ac-adaptiveCard').last();

async function choose(card: Locator, label: RegExp, option: string | RegExp): Promise<void> {
  await card.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).first().click();
}

describe('a participant in the Agents Playground', () => {
  it('gets the kickoff card when the owner opens the round', async () => {
    const headers = { 'content-type': 'application/json', 'x-dev-user': owner.id };
    const created = await fetch(`${stack.service.url}/api/rounds`, { method: 'POST', headers, body: JSON.stringify(aNewRoundBody(organisation, { managerScopes: [], participantIds: [participant.id] })) });
    const round = (await created.json()) as { id: string };
    expect((await fetch(`${stack.service.url}/api/rounds/${round.id}/open`, { method: 'POST', headers })).status).toBe(202);
    await page.locator('.ac-adaptiveCard').filter({ hasText: `Hi ${participant.givenName}, your practice round is about to start` }).waitFor({ timeout: 25_000 });
  });

  it('confirms the safe-use policy and the tool terms', async () => {
    await page.getByRole('button', { name: 'Start' }).last().click();
    const card = page.locator('.ac-adaptiveCard').filter({ hasText: 'Confirm and continue' }).last();
    await card.waitFor({ timeout: 20_000 });
    await card.getByRole('checkbox', { name: /I have read version 1/ }).check();
    await choose(card, /Your role/, 'Sales');
    await choose(card, /The AI tool/, /^Microsoft 365 Copilot \(Microsoft\)/);
    await card.getByRole('checkbox', { name: /I accept the terms/ }).check();
    await card.getByRole('button', { name: 'Confirm and continue' }).click();
    await page.locator('.ac-adaptiveCard').filter({ hasText: 'What slows you down?' }).last().waitFor({ timeout: 20_000 });
  });

  it('fills step 1 and sees the fit of the idea', async () => {
    const card = page.locator('.ac-adaptiveCard').filter({ hasText: 'What slows you down?' }).last();
    await card.getByRole('textbox', { name: /What slows you down/ }).fill('Writing the weekly pipeline summary for the sales leads');
    await choose(card, /How often/, 'Every week');
    await card.getByRole('spinbutton', { name: /Minutes each time/ }).fill('90');
    await card.getByRole('textbox', { name: /The KPI/ }).fill('Hours a week spent on the pipeline summary');
    for (const label of [/^Relevance/, /^KPI impact/, /^Learning curve/, /^Interest/, /^Risk/]) await choose(card, label, '4');
    await card.getByRole('button', { name: 'Check my fit' }).click();
    await page.locator('.ac-adaptiveCard').filter({ hasText: 'of 25' }).last().waitFor({ timeout: 20_000 });
  });

  it('states the hypothesis and sends the plan to their manager', async () => {
    await page.locator('.ac-adaptiveCard').filter({ hasText: 'of 25' }).last().getByRole('button', { name: /Next/ }).click();
    const card = page.locator('.ac-adaptiveCard').filter({ hasText: 'What will you measure?' }).last();
    await card.waitFor({ timeout: 20_000 });
    await card.getByRole('textbox', { name: /What will you measure/ }).fill('Minutes to write the weekly summary');
    await card.getByRole('spinbutton', { name: /Today/ }).fill('90');
    await choose(card, /^Unit$/, 'minutes');
    await card.getByRole('spinbutton', { name: /Hoped for/ }).fill('30');
    await choose(card, /Unit \(the same/, 'minutes');
    await card.getByRole('textbox', { name: /How will you know/ }).fill('I will time the next three summaries against the baseline.');
    await card.getByRole('radio', { name: 'Mornings' }).check();
    await choose(card, /How long should each block be/, '1 h');
    await card.getByRole('button', { name: /Send to my manager/ }).click();
    await page.locator('.ac-adaptiveCard').filter({ hasText: `sent to ${manager.displayName}` }).last().waitFor({ timeout: 20_000 });
  });
});
