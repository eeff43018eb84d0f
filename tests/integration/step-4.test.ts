import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DateTime } from 'luxon';
import { createTableScheduleStore } from '../../src/adapters/tables/scheduleStore';
import { EntityTable } from '../../src/adapters/tables/entityTable';
import { loadConfig } from '../../src/config';
import { journalPeriodicTasks } from '../../src/jobs/handlers';
import { jobRegistry } from '../../src/jobs/registry';
import { startScheduler } from '../../src/jobs/scheduler';
import { createLogger } from '../../src/logging';
import { enqueueDigests } from '../../src/usecases/checkIns';
import { enqueueJournalPrompts, enqueueNudges } from '../../src/usecases/journal';
import { wireApplication } from '../../src/wiring';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { cardOf, cardSubmitActivity, cardText, inputValue, messageActivity, postActivity, type ActivityContext } from '../support/activities';
import { cardSchemaErrors } from '../support/cardSchema';
import { eventually } from '../support/eventually';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';
import { approvePlanOf as approvePlanThroughApi } from '../support/loop';

// Step 4 over real HTTP (bot protocol and REST) against Azurite and the Graph sandbox, with the service's clock
// moved through the practice window: journal, asset save and share, the weekly prompt, the nudge and the
// manager's digest — each periodic send run by two scheduler instances at once (and its job run twice) to prove one card.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Maya Johnson'); // New York
const carlos = byName('Carlos Rivera'); // reports to Maya
const emily = byName('Emily Chen'); // reports to Maya
const stranger = byName('Sofia Marin'); // not in the round; her manager is not either
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';
const HOSTILE = '${$root.roundId} [click me](https://evil.example/) **bold** <at>Maya</at>';

// The service and the second instance read this clock: real time until a test moves it.
let fixedNow: number | null = null;
const clock = { now: () => new Date(fixedNow ?? Date.now()) };

let stack: TestStack;
let roundId: string;
let windowStart: DateTime;
let second: ReturnType<typeof wireApplication>;

const ctx = (person: DemoPerson): ActivityContext => ({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person });
const chatOf = (person: DemoPerson) => stack.connector.activities.filter((a) => a.conversationId === `a:${person.id}`);
const cardsIn = (person: DemoPerson, text: RegExp) => chatOf(person).filter((a) => {
  try { return text.test(cardText(cardOf(a.activity))); } catch { return false; }
});

async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.service.url}/api${path}`, { method, headers: { 'content-type': 'application/json', 'x-dev-user': person.id }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text();
  return { status: response.status, json };
}

/** Posts an activity and returns the card the bot answered with. */
async function send(person: DemoPerson, activity: unknown) {
  const before = chatOf(person).length;
  expect((await postActivity(stack.service.url, activity)).status).toBe(200);
  const replies = await stack.connector.waitFor(`a:${person.id}`, before + 1);
  const card = cardOf(replies.at(-1)!.activity);
  expect(cardSchemaErrors(card)).toEqual([]);
  return card;
}
const say = (person: DemoPerson, text: string) => send(person, messageActivity(ctx(person), text));
const submit = (person: DemoPerson, value: Record<string, unknown>) => send(person, cardSubmitActivity(ctx(person), value));

/** Data an action of the card carries (the hidden part of a submit). */
function actionData(card: unknown, verb: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  (function visit(node: unknown) {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const data = (node as { data?: { verb?: unknown } }).data;
    const matches = data?.verb === verb && Object.entries(extra).every(([key, value]) => (data as Record<string, unknown>)[key] === value);
    if (matches && !found) found = data as Record<string, unknown>;
    Object.values(node).forEach(visit);
  })(card);
  if (!found) throw new Error(`the card has no ${verb} action`);
  return found;
}

const setClock = (at: DateTime) => { fixedNow = at.toMillis(); };

/** Two instances' schedulers (separate stores over the same Schedule table) tick at the same moment. */
async function twoSchedulersTick() {
  const logger = createLogger('second', { destination: new Writable({ write(_c, _e, done) { done(); } }) });
  const table = () => EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}Schedule`, 'schedule');
  const abort = new AbortController();
  const one = startScheduler({ tasks: journalPeriodicTasks(second.ports), store: createTableScheduleStore(table()), clock, logger, abortSignal: abort.signal, tickInMs: 3_600_000 });
  const two = startScheduler({ tasks: journalPeriodicTasks(second.ports), store: createTableScheduleStore(table()), clock, logger, abortSignal: abort.signal, tickInMs: 3_600_000 });
  await Promise.all([one.tick(), two.tick()]);
  abort.abort();
}

