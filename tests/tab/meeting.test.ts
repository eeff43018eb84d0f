import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Request as ExpressRequest } from 'express';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';
import { saveScreenshot, VALID_DOMAINS, VALID_DOMAINS_URL } from '../support/tab';
import { approvePlanOf as approvePlanThroughApi, sharebackChatIdOf } from '../support/loop';

// The shareback meeting tab in headless Chromium, inside a simulated Teams meeting: a host page on
// https://teams.microsoft.com (a Teams origin teams-js trusts) frames the tab and answers teams-js' postMessage
// protocol — initialize with the frame context (sidePanel or meetingStage), getContext with the meeting chat id,
// getAuthToken with a token the test's authenticator maps to a demo person. Both origins are served through
// Playwright routes: the tab's requests are forwarded to the real service (Azurite, Graph sandbox).
jest.setTimeout(120_000);

const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Maya Johnson');
const carlos = byName('Carlos Rivera');
const emily = byName('Emily Chen');
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';
const TAB_ORIGIN = 'https://practiceloop.test';
type Frame = 'sidePanel' | 'meetingStage' | 'settings';
const HOST_ORIGIN = 'https://teams.microsoft.com';

let stack: TestStack;
let browser: Browser;
let roundId: string;
let chatId: string;

/** Stands in for Teams' SSO validation: the simulated host hands out "sim-sso:<user id>". */
async function simulatedSso(req: ExpressRequest) {
  const token = /^Bearer sim-sso:([0-9a-f-]{36})$/i.exec(req.header('authorization') ?? '')?.[1];
  const person = organisation.people.find((p) => p.id === token);
  return person ? { userId: person.id as never, tenantId: organisation.tenantId as never, displayName: person.displayName, via: 'entra' as const } : { failure: 'No Teams SSO token.' };
}

async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.service.url}/api${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer sim-sso:${person.id}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

/** Steps 1–2 done through the API, so the plan is approved (tests/support/loop.ts). */
const approvePlanOf = (person: DemoPerson) => approvePlanThroughApi(call, person, { roundId, owner, manager });

/** The Teams host page: frames the tab (the manifest's configuration page in the settings frame) and answers the teams-js calls the tab makes. */
function hostPage(frame: Frame, person: DemoPerson, meetingChatId: string): string {
  const context = { locale: 'en-gb', theme: 'default', frameContext: frame, chatId: meetingChatId, meetingId: 'MCMxOTptZWV0aW5n', userObjectId: person.id, tid: organisation.tenantId, hostClientType: 'web', hostName: 'Teams', appLaunchId: 'sim' };
  return `<!doctype html><html lang="en"><head><title>Teams meeting (simulated)</title></head><body style="margin:0">
<iframe id="tab" title="Practice Loop" src="${TAB_ORIGIN}/tab/${frame === 'settings' ? 'config.html' : 'meeting.html'}" style="border:0;width:100vw;height:100vh"></iframe>
<script>
  const CONTEXT = ${JSON.stringify(context)};
  window.received = [];
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message.func !== 'string' || typeof message.id !== 'number') return;
    window.received.push({ func: message.func, args: message.args });
    const reply = (args) => event.source.postMessage({ id: message.id, uuidAsString: message.uuidAsString, args }, event.origin);
    if (message.func === 'initialize') reply([CONTEXT.frameContext, 'web', '2.0.1']);
    else if (message.func === 'getContext') reply([CONTEXT]);
    else if (message.func === 'authentication.getAuthToken') reply([true, 'sim-sso:' + CONTEXT.userObjectId]);
    else if (message.func === 'settings.setSettings') reply([true]);
  });
  // Teams' "Save" on the configuration dialog.
  window.pressSave = () => document.getElementById('tab').contentWindow.postMessage({ func: 'settings.save', args: [{}] }, '${TAB_ORIGIN}');
</script></body></html>`;
}

async function meetingContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  await context.route(VALID_DOMAINS_URL, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(VALID_DOMAINS) }));
  await context.route(`${TAB_ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const response = await route.fetch({ url: `${stack.service.url}${url.pathname}${url.search}` });
    await route.fulfill({ response });
  });
  contexts.push(context);
  return context;
}

async function openMeeting(frame: Frame, person: DemoPerson, meetingChatId = chatId): Promise<Page> {
  const context = await meetingContext();
  await context.route(`${HOST_ORIGIN}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: hostPage(frame, person, meetingChatId) }));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  pageErrors.set(page, errors);
  await page.goto(`${HOST_ORIGIN}/_sim/meeting`);
  return page;
}

