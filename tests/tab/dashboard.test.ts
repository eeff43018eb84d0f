import type { Browser, BrowserContext, Page, Request as PwRequest } from 'playwright-core';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { cardText, executeActivity, invokeCardOf, postActivity, cardSubmitActivity, type ActivityContext } from '../support/activities';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { aNewRoundBody } from '../support/rounds';
import { apiAs } from '../support/api';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';
import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableRoundMemberRepo } from '../../src/adapters/tables/roundRepo';
import { parseUserId } from '../../src/domain/ids';
import { parseRoundId } from '../../src/domain/roundIds';
import { fitsViewport, openDashboard, pageErrorsOf, saveScreenshot, seriousAxeViolations, tabContext, UI_TIMEOUT } from '../support/tab';

// The personal tab in real headless Chromium against the service on Azurite and the Graph sandbox (AUTH_MODE=dev):
// each view for the right demo user, the same review use case from the tab and from the chat card, the bad-input
// rules, axe checks, themes and a 320 px screen. Screenshots go to test-artifacts/tab/.
jest.setTimeout(180_000);

const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Daniel Hughes');
const participant = byName('Sofia Marin');
const second = byName('Oliver Bennett');
const colleague = byName('Jordan Brooks');
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let roundId: string;

const ctx = (person: DemoPerson): ActivityContext => ({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person });
const api = apiAs(() => stack.service.url);

const selection = (catalogueEntry: unknown) => ({
  frictionPoint: { description: 'Answering the same onboarding questions from new customers by email', frequency: 'daily', minutesToday: 40 },
  role: 'sales', tool: { kind: 'catalogue', entry: catalogueEntry }, kpi: 'Minutes per onboarding reply',
  scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 5, riskSupport: 4 }, supportNamed: 'Daniel',
});
const hypothesis = {
  measure: 'Minutes per onboarding reply', baseline: { value: 40, unit: 'minutes' }, target: { value: 15, unit: 'minutes' },
  howWeWillKnow: 'I will time twenty replies in the last week and compare with today.', preferredTimes: 'mornings', blockMinutes: 60,
};

/** Requests the page sends to the API that write something. */
function writesOf(page: Page): PwRequest[] {
  const writes: PwRequest[] = [];
  page.on('request', (request) => { if (request.url().includes('/api/') && request.method() !== 'GET') writes.push(request); });
  return writes;
}

async function expectAccessible(page: Page) {
  expect(await seriousAxeViolations(page)).toEqual([]);
}

