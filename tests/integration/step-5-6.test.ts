import { DateTime } from 'luxon';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { cardOf, cardSubmitActivity, cardText, executeActivity, inputValue, invokeCardOf, postActivity, type ActivityContext } from '../support/activities';
import { cardSchemaErrors } from '../support/cardSchema';
import { eventually } from '../support/eventually';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';
import { approvePlanOf as approvePlanThroughApi, sharebackChatIdOf } from '../support/loop';

// Steps 5–6 over real HTTP against Azurite, the Graph sandbox and the Bot Connector stand-in: the meeting
// session, decisions and their effects (booked once however often the job runs), the undecided-at-end path,
// and the round report. The service's clock is moved to the meeting and past its end.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const admin = byName('Tom Whitfield'); // a second person who may decide (app admin)
const manager = byName('Maya Johnson');
const carlos = byName('Carlos Rivera');
const emily = byName('Emily Chen');
const stranger = byName('Neha Sharma');
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';

let now = new Date();
let stack: TestStack;
let roundId: string;
let chatId: string;
let sharebackStart: DateTime;

async function call(person: DemoPerson, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.service.url}/api${path}`, {
    method, headers: { 'content-type': 'application/json', 'x-dev-user': person.id, ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  return { status: response.status, json, headers: response.headers, text: json === null && response.status !== 304 ? await response.text().catch(() => '') : '' };
}

const ctx = (person: DemoPerson): ActivityContext => ({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person });
const cardsTo = (person: DemoPerson) => stack.connector.activities.filter((a) => a.conversationId.includes(person.id)).map((a) => a.activity as Record<string, unknown>).filter((a) => Array.isArray(a.attachments));
const followUps = (person: DemoPerson) => stack.sandbox.control.events(manager.id).filter((e) => String(e.subject) === `Practice Loop follow-up: ${person.displayName}`);

/** Steps 1–2 done through the API, so the plan is approved (tests/support/loop.ts). */
const approvePlanOf = (person: DemoPerson) => approvePlanThroughApi(call, person, { roundId, owner, manager });

beforeAll(async () => {
  stack = await startTestStack('step56', {
    env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, ADMIN_USER_IDS: admin.id, TEAMS_APP_ID, TAB_ENDPOINT: 'https://practiceloop.example' },
    overrides: { clock: { now: () => now } },
  });
  const body = aNewRoundBody(organisation, { managerScopes: [manager.id] });
  sharebackStart = DateTime.fromISO(body.shareback.startsAt as string, { zone: 'utc' });
  roundId = (await call(owner, 'POST', '/rounds', body)).json.id;
  expect((await call(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
  await approvePlanOf(carlos);
  await approvePlanOf(emily);
  chatId = await sharebackChatIdOf(stack, owner);
}, 60_000);

afterAll(async () => { await stack?.stop(); });

describe('the meeting tab’s session', () => {
  it('says a meeting that is not a shareback is not linked, and offers owners their rounds to link it to', async () => {
    const forOwner = await call(owner, 'GET', '/meetings/19:meeting_other@thread.v2/session');
    expect(forOwner.json).toMatchObject({ linked: false, message: 'This meeting is not linked to a Practice Loop round.', canLink: true });
    expect(forOwner.json.rounds.map((r: { roundId: string }) => r.roundId)).toContain(roundId);
    expect((await call(carlos, 'GET', '/meetings/19:meeting_other@thread.v2/session')).json).toMatchObject({ linked: false, canLink: false });
  });

  it('finds the round from the meeting chat booked with it; owners get controls, participants do not, strangers nothing', async () => {
    const ownerView = await call(owner, 'GET', `/meetings/${encodeURIComponent(chatId)}/session`);
    expect(ownerView.status).toBe(200);
    expect(ownerView.json).toMatchObject({ linked: true, roundId, isOwner: true, currentParticipantId: null });
    expect(ownerView.json.order.map((p: { name: string }) => p.name)).toEqual(['Carlos Rivera', 'Emily Chen']);
    expect((await call(carlos, 'GET', `/meetings/${encodeURIComponent(chatId)}/session`)).json.isOwner).toBe(false);
    expect((await call(manager, 'GET', `/meetings/${encodeURIComponent(chatId)}/session`)).status).toBe(200);
    expect((await call(stranger, 'GET', `/meetings/${encodeURIComponent(chatId)}/session`)).status).toBe(403);
  });

  it('refuses a participant moving the queue, and changes nothing', async () => {
    const refused = await call(carlos, 'POST', `/meetings/${encodeURIComponent(chatId)}/advance`, {});
    expect(refused.status).toBe(403);
    expect((await call(carlos, 'PUT', `/meetings/${encodeURIComponent(chatId)}/order`, { grouping: 'tool' })).status).toBe(403);
    expect((await call(owner, 'GET', `/meetings/${encodeURIComponent(chatId)}/session`)).json).toMatchObject({ currentParticipantId: null, sessionVersion: 0 });
  });

  it('lets the owner move to the next presenter; everyone’s poll sees it, and an unchanged poll is a 304', async () => {
    const path = `/meetings/${encodeURIComponent(chatId)}/session`;
    const before = await call(emily, 'GET', path);
    const etag = before.headers.get('etag')!;
    expect((await call(emily, 'GET', path, undefined, { 'if-none-match': etag })).status).toBe(304);
    const moved = await call(owner, 'POST', `/meetings/${encodeURIComponent(chatId)}/advance`, { expectedVersion: 0 });
    expect(moved.status).toBe(200);
    expect(moved.json.current).toMatchObject({ participantId: carlos.id, name: 'Carlos Rivera' });
    expect(moved.json.current.summary).toMatchObject({ tool: 'Microsoft 365 Copilot', hypothesis: 'Minutes to write one call summary: 45 minutes → 15 minutes' });
    const after = await call(emily, 'GET', path, undefined, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.json.currentParticipantId).toBe(carlos.id);
    // A second owner's stale "next" (same expectedVersion) is told and shown the current state.
    const stale = await call(admin, 'POST', `/meetings/${encodeURIComponent(chatId)}/advance`, { expectedVersion: 0 });
    expect(stale.status).toBe(409);
    expect(stale.json.current.currentParticipantId).toBe(carlos.id);
  });

  it('lets the owner reorder (the same people, each once)', async () => {
    const bad = await call(owner, 'PUT', `/meetings/${encodeURIComponent(chatId)}/order`, { order: [emily.id] });
    expect(bad.status).toBe(422);
    const reordered = await call(owner, 'PUT', `/meetings/${encodeURIComponent(chatId)}/order`, { order: [emily.id, carlos.id] });
    expect(reordered.json.order.map((p: { participantId: string }) => p.participantId)).toEqual([emily.id, carlos.id]);
  });

  it('lists the experiments without a decision from 10 minutes before the end', async () => {
    now = sharebackStart.plus({ minutes: 75 }).toJSDate(); // the meeting runs 90 minutes
    const running = await call(owner, 'GET', `/meetings/${encodeURIComponent(chatId)}/session`);
    expect(running.json.meeting.phase).toBe('running');
    expect(running.json.undecided).toEqual([]);
    now = sharebackStart.plus({ minutes: 81 }).toJSDate();
    const closing = await call(owner, 'GET', `/meetings/${encodeURIComponent(chatId)}/session`);
    expect(closing.json.meeting.phase).toBe('closing');
    expect(closing.json.undecided.map((u: { name: string }) => u.name).sort()).toEqual(['Carlos Rivera', 'Emily Chen']);
  });
});

describe('decisions', () => {
  it('refuses a non-owner (403) and a decision without owner or date (beside the fields), writing nothing', async () => {
    const refused = await call(manager, 'POST', `/rounds/${roundId}/experiments/${carlos.id}/decision`, { outcome: 'stop', ownerId: manager.id, dueDate: '2030-01-01', learned: 'x' });
    expect(refused.status).toBe(403);
    const incomplete = await call(owner, 'POST', `/rounds/${roundId}/experiments/${carlos.id}/decision`, { outcome: 'manager-follow-up' });
    expect(incomplete.status).toBe(422);
    expect(incomplete.json.fieldErrors).toEqual({ ownerId: 'Name the person who owns this decision.', dueDate: 'Give the date this is due, as YYYY-MM-DD.' });
    const view = await call(owner, 'GET', `/rounds/${roundId}/experiments/${carlos.id}/decision`);
    expect(view.json).toMatchObject({ decision: null });
    expect(['approved', 'sharing']).toContain(view.json.state);
  });
});

describe('after the meeting', () => {
  it('sends each undecided experiment to the owners with a one-click decision card, once', async () => {
    now = sharebackStart.plus({ minutes: 95 }).toJSDate();
    const { checkMeetingEnds } = await import('../../src/usecases/sharebackSession');
    const { wireApplication } = await import('../../src/wiring');
    const { loadConfig } = await import('../../src/config');
    const { createLogger } = await import('../../src/logging');
    const { testConnectionString } = await import('../support/storage');
    const { Writable } = await import('node:stream');
    const config = loadConfig({ TABLE_PREFIX: stack.tablePrefix, STORAGE_CONNECTION_STRING: testConnectionString(), GRAPH_BASE_URL: stack.sandbox.url, BOT_SERVICE_URL: stack.connector.url, TEAMS_APP_ID });
    const quiet = createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) });
    // The scheduler's task, as a second instance would run it (the first claim wins; a second run sends nothing).
    const { ports } = wireApplication(config, { logger: quiet, clock: { now: () => now } });
    await checkMeetingEnds(ports);
    await checkMeetingEnds(ports);
    const cards = await eventually(() => {
      const found = cardsTo(owner).map(cardOf).filter((c) => cardText(c).includes('Still to decide'));
      expect(found).toHaveLength(2);
      return found;
    }, { timeoutInMs: 15_000 });
    for (const card of cards) expect(cardSchemaErrors(card)).toEqual([]);
  });

  it('records a decision from the card; a bad click keeps the values with the error beside the field', async () => {
    const expectedVersion = (await call(owner, 'GET', `/rounds/${roundId}/experiments/${carlos.id}/decision`)).json.version;
    const bad = await invokeCardOf(await postActivity(stack.service.url, executeActivity(ctx(owner), 'decideExperiment', { roundId, participantId: carlos.id, expectedVersion, outcome: 'stop', dueDate: '2030-02-01', approver: 'kept' })));
    expect(cardText(bad)).toContain('Say what was learned, so the next person does not start from zero.');
    expect(inputValue(bad, 'approver')).toBe('kept');
    const dueDate = DateTime.fromJSDate(now).plus({ days: 14 }).toISODate();
    const good = await invokeCardOf(await postActivity(stack.service.url, executeActivity(ctx(owner), 'decideExperiment', { roundId, participantId: carlos.id, expectedVersion, outcome: 'manager-follow-up', dueDate })));
    expect(cardText(good)).toContain('Decided: Carlos Rivera');
    expect(cardText(good)).toContain('Manager follow-up; owner Priya Raman');
    expect(cardSchemaErrors(good)).toEqual([]);
  });

  it('books the manager follow-up exactly once, even when the effects job runs again, and tells the participant', async () => {
    const [event] = await eventually(() => {
      const found = followUps(carlos);
      expect(found).toHaveLength(1);
      return found;
    }, { timeoutInMs: 20_000 });
    const minutes = (Date.parse(`${(event!.end as { dateTime: string }).dateTime}Z`) - Date.parse(`${(event!.start as { dateTime: string }).dateTime}Z`)) / 60_000;
    expect(minutes).toBe(30);
    expect((event!.attendees as Array<{ emailAddress: { address: string } }>).map((a) => a.emailAddress.address)).toEqual([carlos.mail]);
    await eventually(() => expect(cardsTo(carlos).map((a) => cardText(cardOf(a))).some((t) => t.includes('What happens next with your experiment'))).toBe(true), { timeoutInMs: 10_000 });
    // The job again (a retried delivery) and the owner's "retry effects": still one event, one message.
    const { createStorageJobQueue } = await import('../../src/adapters/queues/storageJobQueue');
    const { jobQueueName } = await import('../../src/jobs/handlers');
    const { testConnectionString } = await import('../support/storage');
    const queue = createStorageJobQueue({ connectionString: testConnectionString(), queueName: jobQueueName(stack.tablePrefix) });
    await queue.send([{ kind: 'decision.effects', id: 'again', payload: { roundId, participantId: carlos.id } }]);
    expect((await call(owner, 'POST', `/rounds/${roundId}/experiments/${carlos.id}/decision/effects`)).status).toBe(200);
    const { QueueClient } = await import('@azure/storage-queue');
    const raw = new QueueClient(testConnectionString(), jobQueueName(stack.tablePrefix));
    await eventually(async () => expect((await raw.getProperties()).approximateMessagesCount).toBe(0), { timeoutInMs: 10_000 });
    expect(followUps(carlos)).toHaveLength(1);
    expect(cardsTo(carlos).map((a) => cardText(cardOf(a))).filter((t) => t.includes('What happens next with your experiment'))).toHaveLength(1);
    expect(stack.sandbox.control.invalidRequests()).toEqual([]);
  });

  it('lets one of two owners deciding at once win; the other is told and shown the current decision', async () => {
    const dueDate = DateTime.fromJSDate(now).plus({ days: 30 }).toISODate();
    const [a, b] = await Promise.all([
      call(owner, 'POST', `/rounds/${roundId}/experiments/${emily.id}/decision`, { outcome: 'paid-licence', ownerId: owner.id, dueDate, tool: 'Microsoft 365 Copilot', seats: 12, approver: 'Finance' }),
      call(admin, 'POST', `/rounds/${roundId}/experiments/${emily.id}/decision`, { outcome: 'stop', ownerId: admin.id, dueDate, learned: 'Not worth it for our notes' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
    expect(loser.json.current.decision.outcome).toBe(winner.json.decision.outcome);
    expect(loser.json.error).toMatch(/already been recorded/);
  });

  it('keeps history on an edit, and tells the owner when a follow-up finds no free time; the owner’s pick is booked once', async () => {
    // Emily is busy for the next four weeks.
    const from = DateTime.fromJSDate(now).toUTC();
    const busy = await fetch(`${stack.sandbox.url}/v1.0/users/${emily.id}/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test' }, body: JSON.stringify({
      subject: 'Secondment', showAs: 'busy', start: { dateTime: from.toFormat("yyyy-MM-dd'T'HH:mm:ss"), timeZone: 'UTC' }, end: { dateTime: from.plus({ weeks: 4 }).toFormat("yyyy-MM-dd'T'HH:mm:ss"), timeZone: 'UTC' },
    }) });
    expect(busy.status).toBe(201);
    const current = await call(owner, 'GET', `/rounds/${roundId}/experiments/${emily.id}/decision`);
    const edited = await call(owner, 'POST', `/rounds/${roundId}/experiments/${emily.id}/decision`, { outcome: 'manager-follow-up', ownerId: owner.id, dueDate: current.json.decision.dueDate, expectedVersion: current.json.version });
    expect(edited.status).toBe(200);
    expect(edited.json.decision).toMatchObject({ outcome: 'manager-follow-up', revision: 2 });
    expect(edited.json.decision.previous).toHaveLength(1);
    const told = await eventually(() => {
      const card = cardsTo(owner).map(cardOf).find((c) => cardText(c).includes('Pick a time for Emily Chen'));
      if (!card) throw new Error('owner not told yet');
      return card;
    }, { timeoutInMs: 20_000 });
    expect(cardSchemaErrors(told)).toEqual([]);
    // The outcome is recorded before the owner's card is queued, so the card's arrival means the log holds it.
    const effects = (await call(owner, 'GET', `/rounds/${roundId}/experiments/${emily.id}/decision`)).json.effects;
    expect(Object.values(effects).some((o) => (o as { status: string }).status === 'needs-owner')).toBe(true);
    expect(followUps(emily)).toHaveLength(0);
    const past = await call(owner, 'POST', `/rounds/${roundId}/experiments/${emily.id}/decision/follow-up`, { start: from.minus({ days: 1 }).toISO() });
    expect(past.status).toBe(422);
    // The owner picks on the card, in their own time zone (named on the card): 15:00 there is what gets booked.
    const pickAction = (told.actions as { type: string; data?: Record<string, unknown> }[]).find((a) => a.data?.verb === 'pickFollowUpTime')!;
    const ownerZone = String(pickAction.data!.timeZone);
    expect(ownerZone).not.toBe('UTC');
    expect(cardText(told)).toContain(ownerZone);
    const day = from.plus({ weeks: 5 }).setZone(ownerZone).toISODate()!;
    const sentBefore = cardsTo(owner).length;
    expect((await postActivity(stack.service.url, cardSubmitActivity(ctx(owner), { ...pickAction.data, date: day, time: '15:00' }))).status).toBe(200);
    const reply = await eventually(() => {
      const latest = cardsTo(owner).slice(sentBefore).map(cardOf).at(-1);
      if (!latest) throw new Error('no reply to the pick yet');
      return latest;
    });
    expect(cardSchemaErrors(reply)).toEqual([]);
    expect(cardText(reply)).not.toMatch(/future|Choose/);
    expect(followUps(emily)).toHaveLength(1);
    const booked = followUps(emily)[0]! as { start: { dateTime: string; timeZone: string } };
    expect(DateTime.fromISO(booked.start.dateTime, { zone: booked.start.timeZone }).toMillis()).toBe(DateTime.fromISO(`${day}T15:00`, { zone: ownerZone }).toMillis());
    // The same pick again, from the tab this time: still the one event.
    const start = DateTime.fromISO(`${day}T15:00`, { zone: ownerZone }).toUTC().toISO();
    expect((await call(owner, 'POST', `/rounds/${roundId}/experiments/${emily.id}/decision/follow-up`, { start })).json.status).toBe('done');
    expect(followUps(emily)).toHaveLength(1);
  });
});