const tab = (page: Page) => page.frameLocator('#tab');
const pageErrors = new WeakMap<Page, string[]>();
const contexts: BrowserContext[] = [];
/** Polls may be in flight through the routes when a test ends: let them go quietly. */
async function closeAll() {
  for (const context of contexts.splice(0)) {
    await context.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  }
}
const pageErrorsOf = (page: Page) => pageErrors.get(page) ?? [];

async function axeOnTab(page: Page): Promise<string[]> {
  // axe runs inside the tab's frame (the host page is only the simulation).
  const AxeBuilder = (await import('@axe-core/playwright')).default;
  const results = await new AxeBuilder({ page }).include('#tab').exclude(['#tab', '[data-tabster-dummy]'] as never).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.html} ${n.failureSummary ?? ''}`).join(' | ')}`);
}

beforeAll(async () => {
  stack = await startTestStack('tabmeet', {
    env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID, TAB_ENDPOINT: TAB_ORIGIN },
    overrides: { authenticate: simulatedSso },
  });
  roundId = (await call(owner, 'POST', '/rounds', aNewRoundBody(organisation, { managerScopes: [manager.id] }))).json.id;
  expect((await call(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
  await approvePlanOf(carlos);
  await approvePlanOf(emily);
  chatId = await sharebackChatIdOf(stack, owner);
  browser = await launchChromium();
}, 90_000);

afterEach(async () => { await closeAll(); });

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the meeting tab in Teams', () => {
  it('shows the owner the running order with controls in the side panel; the stage follows the presenter for a participant', async () => {
    const panel = await openMeeting('sidePanel', owner);
    const stage = await openMeeting('meetingStage', carlos);
    await tab(panel).getByRole('heading', { name: 'Running order' }).waitFor({ timeout: 20_000 });
    await tab(stage).getByRole('heading', { name: 'The shareback starts soon' }).waitFor({ timeout: 20_000 });
    expect(await tab(panel).getByRole('listitem').allInnerTexts()).toEqual([expect.stringContaining('Carlos Rivera'), expect.stringContaining('Emily Chen')]);
    await tab(panel).getByRole('button', { name: 'Next presenter' }).click();
    await tab(panel).getByRole('heading', { name: 'Decision for Carlos Rivera' }).waitFor();
    // The participant's stage follows on its next poll (every 2.5 s).
    await tab(stage).getByRole('heading', { name: 'Carlos Rivera' }).waitFor({ timeout: 6_000 });
    await tab(stage).getByText('Minutes to write one call summary: 45 minutes → 15 minutes').waitFor();
    expect(await tab(stage).getByRole('button', { name: 'Next presenter' }).count()).toBe(0);
    await saveScreenshot(panel, 'meeting-side-panel-owner');
    await saveScreenshot(stage, 'meeting-stage-participant');
    expect(await axeOnTab(panel)).toEqual([]);
    expect(await axeOnTab(stage)).toEqual([]);
    expect([...pageErrorsOf(panel), ...pageErrorsOf(stage)]).toEqual([]);
    await closeAll();
  });

  it('keeps the owner’s values and puts the error beside the field when the decision has no date, then records it', async () => {
    const panel = await openMeeting('sidePanel', owner);
    const form = tab(panel).getByRole('form', { name: 'Decision for Carlos Rivera' });
    await form.waitFor({ timeout: 20_000 });
    await form.getByRole('radio', { name: 'Stop' }).check();
    await form.getByLabel('What was learned').fill('Call notes need our own glossary first');
    await form.getByRole('button', { name: 'Record the decision' }).click();
    await form.getByRole('alert').filter({ hasText: 'Give the date this is due, as YYYY-MM-DD.' }).first().waitFor();
    expect(await form.getByLabel('What was learned').inputValue()).toBe('Call notes need our own glossary first');
    await form.getByLabel('Due date').fill('2030-03-01');
    // The shareback has not started: deciding now ends Carlos's practice, so it asks why.
    await form.getByRole('button', { name: 'Record the decision' }).click();
    await form.getByRole('alert').filter({ hasText: 'A decision before then ends this experiment\'s practice now' }).first().waitFor();
    await form.getByRole('checkbox', { name: 'Decide early' }).check();
    await form.getByLabel('Why decide before the shareback').fill('The glossary work starts next week; no need to practise further.');
    await form.getByRole('button', { name: 'Record the decision' }).click();
    await form.getByText(/Decision recorded/).waitFor({ timeout: 8_000 }).catch(async (error) => {
      console.log(await tab(panel).locator('body').innerText());
      throw error;
    });
    await eventually(async () => expect((await call(owner, 'GET', `/rounds/${roundId}/experiments/${carlos.id}/decision`)).json.decision).toMatchObject({ outcome: 'stop', dueDate: '2030-03-01', decideEarly: true }), { timeoutInMs: 5_000 });
    await tab(panel).getByText('Stop', { exact: true }).first().waitFor();
    // What the decision set in motion: the participant told (the effects job, shown after it ran).
    await tab(panel).getByText('Told in chat.').waitFor({ timeout: 10_000 });
    // The report: figures on screen and the CSV to download.
    await tab(panel).getByRole('button', { name: 'Show the figures' }).click();
    await tab(panel).getByRole('row', { name: /Decisions .*stop 1/ }).waitFor();
    const [download] = await Promise.all([panel.waitForEvent('download'), tab(panel).getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`round-report-${roundId}.csv`);
    expect(await axeOnTab(panel)).toEqual([]);
    await closeAll();
  });

  it('gives a participant the same running order in the side panel, with no controls', async () => {
    const panel = await openMeeting('sidePanel', emily);
    await tab(panel).getByRole('heading', { name: 'Running order' }).waitFor({ timeout: 20_000 });
    expect(await tab(panel).getByRole('button').count()).toBe(0);
    expect(await tab(panel).getByRole('form').count()).toBe(0);
    // A participant moving the queue through the API is refused.
    expect((await call(emily, 'POST', `/meetings/${encodeURIComponent(chatId)}/advance`, {})).status).toBe(403);
    expect(await axeOnTab(panel)).toEqual([]);
    await closeAll();
  });

  it('configures itself when added to a meeting by hand: valid at once, saved as the meeting tab', async () => {
    const host = await openMeeting('settings', owner);
    await tab(host).getByRole('heading', { name: 'Practice Loop shareback' }).waitFor({ timeout: 20_000 });
    const received = () => host.evaluate(() => (window as unknown as { received: { func: string; args: unknown[] }[] }).received);
    await eventually(async () => expect(await received()).toContainEqual({ func: 'settings.setValidityState', args: [true] }), { timeoutInMs: 5_000 });
    await host.evaluate(() => (window as unknown as { pressSave(): void }).pressSave());
    await eventually(async () => {
      const messages = await received();
      expect(messages.find((m) => m.func === 'settings.setSettings')?.args[0]).toMatchObject({ contentUrl: `${TAB_ORIGIN}/tab/meeting.html`, entityId: 'practice-loop-shareback' });
      expect(messages.map((m) => m.func)).toContain('settings.save.success');
    }, { timeoutInMs: 5_000 });
    await closeAll();
  });

  it('says a meeting that is not a shareback is not linked, and lets an owner link it', async () => {
    const other = '19:meeting_not-a-shareback@thread.v2';
    const forParticipant = await openMeeting('sidePanel', emily, other);
    await tab(forParticipant).getByRole('heading', { name: 'This meeting is not linked to a round' }).waitFor({ timeout: 20_000 });
    expect(await tab(forParticipant).getByRole('button', { name: 'Link this meeting' }).count()).toBe(0);
    await closeAll();
    const forOwner = await openMeeting('sidePanel', owner, other);
    await tab(forOwner).getByRole('button', { name: 'Link this meeting' }).click({ timeout: 20_000 });
    await tab(forOwner).getByRole('heading', { name: 'Running order' }).waitFor({ timeout: 10_000 });
    expect(await axeOnTab(forOwner)).toEqual([]);
    await closeAll();
  });
});