beforeAll(async () => {
  stack = await startTestStack('tabdash', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID } });
  const created = await api(owner, 'POST', '/rounds', aNewRoundBody(organisation, { managerScopes: [manager.id] }));
  expect(created.status).toBe(201);
  roundId = created.json.id;
  expect((await api(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
  // The manager has talked to the bot, so the review card lands in a:<manager id>.
  for (const person of [participant, manager, second]) {
    await postActivity(stack.service.url, { ...cardSubmitActivity(ctx(person), {}), type: 'message', value: undefined, text: 'hi' });
  }
  browser = await launchChromium();
  context = await tabContext(browser);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.stop();
});

describe('the participant view', () => {
  let page: Page;
  beforeAll(async () => { page = await openDashboard(context, stack.service.url, participant.id); });
  afterAll(async () => { await page.close(); });

  it('shows the signed-in demo user and the six steps with the current one and its next action', async () => {
    await page.getByRole('heading', { name: /Winter practice round/ }).waitFor();
    await expect(page.getByLabel('Signed in as').inputValue()).resolves.toBe(participant.id);
    const steps = page.getByRole('list', { name: 'The six steps of the loop' }).getByRole('listitem');
    expect(await steps.count()).toBe(6);
    expect(await page.locator('[aria-current="step"]').innerText()).toContain('Choose a tool');
    expect(await page.getByTestId('next-action').innerText()).toMatch(/Confirm the safe-use policy/);
    await saveScreenshot(page, 'participant-start');
    await expectAccessible(page);
  });

  it('shows errors beside invalid fields, keeps the values and sends nothing', async () => {
    const writes = writesOf(page);
    await page.getByLabel('Friction point: a task that slows you down').fill('short');
    await page.getByLabel('KPI this could move').fill('Minutes per reply');
    await page.getByRole('button', { name: 'Send to my manager' }).click();
    await page.getByTestId('form-error').waitFor();
    expect(await page.getByText('Describe the friction point in 10 to 500 characters.').count()).toBe(1);
    expect(await page.getByText('Confirm that you have read and will follow the safe-use policy.').count()).toBe(1);
    expect(await page.getByLabel('KPI this could move').inputValue()).toBe('Minutes per reply');
    expect(await page.getByLabel('Friction point: a task that slows you down').inputValue()).toBe('short');
    expect(writes).toEqual([]);
    const stored = await api(participant, 'GET', `/rounds/${roundId}/me`);
    expect(stored.json.experiment).toBeNull();
    await saveScreenshot(page, 'participant-invalid-form');
  });

  it('confirms the policy, saves the plan and sends it for review with the same rules as the chat cards', async () => {
    await page.getByLabel('I have read the safe-use policy and will follow it').check();
    await page.getByLabel('I accept the terms of use of the tool I choose').check();
    await page.getByLabel('Friction point: a task that slows you down').fill('Answering the same onboarding questions from new customers by email');
    await page.getByLabel('How often').selectOption('daily');
    await page.getByLabel('Minutes it takes each time today').fill('40');
    await page.getByLabel('Your role').selectOption('sales');
    await page.locator('select[name="tool"]').selectOption('m365-copilot');
    for (const label of ['Relevance', 'KPI impact', 'Learning curve', 'Interest', 'Risk and support']) {
      await page.getByLabel(new RegExp(`^${label}:`)).selectOption('4');
    }
    // The rubric's fit as the person scores, from the chat card's domain function.
    const fit = page.getByTestId('plan-fit');
    await eventually(async () => expect(await fit.innerText()).toMatch(/Strong fit · 20 of 25/), { timeoutInMs: 5_000 });
    await page.getByLabel(/^Learning curve:/).selectOption('1');
    await eventually(async () => expect(await fit.innerText()).toMatch(/Promising fit · 17 of 25/), { timeoutInMs: 5_000 });
    expect(await fit.innerText()).toContain('You rated this hard to learn even with 2.5 hours a week');
    await page.getByLabel(/^Learning curve:/).selectOption('4');
    await eventually(async () => expect(await fit.innerText()).toMatch(/Strong fit · 20 of 25/), { timeoutInMs: 5_000 });
    await page.getByLabel('What you will measure').fill('Minutes per onboarding reply');
    await page.getByLabel('Baseline (today)').fill('40');
    await page.getByLabel('Baseline unit').fill('minutes');
    await page.locator('input[name="targetValue"]').fill('15');
    await page.getByLabel('Target unit').fill('minutes');
    await page.getByLabel('How you will know it worked').fill('I will time twenty replies in the last week and compare.');
    await page.getByLabel('Preferred practice times').selectOption('mornings');
    await page.getByRole('button', { name: 'Send to my manager' }).click();
    await eventually(async () => expect(await page.getByTestId('next-action').innerText()).toMatch(/Waiting for your manager/), { timeoutInMs: 15_000 });
    const stored = await api(participant, 'GET', `/rounds/${roundId}/me`);
    expect(stored.json.experiment).toMatchObject({ state: 'submitted', selection: { kpi: 'Minutes per reply' } });
    await saveScreenshot(page, 'participant-submitted');
    await expectAccessible(page);
  });
});

describe('the manager view and the chat card: one review use case', () => {
  let page: Page;
  afterAll(async () => { await page?.close(); });

  it('lists the plan waiting for review; approving in the tab shows on the chat card', async () => {
    page = await openDashboard(context, stack.service.url, manager.id);
    const review = page.getByTestId(`review-${participant.id}`);
    await review.waitFor({ timeout: UI_TIMEOUT });
    expect(await review.innerText()).toContain('Answering the same onboarding questions');
    // The manager reviews with the same fit the chat review card shows.
    expect(await review.getByTestId(`review-fit-${participant.id}`).innerText()).toMatch(/Strong fit · 20 of 25/);
    await saveScreenshot(page, 'manager-pending-review');
    await expectAccessible(page);
    await review.getByRole('button', { name: 'Approve' }).click();
    await eventually(async () => expect(await page.getByText(`Approved ${participant.displayName}’s plan.`).count()).toBe(1), { timeoutInMs: 10_000 });
    const card = await invokeCardOf(await postActivity(stack.service.url, executeActivity(ctx(manager), 'refreshReview', { experimentId: `${roundId}--${participant.id}` })));
    expect(cardText(card)).toContain(`Approved by ${manager.displayName}`);
  });

  it('shows an approval made on the chat card in the tab', async () => {
    const entry = (await api(owner, 'GET', `/rounds/${roundId}/overview`)).json.round.catalogue.find((t: { id: string }) => t.id === 'm365-copilot');
    expect((await api(second, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } })).status).toBe(200);
    const saved = await api(second, 'PUT', `/rounds/${roundId}/me/selection`, { selection: selection(entry) });
    expect(saved.status).toBe(200);
    const submitted = await api(second, 'POST', `/rounds/${roundId}/me/submit`, { hypothesis, expectedVersion: saved.json.version });
    expect(submitted.status).toBe(200);
    await page.reload();
    await page.getByTestId(`review-${second.id}`).waitFor({ timeout: UI_TIMEOUT });
    const card = await invokeCardOf(await postActivity(stack.service.url, executeActivity(ctx(manager), 'approvePlan', { experimentId: `${roundId}--${second.id}`, expectedVersion: submitted.json.version })));
    expect(cardText(card)).toContain(`Approved by ${manager.displayName}`);
    await page.reload();
    const row = page.getByRole('row', { name: new RegExp(second.displayName) });
    await eventually(async () => expect(await row.innerText()).toMatch(/Approved|Practising/), { timeoutInMs: 15_000 });
    expect(await page.getByTestId(`review-${second.id}`).count()).toBe(0);
    await saveScreenshot(page, 'manager-team');
    await expectAccessible(page);
  });

  it('asks for a comment before requesting changes, beside the field, and sends nothing', async () => {
    const entry = (await api(owner, 'GET', `/rounds/${roundId}/overview`)).json.round.catalogue.find((t: { id: string }) => t.id === 'm365-copilot');
    await api(colleague, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } });
    const saved = await api(colleague, 'PUT', `/rounds/${roundId}/me/selection`, { selection: selection(entry) });
    expect((await api(colleague, 'POST', `/rounds/${roundId}/me/submit`, { hypothesis, expectedVersion: saved.json.version })).status).toBe(200);
    await page.reload();
    const review = page.getByTestId(`review-${colleague.id}`);
    await review.waitFor({ timeout: UI_TIMEOUT });
    const writes = writesOf(page);
    await review.getByRole('button', { name: 'Request changes' }).click();
    await review.getByText('Say what should change, so they know what to edit.').waitFor();
    expect(writes).toEqual([]);
    await review.getByLabel(/Note to them/).fill('Pick a narrower task: only the pricing questions.');
    await review.getByRole('button', { name: 'Request changes' }).click();
    await eventually(async () => expect((await api(colleague, 'GET', `/rounds/${roundId}/me`)).json.experiment.state).toBe('changes_requested'), { timeoutInMs: 10_000 });
  });
});

