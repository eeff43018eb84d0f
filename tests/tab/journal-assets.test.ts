import { DateTime } from 'luxon';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { launchChromium } from '../support/browser';
import { cardSubmitActivity, cardText, cardOf, postActivity } from '../support/activities';
import { eventually } from '../support/eventually';
import { aNewRoundBody } from '../support/rounds';
import { apiAs } from '../support/api';
import { startTestStack, type TestStack } from '../support/service';
import { openDashboard, saveScreenshot, seriousAxeViolations, tabContext, UI_TIMEOUT } from '../support/tab';

// Step 4 in the tab (the journal and asset API): a participant in a running window writes this week's journal and saves and
// shares an asset (sensitive content asks before saving); their manager sees the counts and the entries; the owner's
// capability map answers from the round report endpoint.
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
  // The in-process worker delivers what the tab hands off (the manager's note goes out through a job).
  stack = await startTestStack('tabjournal', { env: { PROGRAMME_OWNER_IDS: owner.id, IN_PROCESS_WORKER: 'true' } });
  // A window that started this Monday, so the journal is open.
  const start = DateTime.now().setZone('Europe/London').startOf('week');
  const created = await api(owner, 'POST', '/rounds', aNewRoundBody(organisation, {
    managerScopes: [manager.id], window: { start: start.toISODate(), weeks: 3 },
    shareback: { startsAt: start.plus({ weeks: 3 }).set({ hour: 15 }).toUTC().toISO(), durationMinutes: 90, timeZone: 'Europe/London' },
  }));
  expect(created.status).toBe(201);
  roundId = created.json.id;
  expect((await api(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
  expect((await api(participant, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } })).status).toBe(200);
  const entry = created.json.catalogue.find((t: { id: string }) => t.id === 'm365-copilot');
  const saved = await api(participant, 'PUT', `/rounds/${roundId}/me/selection`, { selection: {
    frictionPoint: { description: 'Turning call notes into CRM updates after every customer call', frequency: 'daily', minutesToday: 30 },
    role: 'sales', tool: { kind: 'catalogue', entry }, kpi: 'Minutes per CRM update', scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 5, riskSupport: 4 },
  } });
  expect(saved.status).toBe(200);
  const submitted = await api(participant, 'POST', `/rounds/${roundId}/me/submit`, { expectedVersion: saved.json.version, hypothesis: {
    measure: 'Minutes per CRM update', baseline: { value: 30, unit: 'minutes' }, target: { value: 10, unit: 'minutes' },
    howWeWillKnow: 'I will time the updates for a week and compare.', preferredTimes: 'afternoons', blockMinutes: 45,
  } });
  expect(submitted.status).toBe(200);
  expect((await api(manager, 'POST', `/rounds/${roundId}/experiments/${participant.id}/review`, { kind: 'approve' })).status).toBe(200);
  // Sofia has talked to the bot, so a note reaches her personal chat (a:<id>) at the connector stand-in.
  await postActivity(stack.service.url, { ...cardSubmitActivity({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person: participant }, {}), type: 'message', value: undefined, text: 'hi' });
  browser = await launchChromium();
  context = await tabContext(browser);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.stop();
});

describe('journal and assets in the participant view', () => {
  it('writes this week’s journal entry', async () => {
    const page = await openDashboard(context, stack.service.url, participant.id);
    await page.getByRole('form', { name: 'This week\'s journal' }).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('next-action').innerText()).toMatch(/write this week’s journal/);
    await page.getByLabel('What improved').fill('CRM updates take half the time with a template prompt');
    await page.getByLabel('What broke or disappointed').fill('It invented a follow-up date once');
    await page.getByLabel('What surprised you').fill('It caught an action item I missed');
    await page.getByLabel('What it taught you').fill('Paste the whole transcript, not my notes');
    await page.getByLabel('Hours practised').fill('1.5');
    await page.getByRole('button', { name: 'Save this week' }).click();
    await page.getByText('Journal saved.').waitFor({ timeout: 10_000 });
    const journals = await api(participant, 'GET', `/rounds/${roundId}/me/journals`);
    expect(journals.json.value).toEqual([expect.objectContaining({ improved: 'CRM updates take half the time with a template prompt', hoursPractised: 1.5 })]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'participant-journal');
    await page.close();
  });

  it('keeps an asset’s text and asks before saving what looks like sensitive data', async () => {
    const page = await openDashboard(context, stack.service.url, participant.id);
    const form = page.getByRole('form', { name: 'Save an asset' });
    await form.waitFor({ timeout: UI_TIMEOUT });
    await form.getByLabel('Title').fill('CRM update prompt');
    await form.getByLabel(/^Text/).fill('Turn this transcript into a CRM update. Card on file 4111 1111 1111 1111.');
    await form.getByLabel('Good for').fill('After customer calls');
    await form.getByRole('button', { name: 'Save asset' }).click();
    await page.getByText('This may contain sensitive data').waitFor({ timeout: 10_000 });
    expect(await form.getByLabel('Title').inputValue()).toBe('CRM update prompt');
    expect((await api(participant, 'GET', `/rounds/${roundId}/me/assets`)).json.value).toEqual([]);
    await page.getByRole('button', { name: 'Save with it redacted' }).click();
    await page.getByText('Asset saved.').waitFor({ timeout: 10_000 });
    const assets = (await api(participant, 'GET', `/rounds/${roundId}/me/assets`)).json.value;
    expect(assets).toHaveLength(1);
    expect(assets[0].content).not.toContain('4111 1111 1111 1111');
    await page.getByRole('switch', { name: 'Only you can see this' }).click();
    await eventually(async () => expect((await api(participant, 'GET', `/rounds/${roundId}/me/assets`)).json.value[0].shared).toBe(true), { timeoutInMs: 10_000 });
    await page.close();
  });

  it('asks the library and is answered from what was shared, with the source named', async () => {
    const page = await openDashboard(context, stack.service.url, participant.id);
    const library = page.getByTestId('ask-library');
    await library.waitFor({ timeout: UI_TIMEOUT });
    await library.getByLabel('Your question').fill('How do I turn a customer call into a CRM update?');
    await library.getByRole('button', { name: 'Ask' }).click();
    await library.getByRole('listitem').filter({ hasText: 'CRM update prompt' }).waitFor({ timeout: 10_000 });
    expect(await library.getByRole('button', { name: 'Ask' }).isEnabled()).toBe(true);
    await page.close();
  });
});

