import type { Browser, BrowserContext } from 'playwright-core';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { DEMO_ROUND_NAME, seedDemoRound } from '../../tools/demo-seed';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { apiAs } from '../support/api';
import { startTestStack, type TestStack } from '../support/service';
import { openDashboard, pageErrorsOf, saveScreenshot, tabContext, UI_TIMEOUT } from '../support/tab';

// What `npm start` shows: the seeded round (tools/demo-seed.ts) in each role's view of the dashboard tab, in real
// Chromium, with screenshots in test-artifacts/tab/seeded-*.png; and the demo clock in the "signed in as" bar.
jest.setTimeout(240_000);

const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Daniel Hughes');
const participant = byName('Sofia Marin');
const waiting = byName('Jordan Brooks');

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let roundId: string;

const api = apiAs(() => stack.service.url);

beforeAll(async () => {
  stack = await startTestStack('tabseed', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id } });
  roundId = (await seedDemoRound({ serviceUrl: stack.service.url, organisation })).roundId;
  browser = await launchChromium();
  context = await tabContext(browser);
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.stop();
});

it('shows the participant practising in week 3, with the next action, her blocks and her shared prompt', async () => {
  const page = await openDashboard(context, stack.service.url, participant.id);
  await page.getByRole('heading', { name: DEMO_ROUND_NAME }).waitFor({ timeout: UI_TIMEOUT });
  // Practising with journal entries: the loop stands at "Document".
  expect(await page.locator('[aria-current="step"]').innerText()).toContain('Document');
  expect(await page.getByTestId('next-action').innerText()).toMatch(/journal/);
  await page.getByText('Follow-up email from call notes').first().waitFor({ timeout: UI_TIMEOUT });
  await saveScreenshot(page, 'seeded-participant');
  expect(pageErrorsOf(page)).toEqual([]);
  await page.close();
});

it('shows the manager a plan waiting for review next to reports who are practising', async () => {
  const page = await openDashboard(context, stack.service.url, manager.id);
  const review = page.getByTestId(`review-${waiting.id}`);
  await review.waitFor({ timeout: UI_TIMEOUT });
  expect(await review.innerText()).toContain('Turning call notes into CRM updates');
  const reports = page.getByRole('table', { name: 'Your reports' });
  await reports.getByRole('link', { name: 'Sofia Marin' }).waitFor({ timeout: UI_TIMEOUT });
  expect(await reports.getByRole('row').count()).toBe(4); // the header and three reports
  await saveScreenshot(page, 'seeded-manager');
  expect(pageErrorsOf(page)).toEqual([]);
  await page.close();
});

it('shows the owner the round’s funnel', async () => {
  const page = await openDashboard(context, stack.service.url, owner.id, `#/rounds/${roundId}`);
  const funnel = page.getByRole('list', { name: 'Round funnel' });
  await funnel.waitFor({ timeout: UI_TIMEOUT });
  expect(await funnel.innerText()).toMatch(/Practising/i);
  await saveScreenshot(page, 'seeded-owner');
  expect(pageErrorsOf(page)).toEqual([]);
  await page.close();
});

it('lets the owner move the demo clock from the dev bar, and tells anyone else who may', async () => {
  const before = (await api(owner, 'GET', '/dev/clock')).json.offsetInMs as number;
  const page = await openDashboard(context, stack.service.url, owner.id);
  const shown = page.getByTestId('demo-clock-now');
  await shown.waitFor({ timeout: UI_TIMEOUT });
  const text = await shown.innerText();
  await page.getByRole('button', { name: '+1 day' }).click();
  await eventually(async () => expect(await shown.innerText()).not.toBe(text), { timeoutInMs: UI_TIMEOUT });
  expect((await api(owner, 'GET', '/dev/clock')).json.offsetInMs).toBeGreaterThanOrEqual(before + 86_400_000);
  await page.close();

  const other = await openDashboard(context, stack.service.url, participant.id);
  await other.getByRole('button', { name: '+1 hour' }).click({ timeout: UI_TIMEOUT });
  await other.getByRole('alert').filter({ hasText: 'Only a programme owner' }).waitFor({ timeout: UI_TIMEOUT });
  await other.close();
});