describe('the participant after changes were requested', () => {
  it('says what to do next, and a concurrent save shows "this changed since you opened it" with a reload that keeps the text', async () => {
    const page = await openDashboard(context, stack.service.url, colleague.id);
    await page.getByTestId('next-action').waitFor({ timeout: UI_TIMEOUT }).catch(async (error: unknown) => {
      await saveScreenshot(page, 'FAILED-participant-after-changes');
      throw error;
    });
    expect(await page.getByTestId('next-action').innerText()).toMatch(/Your manager asked for changes — edit your plan[\s\S]*only the pricing questions/);
    // Someone (the chat card, another tab) saves first.
    const current = (await api(colleague, 'GET', `/rounds/${roundId}/me`)).json.experiment;
    expect((await api(colleague, 'PUT', `/rounds/${roundId}/me/selection`, { selection: { ...current.selection, supportNamed: 'Saved from chat' }, expectedVersion: current.version })).status).toBe(200);
    await page.getByLabel('KPI this could move').fill('Minutes per pricing answer');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByTestId('stale-warning').waitFor({ timeout: 10_000 });
    expect(await page.getByText('This changed since you opened it').count()).toBe(1);
    await saveScreenshot(page, 'participant-stale');
    await page.getByRole('button', { name: 'Reload and keep my text' }).click();
    expect(await page.getByLabel('KPI this could move').inputValue()).toBe('Minutes per pricing answer');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await eventually(async () => expect((await api(colleague, 'GET', `/rounds/${roundId}/me`)).json.experiment.selection.kpi).toBe('Minutes per pricing answer'), { timeoutInMs: 10_000 });
    await page.close();
  });

  it('shows a 403 page, not the data, for a deep link to another person’s experiment', async () => {
    const page = await openDashboard(context, stack.service.url, colleague.id, `#/experiments/${roundId}/${participant.id}`);
    await page.getByTestId('forbidden').waitFor({ timeout: UI_TIMEOUT });
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/belongs to someone else/);
    expect(text).not.toContain('Answering the same onboarding questions');
    await saveScreenshot(page, 'deep-link-403');
    await expectAccessible(page);
    await page.close();
  });

  it('lets the manager open the same deep link', async () => {
    const page = await openDashboard(context, stack.service.url, manager.id, `#/experiments/${roundId}/${participant.id}`);
    await page.getByText('Answering the same onboarding questions').waitFor({ timeout: UI_TIMEOUT });
    await page.close();
  });
});