describe('editing a decision', () => {
  it('takes the follow-up out of the calendar when the outcome changes, keeps the history and tells the participant again', async () => {
    expect(followUps(carlos)).toHaveLength(1);
    const current = await call(owner, 'GET', `/rounds/${roundId}/experiments/${carlos.id}/decision`);
    const edited = await call(owner, 'POST', `/rounds/${roundId}/experiments/${carlos.id}/decision`, {
      outcome: 'stop', ownerId: owner.id, dueDate: current.json.decision.dueDate, learned: 'The CRM export needs cleaning first', expectedVersion: current.json.version,
    });
    expect(edited.status).toBe(200);
    expect(edited.json.decision.previous.map((d: { outcome: string }) => d.outcome)).toEqual(['manager-follow-up']);
    await eventually(() => expect(followUps(carlos)).toHaveLength(0), { timeoutInMs: 15_000 });
    await eventually(() => expect(cardsTo(carlos).map((a) => cardText(cardOf(a))).filter((t) => t.includes('The decision on your experiment was updated'))).toHaveLength(1), { timeoutInMs: 10_000 });
    const effects = (await call(owner, 'GET', `/rounds/${roundId}/experiments/${carlos.id}/decision`)).json.effects;
    expect(Object.values(effects).map((o) => (o as { status: string }).status)).toContain('cancelled');
    // A stale edit (the version before this one) is refused with the decision as it stands.
    const stale = await call(admin, 'POST', `/rounds/${roundId}/experiments/${carlos.id}/decision`, { outcome: 'another-round', ownerId: admin.id, dueDate: current.json.decision.dueDate, expectedVersion: current.json.version });
    expect(stale.status).toBe(409);
    expect(stale.json.current.decision.outcome).toBe('stop');
  });
});