/** Steps 1–2 done through the API, so the plan is approved (tests/support/loop.ts). */
const approvePlanOf = (person: DemoPerson) => approvePlanThroughApi(call, person, { roundId, owner, manager, role: 'sales' });

beforeAll(async () => {
  stack = await startTestStack('step4', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID }, overrides: { clock } });
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: stack.tablePrefix, GRAPH_BASE_URL: stack.sandbox.url,
    IN_PROCESS_WORKER: 'false', BOT_SERVICE_URL: stack.connector.url, PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID,
  });
  second = wireApplication(config, { logger: createLogger('second', { destination: new Writable({ write(_c, _e, done) { done(); } }) }), clock });
  // Everyone has talked to the bot, so their replies and proactive cards land in `a:<id>`.
  for (const person of [carlos, emily, manager, stranger]) await postActivity(stack.service.url, messageActivity(ctx(person), 'hi'));
  const body = aNewRoundBody(organisation, { managerScopes: [manager.id] });
  windowStart = DateTime.fromISO(String(body.window.start), { zone: 'Europe/London' });
  const created = await call(owner, 'POST', '/rounds', body);
  roundId = created.json.id;
  expect((await call(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
  await approvePlanOf(carlos);
  await approvePlanOf(emily);
  await eventually(async () => {
    const status = await call(owner, 'GET', `/rounds/${roundId}`);
    const people = status.json.people.filter((p: { userId: string }) => p.userId === carlos.id || p.userId === emily.id);
    expect(people.map((p: { practiceTime: { status: string } | null }) => p.practiceTime?.status)).toEqual(['booked', 'booked']);
  }, { timeoutInMs: 20_000 });
  // The owner adds a client name to the round's own list of words to flag.
  expect((await call(owner, 'PATCH', `/rounds/${roundId}`, { sensitiveTerms: ['Fabrikam Bank'] })).status).toBe(200);
  // Sunday of the first practice week, noon in London (07:00 in New York): every block of the week has passed.
  setClock(windowStart.plus({ days: 6, hours: 12 }));
}, 60_000);

afterAll(async () => { await stack.stop(); });

describe('the weekly journal in chat', () => {
  let journalCard: Record<string, unknown>;

  it('opens with `journal`, hours prefilled from the kept blocks of the week', async () => {
    journalCard = await say(carlos, 'journal');
    expect(cardText(journalCard)).toContain(`week of`);
    expect(Number(inputValue(journalCard, 'hoursPractised'))).toBeGreaterThan(0);
    expect(JSON.stringify(journalCard)).toContain('Save an asset');
  });

  it('asks for at least one answer when none is given, keeping the values', async () => {
    const save = actionData(journalCard, 'saveJournal');
    const card = await submit(carlos, { ...save, improved: '', broke: ' ', hoursPractised: '1.5', missedBlocks: '1', missedReason: 'Customer escalation' });
    expect(cardText(card)).toMatch(/Answer at least one/);
    expect(inputValue(card, 'hoursPractised')).toBe(1.5);
    expect(inputValue(card, 'missedReason')).toBe('Customer escalation');
    expect((await call(carlos, 'GET', `/rounds/${roundId}/me/journals`)).json.value).toEqual([]);
  });

  it('says the limit and how far over, keeping the text', async () => {
    const long = 'a'.repeat(4_010);
    const card = await submit(carlos, { ...actionData(journalCard, 'saveJournal'), improved: long });
    expect(cardText(card)).toContain('limited to 4,000 characters; this is 10 over');
    expect(inputValue(card, 'improved')).toBe(long);
  });

  it('shows what should have been redacted, stores nothing until the person chooses, then redacts', async () => {
    const text = 'Sent the summary to ana.lopez@fabrikam.example for Fabrikam Bank';
    const card = await submit(carlos, { ...actionData(journalCard, 'saveJournal'), improved: text, hoursPractised: '2' });
    expect(cardText(card)).toMatch(/Check before it is saved/);
    expect(cardText(card)).toMatch(/e-mail address/);
    expect(cardText(card)).toMatch(/this round's list/);
    expect(inputValue(card, 'improved')).toBe(text);
    expect((await call(carlos, 'GET', `/rounds/${roundId}/me/journals`)).json.value).toEqual([]);
    const saved = await submit(carlos, { ...actionData(card, 'saveJournal'), improved: text, hoursPractised: '2', sensitiveData: 'redact' });
    expect(inputValue(saved, 'improved')).toBe('Sent the summary to [redacted e-mail address] for [redacted a word on this round\'s list]');
    const stored = (await call(carlos, 'GET', `/rounds/${roundId}/me/journals`)).json;
    expect(stored.editableDays).toBe(7);
    expect(stored.value).toHaveLength(1);
    expect(stored.value[0]).toMatchObject({ hoursPractised: 2, version: 1, weekStart: windowStart.toISODate() });
  });

  it('stores markup and template syntax as text, and the card shows it as typed', async () => {
    const week = windowStart.toISODate();
    const current = (await call(carlos, 'GET', `/rounds/${roundId}/me/journals`)).json.value[0];
    const put = await call(carlos, 'PUT', `/rounds/${roundId}/me/journals/${week}`, { taught: HOSTILE, expectedVersion: current.version });
    expect(put.status).toBe(200);
    expect(put.json.taught).toBe(HOSTILE);
    const card = await say(carlos, 'journal');
    expect(inputValue(card, 'taught')).toBe(HOSTILE);
    expect(JSON.stringify(card)).not.toContain(`"${roundId} [click me]`);
  });

  it('refuses a stale edit with the entry as it stands', async () => {
    const put = await call(carlos, 'PUT', `/rounds/${roundId}/me/journals/${windowStart.toISODate()}`, { broke: 'x', expectedVersion: 1 });
    expect(put.status).toBe(409);
    expect(put.json.current.taught).toBe(HOSTILE);
  });

  it('makes one entry from the same submission sent twice at once', async () => {
    const week = windowStart.minus({ weeks: 1 }).toISODate();
    // The week before the window is "last week" now; two identical PUTs race.
    const [a, b] = await Promise.all([0, 1].map(() => call(carlos, 'PUT', `/rounds/${roundId}/me/journals/${week}`, { improved: 'Read the tool guide' })));
    expect([a!.status, b!.status].sort()).toEqual([200, 201]);
    const entries = (await call(carlos, 'GET', `/rounds/${roundId}/me/journals`)).json.value.filter((e: { weekStart: string }) => e.weekStart === week);
    expect(entries).toHaveLength(1);
  });

  it('refuses sensitive content over REST without a choice, naming each finding', async () => {
    const put = await call(emily, 'PUT', `/rounds/${roundId}/me/journals/${windowStart.toISODate()}`, { improved: 'My card 4539 1488 0343 6467 was charged' });
    expect(put.status).toBe(422);
    expect(put.json.sensitiveFindings).toEqual([expect.objectContaining({ field: 'improved', kind: 'payment_card' })]);
    expect(JSON.stringify(put.json)).not.toContain('4539 1488 0343 6467');
    expect((await call(emily, 'GET', `/rounds/${roundId}/me/journals`)).json.value).toEqual([]);
  });

  it('lets the manager read a report\'s journal, but not a colleague or a stranger', async () => {
    expect((await call(manager, 'GET', `/rounds/${roundId}/reports/${carlos.id}/journals`)).json.value.length).toBe(2);
    expect((await call(emily, 'GET', `/rounds/${roundId}/reports/${carlos.id}/journals`)).status).toBe(403);
    expect((await call(stranger, 'GET', `/rounds/${roundId}/reports/${carlos.id}/journals`)).status).toBe(403);
    // Someone outside the round has no "my" journal or assets there: told so, like GET …/me.
    expect((await call(stranger, 'GET', `/rounds/${roundId}/me/journals`)).status).toBe(403);
    expect((await call(stranger, 'GET', `/rounds/${roundId}/me/assets`)).status).toBe(403);
  });
});

describe('the weekly prompt', () => {
  it('goes to a practising participant with no entry once, however many schedulers and deliveries', async () => {
    await twoSchedulersTick();
    await eventually(() => expect(cardsIn(emily, /How did practice go this week/).length).toBeGreaterThanOrEqual(1), { timeoutInMs: 15_000 });
    // Carlos wrote this week already: no prompt for him.
    const week = windowStart.toISODate()!;
    const job = { kind: 'journal.prompt', id: `journal-prompt:x:${week}`, payload: { roundId, participantId: emily.id, weekStart: week } };
    const handler = jobRegistry(second.ports, { dashboardUrl: '', tabEndpoint: null })['journal.prompt'].handler;
    const context = { attempt: 1, abortSignal: new AbortController().signal };
    await Promise.all([handler(job, context), handler(job, context)]);
    expect(await Promise.all([enqueueJournalPrompts(second.ports), enqueueJournalPrompts(second.ports)])).toEqual([0, 0]);
    expect(cardsIn(emily, /How did practice go this week/)).toHaveLength(1);
    expect(cardsIn(carlos, /How did practice go this week/)).toHaveLength(0);
    expect(cardSchemaErrors(cardOf(cardsIn(emily, /How did practice go this week/)[0]!.activity))).toEqual([]);
  });
});

describe('assets', () => {
  let form: Record<string, unknown>;
  let assetId: string;

  it('opens the form with `save asset` and rejects a link that is not http(s), keeping the values', async () => {
    form = await say(carlos, 'save asset');
    const save = actionData(form, 'saveAsset');
    const card = await submit(carlos, { ...save, kind: 'reference', title: 'Handy link', url: 'javascript:alert(1)', goodFor: 'Trying things' });
    expect(cardText(card)).toMatch(/http:\/\/ or https:\/\//);
    expect(inputValue(card, 'title')).toBe('Handy link');
  });

  it('asks about a token in the content, saves on "it is fine", and the same submission twice is one asset', async () => {
    const save = actionData(form, 'saveAsset');
    const values = { kind: 'prompt', title: 'Call note summariser', content: 'Summarise ${notes} as bullets. token 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', goodFor: 'Turning call notes into CRM entries' };
    const card = await submit(carlos, { ...save, ...values });
    expect(cardText(card)).toMatch(/API key or token/);
    const confirm = actionData(card, 'saveAsset', { sensitiveData: 'confirm' });
    expect(confirm.sensitiveData).toBe('confirm');
    const [first] = await Promise.all([submit(carlos, { ...confirm, ...values }), submit(carlos, { ...confirm, ...values })]);
    expect(cardText(first)).toMatch(/Saved to your library/);
    const mine = (await call(carlos, 'GET', `/rounds/${roundId}/me/assets`)).json.value;
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ content: values.content, shared: false, tool: 'Microsoft 365 Copilot', authorId: carlos.id });
    assetId = mine[0].id;
  });

  it('is private until shared; then the round can find it by tool, kind and text', async () => {
    expect((await call(emily, 'GET', `/rounds/${roundId}/assets?q=summariser`)).json.value).toEqual([]);
    const card = (await call(manager, 'GET', `/rounds/${roundId}/reports/${carlos.id}/assets`)).json.value;
    expect(card).toHaveLength(1);
    const mine = (await call(carlos, 'GET', `/rounds/${roundId}/me/assets`)).json.value[0];
    const shared = await submit(carlos, { ...actionData(await (async () => {
      const { renderAssetCard } = await import('../../src/cards/assetSave');
      return renderAssetCard(mine);
    })(), 'shareAsset') });
    expect(cardText(shared)).toMatch(/Shared with the round/);
    const found = await call(emily, 'GET', `/rounds/${roundId}/assets?tool=Microsoft%20365%20Copilot&kind=prompt&q=CRM`);
    expect(found.json.value.map((a: { id: string }) => a.id)).toEqual([assetId]);
    expect((await call(emily, 'GET', `/rounds/${roundId}/assets?kind=workflow`)).json.value).toEqual([]);
    expect((await call(stranger, 'GET', `/rounds/${roundId}/assets`)).status).toBe(403);
  });

  it('refuses REST saves with a bad link, and a repeated submission id answers with the same asset', async () => {
    const bad = await call(emily, 'POST', `/rounds/${roundId}/me/assets`, { kind: 'reference', title: 'A file', url: 'file:///etc/passwd', goodFor: 'Nothing', submissionId: randomUUID() });
    expect(bad.status).toBe(422);
    expect(bad.json.fieldErrors.url).toMatch(/https/);
    const submissionId = randomUUID();
    const body = { kind: 'workflow', title: 'Three steps for a call note', content: '1. Paste\n2. Ask\n3. Check', goodFor: 'Call notes', submissionId };
    const [a, b] = await Promise.all([call(emily, 'POST', `/rounds/${roundId}/me/assets`, body), call(emily, 'POST', `/rounds/${roundId}/me/assets`, body)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.json.id).toBe(b.json.id);
    expect((await call(emily, 'GET', `/rounds/${roundId}/me/assets`)).json.value).toHaveLength(1);
  });

  it('exports the shared library with provenance for an owner only', async () => {
    const md = await call(owner, 'GET', `/rounds/${roundId}/assets/export?format=md`);
    expect(md.status).toBe(200);
    expect(md.json).toContain('Call note summariser');
    expect(md.json).toContain('Carlos Rivera');
    const json = await call(owner, 'GET', `/rounds/${roundId}/assets/export?format=json`);
    expect(json.json.assets[0].provenance).toMatchObject({ authorId: carlos.id, authorName: 'Carlos Rivera', roundId });
    expect((await call(manager, 'GET', `/rounds/${roundId}/assets/export?format=json`)).status).toBe(403);
  });
});

describe('manager check-ins', () => {
  it('sends one digest per manager per week with process figures only', async () => {
    await twoSchedulersTick();
    await eventually(() => expect(cardsIn(manager, /Your team's practice this week/).length).toBeGreaterThanOrEqual(1), { timeoutInMs: 15_000 });
    const week = windowStart.toISODate()!;
    const handler = jobRegistry(second.ports, { dashboardUrl: '', tabEndpoint: null })['checkin.digest'].handler;
    const context = { attempt: 1, abortSignal: new AbortController().signal };
    await Promise.all([handler({ kind: 'checkin.digest', id: 'x', payload: { managerId: manager.id, weekStart: week } }, context), handler({ kind: 'checkin.digest', id: 'x', payload: { managerId: manager.id, weekStart: week } }, context)]);
    expect(await Promise.all([enqueueDigests(second.ports), enqueueDigests(second.ports)])).toEqual([0, 0]);
    const digests = cardsIn(manager, /Your team's practice this week/);
    expect(digests).toHaveLength(1);
    const text = cardText(cardOf(digests[0]!.activity));
    expect(text).toContain('Carlos Rivera');
    expect(text).toContain('Emily Chen');
    expect(text).not.toMatch(/\bscore|rating|grade\b/i);
    const api = await call(manager, 'GET', '/checkins');
    expect(api.json.value.map((l: { displayName: string }) => l.displayName)).toEqual(['Carlos Rivera', 'Emily Chen']);
    expect(api.json.value[0]).toMatchObject({ journals: 2, assetsSaved: 1, daysSinceLastEntry: 0, nudgedAt: null });
    expect(Object.keys(api.json.value[0]).filter((k) => /score|rating|grade|rank|quality/i.test(k))).toEqual([]);
  });

  it('sends a note of encouragement from the digest; user text arrives as text', async () => {
    const digest = cardOf(cardsIn(manager, /Your team's practice this week/)[0]!.activity);
    const data = actionData(digest, 'sendEncouragement');
    const before = cardsIn(carlos, /A note from Maya Johnson/).length;
    const reply = await submit(manager, { ...data, [`message-${roundId}-${carlos.id}`]: HOSTILE });
    expect(cardText(reply)).toMatch(/Note sent/);
    await eventually(() => expect(cardsIn(carlos, /A note from Maya Johnson/).length).toBe(before + 1));
    expect(JSON.stringify(cardOf(cardsIn(carlos, /A note from Maya Johnson/).at(-1)!.activity))).toContain(JSON.stringify(HOSTILE).slice(1, -1));
    // The same note again (a double click, then the same words from the dashboard): still one message.
    const again = await submit(manager, { ...data, [`message-${roundId}-${carlos.id}`]: HOSTILE });
    expect(cardText(again)).toMatch(/Note sent/);
    expect((await call(manager, 'POST', `/rounds/${roundId}/reports/${carlos.id}/encourage`, { message: HOSTILE })).json).toEqual({ sentTo: carlos.id, alreadySent: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(cardsIn(carlos, /A note from Maya Johnson/).length).toBe(before + 1);
    expect((await call(emily, 'POST', `/rounds/${roundId}/reports/${carlos.id}/encourage`, { message: 'hi' })).status).toBe(403);
  });

  it('extends a report\'s window by a week from the digest', async () => {
    const digest = cardOf(cardsIn(manager, /Your team's practice this week/)[0]!.activity);
    const reply = await submit(manager, actionData(digest, 'digestExtendWindow', { userId: carlos.id }));
    expect(cardText(reply)).toMatch(/Window extended/);
    expect((await call(carlos, 'GET', `/rounds/${roundId}/me`)).json.experiment.windowExtensionDays).toBe(7);
  });

  it('books a 15-minute check-in in both calendars at a free time, once however often it is asked', async () => {
    const first = await call(manager, 'POST', `/rounds/${roundId}/reports/${carlos.id}/checkin`, {});
    expect(first.status).toBe(201);
    expect(Date.parse(first.json.end) - Date.parse(first.json.start)).toBe(15 * 60_000);
    expect(first.json.start > clock.now().toISOString()).toBe(true);
    const again = await call(manager, 'POST', `/rounds/${roundId}/reports/${carlos.id}/checkin`, {});
    expect(again.json.eventId).toBe(first.json.eventId);
    const inManager = stack.sandbox.control.events(manager.id).filter((e) => String(e.subject).startsWith('Practice check-in'));
    const inReport = stack.sandbox.control.events(carlos.id).filter((e) => String(e.subject).startsWith('Practice check-in'));
    expect(inManager).toHaveLength(1);
    expect(inReport).toHaveLength(1);
    expect((await call(emily, 'POST', `/rounds/${roundId}/reports/${carlos.id}/checkin`, {})).status).toBe(403);
  });
});

describe('a quiet stretch', () => {
  it('gets one gentle nudge after 10 days without an entry, and the manager sees it', async () => {
    // Friday of week 2, noon in London: 11 days since practice began; Emily has written nothing.
    setClock(windowStart.plus({ days: 11, hours: 12 }));
    await twoSchedulersTick();
    await eventually(() => expect(cardsIn(emily, /A quiet stretch is normal/).length).toBeGreaterThanOrEqual(1), { timeoutInMs: 15_000 });
    const since = (await second.ports.journals.listReminders(emily.id as never, 'nudge'))[0]!.key.split('|')[1]!;
    const handler = jobRegistry(second.ports, { dashboardUrl: '', tabEndpoint: null })['journal.nudge'].handler;
    const context = { attempt: 1, abortSignal: new AbortController().signal };
    const job = { kind: 'journal.nudge', id: 'x', payload: { roundId, participantId: emily.id, since } };
    await Promise.all([handler(job, context), handler(job, context)]);
    expect(cardsIn(emily, /A quiet stretch is normal/)).toHaveLength(1);
    expect(cardsIn(carlos, /A quiet stretch is normal/)).toHaveLength(0);
    expect(await Promise.all([enqueueNudges(second.ports), enqueueNudges(second.ports)])).toEqual([0, 0]);
    const emilyLine = (await call(manager, 'GET', '/checkins')).json.value.find((l: { userId: string }) => l.userId === emily.id);
    expect(emilyLine.nudgedAt).not.toBeNull();
    expect(emilyLine.daysSinceLastEntry).toBe(11);
  });

  it('says kindly the next week that a week is missing, and both weeks can be logged', async () => {
    const card = await say(emily, 'journal');
    expect(cardText(card)).toMatch(/There is no entry for the week of .*That is fine/);
    const lastWeek = actionData(card, 'openJournal');
    expect(lastWeek.weekStart).toBe(windowStart.toISODate());
    const older = await submit(emily, lastWeek);
    const savedOld = await submit(emily, { ...actionData(older, 'saveJournal'), improved: 'Got the first summaries out' });
    expect(cardText(savedOld)).toMatch(/Saved/);
    // "Which practice blocks did not happen?" lists this week's past blocks; the one ticked is recorded on the booking.
    const missed = String(JSON.stringify(card).match(/"value":"(\d+:\d+)"/)?.[1]);
    await submit(emily, { ...actionData(card, 'saveJournal'), broke: 'No time on Tuesday', missedBlockRefs: missed, missedBlocks: '1', missedReason: 'A client call ran over' });
    const weeks = (await call(emily, 'GET', `/rounds/${roundId}/me/journals`)).json.value.map((e: { weekStart: string }) => e.weekStart);
    expect(weeks).toEqual([windowStart.plus({ weeks: 1 }).toISODate(), windowStart.toISODate()]);
    const [week, index] = missed.split(':').map(Number);
    const blocks = (await call(emily, 'GET', `/rounds/${roundId}/me`)).json.practiceTime.blocks as Array<{ week: number; index: number; notKept: { by: string; reason: string } | null }>;
    expect(blocks.find((b) => b.week === week && b.index === index)?.notKept).toEqual({ by: 'participant', reason: 'A client call ran over' });
  });

  it('keeps entries older than 7 days read-only, with the reason', async () => {
    // Carlos wrote week 1 on its Sunday; a week and a day later it is read-only.
    setClock(windowStart.plus({ days: 14, hours: 13 }));
    const put = await call(carlos, 'PUT', `/rounds/${roundId}/me/journals/${windowStart.toISODate()}`, { broke: 'late edit' });
    expect(put.status).toBe(409);
    expect(put.json.error).toMatch(/read-only/);
  });
});