describe('the programme-owner view', () => {
  let page: Page;
  beforeAll(async () => { page = await openDashboard(context, stack.service.url, owner.id, `#/rounds/${roundId}`); });
  afterAll(async () => { await page.close(); });

  it('shows the funnel with counts and drills down to the people at a stage', async () => {
    const funnel = page.getByRole('list', { name: 'Round funnel' });
    await funnel.waitFor({ timeout: UI_TIMEOUT });
    const members = (await api(owner, 'GET', `/rounds/${roundId}/overview`)).json.people as number;
    expect(await funnel.getByRole('button', { name: new RegExp(`^Invited: ${members} people`) }).count()).toBe(1);
    expect(await funnel.getByRole('button', { name: /^Plan approved: 2 people/ }).count()).toBe(1);
    await funnel.getByRole('button', { name: /^Plan approved/ }).click();
    const drill = page.getByTestId('drill-down');
    await drill.getByText(participant.displayName).waitFor({ timeout: 10_000 });
    expect(await drill.innerText()).toContain(second.displayName);
    expect(await drill.innerText()).not.toContain(colleague.displayName);
    // What each stage counts, from the domain's one definition.
    const help = page.getByTestId('funnel-help');
    await help.getByText('What each stage counts').click();
    expect(await help.innerText()).toMatch(/Shared back\s+Ready to share, or shared, at the shareback: their summary is marked ready, or a decision was recorded/);
    expect(await help.innerText()).toMatch(/Practising\s+An approved plan whose practice window has opened/);
    await saveScreenshot(page, 'owner-round');
    await expectAccessible(page);
  });

  it('lists an interrupted kickoff as uncertain and resends it from the owner view, once', async () => {
    const repo = createTableRoundMemberRepo({
      members: EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}RoundMembers`, 'round member'),
      memberships: EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}Memberships`, 'membership'),
    });
    const row = await eventually(async () => {
      const stored = await repo.get(parseRoundId(roundId)!, parseUserId(colleague.id)!);
      if (stored?.member.delivery !== 'sent') throw new Error('kickoff not sent yet');
      return stored;
    }, { timeoutInMs: 20_000 });
    // As a worker that stopped between sending and recording leaves it.
    await repo.update({ ...row.member, delivery: 'uncertain', deliveryReason: 'Delivery was interrupted; it is not known whether the message arrived.' }, row.etag);
    const resentCards = () => stack.connector.activities.filter((a) => a.conversationId.includes(colleague.id) && JSON.stringify(a.activity).includes('in case you missed it'));
    await page.reload();
    const failures = page.getByRole('list', { name: 'Kickoff failures' });
    await failures.getByText(/uncertain — Delivery was interrupted/).waitFor({ timeout: UI_TIMEOUT });
    await page.getByRole('button', { name: 'Resend to 1 uncertain' }).click();
    await page.getByText(/Resending the kickoff to 1 person/).waitFor({ timeout: UI_TIMEOUT });
    await eventually(() => { if (resentCards().length !== 1) throw new Error('not resent yet'); }, { timeoutInMs: 20_000 });
    await eventually(async () => { if ((await repo.get(parseRoundId(roundId)!, parseUserId(colleague.id)!))?.member.delivery !== 'sent') throw new Error('not recorded yet'); }, { timeoutInMs: 20_000 });
    await page.reload();
    await page.getByRole('list', { name: 'Round funnel' }).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByRole('button', { name: /Resend to/ }).count()).toBe(0);
    expect(resentCards()).toHaveLength(1);
  });

  it('shows the first page of a long problem list with its total, and "Show more" reads the rest once', async () => {
    // A round of its own (a draft: nobody is messaged) with more undelivered kickoffs than one page (50).
    const crowded = await api(owner, 'POST', '/rounds', aNewRoundBody(organisation, { managerScopes: [] }));
    expect(crowded.status).toBe(201);
    const crowdedId = parseRoundId(crowded.json.id)!;
    const repo = createTableRoundMemberRepo({
      members: EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}RoundMembers`, 'round member'),
      memberships: EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}Memberships`, 'membership'),
    });
    const undelivered = Array.from({ length: 60 }, (_, i) => parseUserId(`00000000-0000-4000-9000-${String(i).padStart(12, '0')}`)!);
    await repo.addQueued(crowdedId, undelivered.map((userId) => ({ userId, via: 'manager' as const })), new Date().toISOString());
    const stored = await repo.getMany(crowdedId, undelivered);
    const failed = undelivered.map((userId, i) => ({ ...stored.get(userId)!, member: { ...stored.get(userId)!.member, delivery: 'failed' as const, deliveryReason: `mailbox ${i} refused` } }));
    for (let at = 0; at < failed.length; at += 40) await repo.updateMany(crowdedId, failed.slice(at, at + 40));

    const crowdedPage = await openDashboard(context, stack.service.url, owner.id, `#/rounds/${crowdedId}`);
    try {
      const failures = crowdedPage.getByRole('list', { name: 'Kickoff failures' });
      await failures.waitFor({ timeout: UI_TIMEOUT });
      expect(await failures.getByRole('listitem').count()).toBe(50);
      await crowdedPage.getByText('Showing 50 of 60').waitFor({ timeout: UI_TIMEOUT });
      await crowdedPage.getByRole('button', { name: 'Show more: Kickoff failures' }).click();
      await eventually(async () => { if (await failures.getByRole('listitem').count() !== 60) throw new Error('next page not shown yet'); }, { timeoutInMs: 20_000 });
      const shown = await failures.getByRole('listitem').allInnerTexts();
      expect(new Set(shown.map((text) => text.split(':')[0])).size).toBe(60);
      expect(shown.map((text) => text.split(':')[0]).sort()).toEqual([...undelivered].sort());
      // The last page read: no more to show, and the count line is gone.
      expect(await crowdedPage.getByRole('button', { name: 'Show more: Kickoff failures' }).count()).toBe(0);
      expect(await crowdedPage.getByText(/^Showing \d+ of/).count()).toBe(0);
      expect(pageErrorsOf(crowdedPage)).toEqual([]);
    } finally {
      await crowdedPage.close();
    }
  });

  it('exports the round as CSV with process facts only', async () => {
    const response = await fetch(`${stack.service.url}/api/rounds/${roundId}/export.csv`, { headers: { 'x-dev-user': owner.id } });
    expect(response.status).toBe(200);
    const csv = await response.text();
    expect(csv.split('\n')[0]).toBe('userId,name,joinedVia,kickoff,kickoffReason,policyVersionAcknowledged,state,frictionPoint,tool,booking,bookingProblem,hoursPlanned,hoursKept,journalEntries,assetsSaved,assetsShared,decision');
    expect(csv).toContain(participant.displayName);
    expect(csv).not.toMatch(/score/i);
  });

  it('shows a policy diff between versions', async () => {
    const round = (await api(owner, 'GET', `/rounds/${roundId}/overview`)).json.round;
    const text = `${round.policy.versions[0].text}\nNever paste customer contracts into any tool.`;
    expect((await api(owner, 'POST', `/rounds/${roundId}/policy`, { text })).status).toBe(200);
    await page.reload();
    const diff = page.getByLabel('Changes from version 1 to version 2');
    await diff.waitFor({ timeout: UI_TIMEOUT });
    expect(await diff.innerText()).toContain('+ Never paste customer contracts into any tool.');
  });
});