describe('the round report', () => {
  it('goes to the owners once everything is decided, and is there as JSON, CSV and Markdown for owners only', async () => {
    await eventually(() => {
      const card = cardsTo(owner).map(cardOf).find((c) => cardText(c).startsWith('Round report:'));
      if (!card) throw new Error('no report card yet');
      expect(cardSchemaErrors(card)).toEqual([]);
    }, { timeoutInMs: 20_000 });
    const report = await call(owner, 'GET', `/rounds/${roundId}/report`);
    expect(report.json.decisions).toMatchObject({ 'manager-follow-up': 1, stop: 1, undecided: 0 });
    expect(report.json.allDecided).toBe(true);
    expect(report.json.funnel[0]).toMatchObject({ count: 2 });
    expect(report.json.capability.after.toolsWithTwoOrMore).toBe(1);
    const csv = await fetch(`${stack.service.url}/api/rounds/${roundId}/report?format=csv`, { headers: { 'x-dev-user': owner.id } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\n')[0]).toBe('participant,team,tool,state,hoursPlanned,hoursKept,hypothesis,decision,assetsShared');
    const md = await fetch(`${stack.service.url}/api/rounds/${roundId}/report?format=md`, { headers: { 'x-dev-user': owner.id } });
    expect(await md.text()).toContain('| Manager follow-up | 1 |');
    expect((await call(carlos, 'GET', `/rounds/${roundId}/report`)).status).toBe(403);
    const capability = await call(owner, 'GET', `/rounds/${roundId}/capability`);
    expect(capability.json.tools[0]).toMatchObject({ tool: 'Microsoft 365 Copilot', holders: 2, singleHolder: false, byTeam: { Marketing: 2 } });
  });
});