describe('the manager and the owner see it', () => {
  it('shows the manager the entry count, the shared asset and the entries', async () => {
    const page = await openDashboard(context, stack.service.url, manager.id, `#/team/${roundId}`);
    const row = page.getByRole('row', { name: new RegExp(participant.displayName) });
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.innerText()).toContain('1 of 1');
    await row.getByRole('button', { name: '1 entry' }).click();
    await row.getByText(/CRM updates take half the time/).waitFor({ timeout: 10_000 });
    await saveScreenshot(page, 'manager-journals');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('lets the manager send encouragement from the tab (empty note refused beside the field first)', async () => {
    const page = await openDashboard(context, stack.service.url, manager.id, `#/team/${roundId}`);
    const row = page.getByRole('row', { name: new RegExp(participant.displayName) });
    await row.getByRole('button', { name: 'Encourage' }).click();
    const dialog = page.getByRole('dialog', { name: `Encourage ${participant.displayName}` });
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByText('Write a short message first.').waitFor();
    await dialog.getByLabel('Message').fill('Great start on the CRM prompt — keep the transcripts coming.');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await page.getByText(`Sent your note to ${participant.displayName}.`).waitFor({ timeout: UI_TIMEOUT });
    await eventually(() => {
      const delivered = stack.connector.activities.filter((a) => a.conversationId === `a:${participant.id}`).some((a) => cardText(cardOf(a.activity)).includes('keep the transcripts coming'));
      if (!delivered) throw new Error('the note has not reached the chat yet');
    }, { timeoutInMs: 10_000 });
    await page.close();
  });

  it('answers the owner’s capability map from the round (no failure state)', async () => {
    const page = await openDashboard(context, stack.service.url, owner.id, `#/rounds/${roundId}`);
    await page.getByRole('heading', { name: 'Capability map' }).waitFor({ timeout: UI_TIMEOUT });
    const map = (await api(owner, 'GET', `/rounds/${roundId}/capability`)).json;
    if (map.tools.length === 0) await page.getByText('No one has practised a tool yet').waitFor({ timeout: 10_000 });
    else await page.getByRole('table', { name: /Capability map/ }).waitFor({ timeout: 10_000 });
    expect(await page.getByText('The capability map could not load').count()).toBe(0);
    await page.close();
  });
  it('holds the journal after a new policy version, links to the confirmation, and goes on once it is given', async () => {
    const page = await openDashboard(context, stack.service.url, participant.id);
    await page.getByRole('form', { name: 'This week\'s journal' }).waitFor({ timeout: UI_TIMEOUT });
    const published = await api(owner, 'POST', `/rounds/${roundId}/policy`, { text: 'Version 2: keep customer data and credentials out of AI tools, and never paste call transcripts with card numbers.' });
    expect(published.status).toBe(200);
    await page.getByLabel('What it taught you').fill('Paste the whole transcript, minus card numbers');
    await page.getByRole('button', { name: 'Update this week' }).click();
    await page.getByText(/Confirm version 2 before you save a journal entry/).waitFor({ timeout: 10_000 });
    expect(await page.getByText('This changed since you opened it').count()).toBe(0);
    await page.getByRole('link', { name: 'Confirm version 2 of the safe-use policy' }).click();
    const confirmation = page.getByTestId('policy-confirmation');
    await confirmation.waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('next-action').innerText()).toMatch(/Confirm version 2 of the safe-use policy/);
    await saveScreenshot(page, 'participant-confirm-new-policy');
    await confirmation.getByLabel('I have read the safe-use policy and will follow it').check();
    await confirmation.getByLabel('I accept the terms of use of my tool').check();
    await confirmation.getByRole('button', { name: 'Confirm version 2' }).click();
    await eventually(async () => expect((await api(participant, 'GET', `/rounds/${roundId}/me`)).json.needsAcknowledgement).toBe(false), { timeoutInMs: 10_000 });
    await page.getByRole('form', { name: 'This week\'s journal' }).waitFor({ timeout: UI_TIMEOUT });
    await page.getByLabel('What it taught you').fill('Paste the whole transcript, minus card numbers');
    await page.getByRole('button', { name: 'Update this week' }).click();
    await page.getByText('Journal saved.').waitFor({ timeout: 10_000 });
    expect((await api(participant, 'GET', `/rounds/${roundId}/me/journals`)).json.value[0].taught).toBe('Paste the whole transcript, minus card numbers');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });
});