describe('round setup in the owner view', () => {
  it('creates a round from the form: a server-side field error shows beside its field with the values kept', async () => {
    const page = await openDashboard(context, stack.service.url, owner.id, '#/rounds/new');
    const form = page.getByRole('form', { name: 'New round' });
    await form.waitFor({ timeout: UI_TIMEOUT });
    const monday = new Date(Date.now() + 14 * 86_400_000);
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
    const start = monday.toISOString().slice(0, 10);
    await form.getByLabel('Name').fill('Spring round from the tab');
    await form.getByLabel(/Everyone reporting to/).fill(manager.id);
    await form.getByLabel('First day of practice').fill(start);
    await form.getByLabel('Shareback starts').fill(`${start}T15:00`); // before the last day of practice
    await form.getByLabel('Shareback time zone').fill('Europe/London');
    await form.getByRole('button', { name: 'Create round' }).click();
    // Beside the field (Fluent's validation message) as well as in the summary above the buttons.
    await form.locator('.fui-Field__validationMessage', { hasText: /Set the shareback on or after the last day of practice/ }).waitFor({ timeout: 10_000 });
    expect(await form.getByLabel('Name').inputValue()).toBe('Spring round from the tab');
    const later = new Date(monday.getTime() + 21 * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel('Shareback starts').fill(`${later}T15:00`);
    await form.getByRole('button', { name: 'Create round' }).click();
    await page.waitForURL(/#\/rounds\/r-/, { timeout: 15_000 });
    await page.getByRole('heading', { name: /Spring round from the tab/ }).waitFor({ timeout: UI_TIMEOUT });
    const mine = (await api(owner, 'GET', '/rounds')).json.value as Array<{ name: string }>;
    expect(mine.filter((r) => r.name === 'Spring round from the tab')).toHaveLength(1);
    await page.close();
  });

  it('says "this changed since you opened it" when another owner saved the round first, and keeps the edit', async () => {
    const page = await openDashboard(context, stack.service.url, owner.id, `#/rounds/${roundId}`);
    await page.getByRole('button', { name: 'Edit round' }).click({ timeout: UI_TIMEOUT });
    const form = page.getByRole('form', { name: 'Edit the round' });
    await form.getByLabel('Name').fill('Winter round, renamed in the tab');
    const current = (await api(owner, 'GET', `/rounds/${roundId}/overview`)).json.round;
    expect((await api(owner, 'PATCH', `/rounds/${roundId}`, { hoursPerWeek: 3, expectedVersion: current.version })).status).toBe(200);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('stale-warning').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Reload and keep my text' }).click();
    expect(await form.getByLabel('Name').inputValue()).toBe('Winter round, renamed in the tab');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => expect((await api(owner, 'GET', `/rounds/${roundId}/overview`)).json.round.name).toBe('Winter round, renamed in the tab'), { timeoutInMs: 10_000 });
    await page.close();
  });

  it('edits the tool catalogue at 320 px: a bad terms link is refused beside its field with nothing sent; fixed, the tool is saved; removed, it is gone', async () => {
    const narrow = await tabContext(browser, { viewport: { width: 320, height: 900 } });
    const page = await openDashboard(narrow, stack.service.url, owner.id, `#/rounds/${roundId}`);
    const editor = page.getByRole('form', { name: 'Edit the tool catalogue' });
    await editor.waitFor({ timeout: UI_TIMEOUT });
    const catalogueIds = async () => ((await api(owner, 'GET', `/rounds/${roundId}`)).json.round.catalogue as Array<{ id: string }>).map((t) => t.id);
    const before = await catalogueIds();
    const writes = writesOf(page);
    await editor.getByRole('button', { name: 'Add a tool' }).click();
    await editor.getByRole('group', { name: /^Tool \d+: New tool$/ }).waitFor();
    // The group takes the tool's name as it is typed; only one tool is open at a time.
    const entry = editor.getByRole('group', { name: /^Tool \d+: / });
    await entry.getByLabel(/^Tool name/).fill('Acme Writer');
    await entry.getByLabel(/^Vendor/).fill('Acme');
    await entry.getByLabel(/^Terms of use link/).fill('www.acme.example/terms');
    await entry.getByLabel(/^Good for/).fill('First drafts of release notes.');
    await entry.getByLabel('Engineering', { exact: true }).check();
    await editor.getByRole('button', { name: 'Save catalogue' }).click();
    await editor.locator('.fui-Field__validationMessage', { hasText: "Link to the vendor's terms with an https:// address." }).waitFor({ timeout: 10_000 });
    await editor.getByTestId('catalogue-error').waitFor();
    expect(await entry.getByLabel(/^Tool name/).inputValue()).toBe('Acme Writer');
    expect(await entry.getByLabel(/^Tool id/).inputValue()).toBe('acme-writer'); // suggested from the name
    expect(writes).toEqual([]);
    await expectAccessible(page);
    const wide = await page.evaluate(() => Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map((e) => `${e.tagName}.${e.className}`.slice(0, 80)));
    expect(wide).toEqual([]);
    await saveScreenshot(page, 'owner-catalogue-invalid-320px');

    await entry.getByLabel(/^Terms of use link/).fill('https://acme.example/terms');
    await editor.getByRole('button', { name: 'Save catalogue' }).click();
    await editor.getByText('Catalogue saved.').waitFor({ timeout: 10_000 });
    expect(writes.map((w) => `${w.method()} ${new URL(w.url()).pathname}`)).toEqual([`PATCH /api/rounds/${roundId}`]);
    const added = ((await api(owner, 'GET', `/rounds/${roundId}`)).json.round.catalogue as Array<{ id: string }>).find((t) => t.id === 'acme-writer');
    expect(added).toEqual({ id: 'acme-writer', name: 'Acme Writer', vendor: 'Acme', termsUrl: 'https://acme.example/terms', roles: ['engineering'], goodFor: 'First drafts of release notes.' });
    expect(await catalogueIds()).toEqual([...before, 'acme-writer']);

    await editor.getByRole('button', { name: 'Remove Acme Writer' }).click();
    await editor.getByRole('button', { name: 'Save catalogue' }).click();
    await eventually(async () => expect(await catalogueIds()).toEqual(before), { timeoutInMs: 10_000 });
    await narrow.close();
  });
});

describe('quality of the tab', () => {
  it('follows the theme (dark and high contrast) with no serious accessibility violations', async () => {
    for (const theme of ['dark', 'contrast'] as const) {
      const page = await openDashboard(context, stack.service.url, manager.id, `#/team/${roundId}`, `&theme=${theme}`);
      await page.getByRole('table', { name: 'Your reports' }).waitFor({ timeout: UI_TIMEOUT });
      expect(await page.locator('html').getAttribute('data-theme')).toBe(theme);
      await saveScreenshot(page, `manager-${theme}`);
      await expectAccessible(page);
      await page.close();
    }
  });

  it('works at 320 px wide without sideways scrolling, and with the keyboard', async () => {
    const narrow = await tabContext(browser, { viewport: { width: 320, height: 800 } });
    const page = await openDashboard(narrow, stack.service.url, participant.id);
    await page.getByTestId('next-action').waitFor({ timeout: UI_TIMEOUT });
    // Names the culprit when something is too wide.
    const wide = await page.evaluate(() => Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map((e) => `${e.tagName}.${e.className}`.slice(0, 80)));
    expect(wide).toEqual([]);
    expect(await fitsViewport(page)).toBe(true);
    await saveScreenshot(page, 'participant-320px');
    // Tab from the top reaches the view switcher: everything interactive is in the tab order.
    const focused: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate(() => `${document.activeElement?.tagName}:${document.activeElement?.getAttribute('role') ?? ''}:${document.activeElement?.textContent?.slice(0, 30) ?? ''}`));
    }
    expect(focused.some((f) => f.startsWith('SELECT'))).toBe(true);
    await narrow.close();
  });

  it('formats dates in the person’s locale and time zone', async () => {
    const german = await tabContext(browser, { locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    const page = await openDashboard(german, stack.service.url, participant.id);
    const startsAt = (await api(participant, 'GET', `/rounds/${roundId}/outline`)).json.round.shareback.startsAt as string;
    const expected = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(new Date(startsAt));
    await page.getByText(expected).first().waitFor({ timeout: UI_TIMEOUT });
    await german.close();
  });

  it('shows an API failure with what to do next, never a stack trace', async () => {
    const page = await context.newPage();
    await page.route('**/api/dashboard', (route) => route.fulfill({ status: 500, contentType: 'text/html', body: 'TypeError: boom\n    at handler (/srv/app/src/api/dashboard.ts:10:5)' }));
    await page.goto(`${stack.service.url}/tab/index.html?as=${participant.id}`);
    await page.getByRole('alert').waitFor({ timeout: UI_TIMEOUT });
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/Try again in a minute/);
    expect(text).not.toMatch(/TypeError|at handler|dashboard\.ts/);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await saveScreenshot(page, 'error-state');
    await page.close();
  });

  it('shows an empty state to someone in no round', async () => {
    const page = await openDashboard(context, stack.service.url, byName('Neha Sharma').id);
    await page.getByText('You are not in a practice round yet').waitFor({ timeout: UI_TIMEOUT });
    await saveScreenshot(page, 'empty-state');
    await expectAccessible(page);
    expect(pageErrorsOf(page)).toEqual([]);
    await page.close();
  });
});
