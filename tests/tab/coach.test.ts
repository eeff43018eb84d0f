import type { Browser, BrowserContext } from 'playwright-core';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { launchChromium } from '../support/browser';
import { aNewRoundBody } from '../support/rounds';
import { apiAs } from '../support/api';
import { startTestStack, type TestStack } from '../support/service';
import { openDashboard, pageErrorsOf, saveScreenshot, tabContext, UI_TIMEOUT } from '../support/tab';

// The practice coach in the tab's plan editor, with no model configured (the basic coach): "Help me sharpen this"
// reads the unsaved plan, says it is the basic coach, and "Use this" fills the step 2 fields without saving.
jest.setTimeout(180_000);

const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Daniel Hughes');
const participant = byName('Sofia Marin');

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let roundId: string;

const api = apiAs(() => stack.service.url);

beforeAll(async () => {
  stack = await startTestStack('tabcoach', { env: { PROGRAMME_OWNER_IDS: owner.id } });
  const created = await api(owner, 'POST', '/rounds', aNewRoundBody(organisation, { managerScopes: [manager.id] }));
  expect(created.status).toBe(201);
  roundId = created.json.id;
  expect((await api(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
  expect((await api(participant, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } })).status).toBe(200);
  const entry = created.json.catalogue.find((t: { id: string }) => t.id === 'm365-copilot');
  expect((await api(participant, 'PUT', `/rounds/${roundId}/me/selection`, { selection: {
    frictionPoint: { description: 'Make my weekly client reports better', frequency: 'weekly', minutesToday: 90 },
    role: 'sales', tool: { kind: 'catalogue', entry }, kpi: 'customer happiness', scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 5, riskSupport: 2 },
  } })).status).toBe(200);
  browser = await launchChromium();
  context = await tabContext(browser);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.stop();
});

describe('the coach in the plan editor', () => {
  it('sharpens the unsaved plan with the basic coach, and "Use this" fills step 2 without saving', async () => {
    const page = await openDashboard(context, stack.service.url, participant.id);
    const errors = pageErrorsOf(page);
    const button = page.getByRole('button', { name: 'Help me sharpen this' });
    await button.waitFor({ timeout: UI_TIMEOUT }).catch(async (error: unknown) => {
      await saveScreenshot(page, 'FAILED-coach-plan-editor');
      throw error;
    });
    await button.click();
    const coach = page.getByTestId('plan-coach');
    await coach.getByText('This is the basic coach', { exact: false }).waitFor({ timeout: 10_000 });
    expect(await coach.innerText()).toMatch(/Baseline → target: 90 minutes → 60 minutes/);
    await saveScreenshot(page, 'coach-plan-editor');
    await coach.getByRole('button', { name: 'Use this' }).click();
    expect(await page.getByLabel('What you will measure').inputValue()).toBe('Minutes per Make my weekly client reports better');
    expect(await page.getByLabel('Baseline (today)').inputValue()).toBe('90');
    expect(await page.locator('input[name="targetValue"]').inputValue()).toBe('60');
    expect((await api(participant, 'GET', `/rounds/${roundId}/me`)).json.experiment.hypothesis).toBeNull();
    // Tools: from the round's catalogue for the role; "Use" picks it in the form.
    const tools = page.getByTestId('tool-coach');
    await tools.getByRole('button', { name: 'Suggest tools' }).click();
    await tools.getByText('Tools that could fit').waitFor({ timeout: 10_000 });
    const first = tools.getByRole('button', { name: /^Use / }).first();
    const toolName = (await first.innerText()).replace(/^Use /, '');
    await first.click();
    expect(await page.locator('select[name="tool"] option:checked').innerText()).toContain(toolName);
    expect(errors).toEqual([]);
    await page.close();
  });
});
