import { DateTime } from 'luxon';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { DEMO_CAST, DEMO_ROUND_NAME, seedDemoRound, type SeedResult } from '../../tools/demo-seed';
import { cardOf, cardText, executeActivity, invokeCardOf, messageActivity, postActivity, type ActivityContext } from '../support/activities';
import { formatDay } from '../../src/cards/format';
import { eventually } from '../support/eventually';
import { sharebackChatIdOf } from '../support/loop';
import { startTestStack, type TestStack } from '../support/service';

// The first run as a person tries it: the demo seed (what `npm start` shows) in its third week, then the demo
// clock (POST /api/dev/clock) moves the app through the end of practice, the shareback meeting (running,
// closing with the undecided list, ended) and the decisions to the round report. At each phase it checks
// what the participant, the manager and the owner see over the REST API and in the bot's chat.
jest.setTimeout(300_000);

const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName(DEMO_CAST.owner);
const daniel = byName('Daniel Hughes');
const arjun = byName('Arjun Mehta');
const sofia = byName('Sofia Marin'); // practising, two journal entries, summary ready
const oliver = byName('Oliver Bennett'); // practising, quiet since week 1, summary not ready
const neha = byName('Neha Sharma');
const rohan = byName('Rohan Iyer');
const jordan = byName('Jordan Brooks'); // plan waiting for Daniel
const ananya = byName('Ananya Das'); // plan waiting for Arjun after changes
const cast = [owner, daniel, arjun, sofia, oliver, neha, rohan, jordan, ananya, byName('Ben Carter')];

let stack: TestStack;
let seeded: SeedResult;
let roundId: string;
let chatId: string;

const ctx = (person: DemoPerson): ActivityContext => ({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person });
async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.service.url}/api${path}`, { method, headers: { 'content-type': 'application/json', 'x-dev-user': person.id }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text as any };
}
/** The cards the bot sent to a person's chat whose text matches. */
const cardsTo = (person: DemoPerson, text: RegExp) => stack.connector.activities
  .filter((a) => a.conversationId === `a:${person.id}`)
  .map((a) => { try { return cardText(cardOf(a.activity)); } catch { return ''; } })
  .filter((t) => text.test(t));
const promptsFor = (person: DemoPerson, weekStart: string) => cardsTo(person, new RegExp(`How did practice go this week\\? \\(week of ${formatDay(weekStart)}\\)`));
const moveClock = async (body: Record<string, unknown>) => {
  const moved = await call(owner, 'POST', '/dev/clock', body);
  expect(moved.status).toBe(200);
  return moved.json as { now: string; offsetInMs: number; ran: string[] };
};
const session = () => call(owner, 'GET', `/meetings/${encodeURIComponent(chatId)}/session`);
const namesOf = (rows: { name: string }[]) => rows.map((r) => r.name).sort();

beforeAll(async () => {
  stack = await startTestStack('walk', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id } });
  // Everyone has opened the bot once, so its proactive cards land in their chat (a:<id>) at the connector stand-in.
  for (const person of cast) await postActivity(stack.service.url, messageActivity(ctx(person), 'hi'));
  seeded = await seedDemoRound({ serviceUrl: stack.service.url, organisation });
  roundId = seeded.roundId;
  chatId = await sharebackChatIdOf(stack, owner);
}, 240_000);

afterAll(async () => { await stack?.stop(); });

describe('the seed', () => {
  it('leaves the app in the third week of one round, and a second run adds nothing', async () => {
    expect(seeded.created).toBe(true);
    const now = DateTime.fromISO(seeded.now);
    const windowStart = DateTime.fromISO(seeded.windowStart, { zone: 'Europe/London' });
    expect(now >= windowStart.plus({ weeks: 2 }) && now < windowStart.plus({ weeks: 3 })).toBe(true);
    expect(DateTime.fromISO(seeded.sharebackAt).diff(now, 'days').days).toBeLessThan(7);
    const again = await seedDemoRound({ serviceUrl: stack.service.url, organisation });
    expect(again).toMatchObject({ created: false, roundId });
    const rounds = (await call(owner, 'GET', '/rounds')).json.value.filter((r: { name: string }) => r.name === DEMO_ROUND_NAME);
    expect(rounds).toHaveLength(1);
    expect((await call(owner, 'GET', '/dev/clock')).json.now >= seeded.now).toBe(true);
  });
});

describe('week 3, as seeded', () => {
  it('a practising participant sees kept and missed blocks, two journal entries and a ready summary', async () => {
    const me = (await call(sofia, 'GET', `/rounds/${roundId}/me`)).json;
    expect(me.experiment.state).toBe('practising');
    const week1 = me.practiceTime.hours.find((w: { week: number }) => w.week === 1);
    expect(week1.keptMinutes).toBeLessThan(week1.plannedMinutes);
    expect(week1.keptMinutes).toBeGreaterThan(0);
    expect((await call(sofia, 'GET', `/rounds/${roundId}/me/journals`)).json.value).toHaveLength(2);
    expect((await call(sofia, 'GET', `/rounds/${roundId}/me/summary`)).json.ready).toBe(true);
    expect((await call(oliver, 'GET', `/rounds/${roundId}/me/summary`)).json.ready).toBe(false);
    // Those who wrote nothing in week 2 had its weekly prompt; the quiet one was nudged, she was not.
    const week2 = DateTime.fromISO(seeded.windowStart).plus({ weeks: 1 }).toISODate()!;
    // Prompts and nudges are jobs the clock's moves queued: the in-process worker may still be delivering them.
    await eventually(() => {
      for (const person of [oliver, rohan]) expect(promptsFor(person, week2)).toHaveLength(1);
      expect(cardsTo(oliver, /A quiet stretch is normal/)).toHaveLength(1);
    }, { timeoutInMs: 20_000 });
    expect(cardsTo(sofia, /A quiet stretch is normal/)).toHaveLength(0);
  });

  it('each manager sees the plan waiting for them and their practising reports', async () => {
    const team = (await call(daniel, 'GET', `/rounds/${roundId}/team`)).json.value as { userId: string; state: string; reviewPending: boolean; journals: { entries: number }; assets: { shared: number } }[];
    const row = (person: DemoPerson) => team.find((r) => r.userId === person.id)!;
    expect(row(jordan)).toMatchObject({ state: 'submitted', reviewPending: true });
    expect(row(sofia)).toMatchObject({ state: 'practising', reviewPending: false, journals: { entries: 2 }, assets: { shared: 1 } });
    expect(row(oliver)).toMatchObject({ state: 'practising', journals: { entries: 1 } });
    const reviews = (await call(arjun, 'GET', '/reviews')).json.value as { participantId: string }[];
    expect(reviews.map((r) => r.participantId)).toContain(ananya.id);
    // The review request is a job of its own (queued with the plan's submission), so it may land a moment later.
    await eventually(() => expect(cardsTo(daniel, /Review|review/).length).toBeGreaterThanOrEqual(1));
  });

  it('the owner sees the funnel, the shared library and a shareback next week', async () => {
    const funnel = (await call(owner, 'GET', `/rounds/${roundId}/funnel`)).json.value as { stage: string; count: number }[];
    const count = (stage: string) => funnel.find((s) => s.stage === stage)?.count;
    expect(count('invited')).toBeGreaterThanOrEqual(7);
    expect(count('practising')).toBe(4);
    expect(count('journaling')).toBe(4);
    const library = (await call(owner, 'GET', `/rounds/${roundId}/assets`)).json.value as { title: string }[];
    expect(library.map((a) => a.title).sort()).toEqual(['Billing service test conventions', 'Follow-up email from call notes']);
    const meeting = (await session()).json;
    expect(meeting.meeting.phase).toBe('before');
    expect(meeting.isOwner).toBe(true);
  });
});

describe('the demo clock moves to the end of week 3', () => {
  it('by Friday evening everyone still practising has had this week’s prompt, once', async () => {
    const windowStart = DateTime.fromISO(seeded.windowStart, { zone: 'Europe/London' });
    const week3 = windowStart.plus({ weeks: 2 }).toISODate()!;
    const moved = await moveClock({ to: windowStart.plus({ weeks: 2, days: 4 }).set({ hour: 18 }).toUTC().toISO() });
    expect(moved.ran).toContain('journal.prompts');
    // Each person's weekly moment is their own (after their last block of the week), so some came on Wednesday already.
    await eventually(() => { for (const person of [sofia, oliver, neha, rohan]) expect(promptsFor(person, week3)).toHaveLength(1); }, { timeoutInMs: 20_000 });
    expect(promptsFor(jordan, week3)).toHaveLength(0);
  });

  it('refuses to move back, or a move that is not a duration', async () => {
    const back = await call(owner, 'POST', '/dev/clock', { to: seeded.now });
    expect(back.status).toBe(422);
    expect(back.json.fieldErrors.to).toMatch(/only moves forward/);
    const nonsense = await call(owner, 'POST', '/dev/clock', { advanceBy: 'tomorrow' });
    expect(nonsense.status).toBe(422);
    expect(Object.keys(nonsense.json.fieldErrors)).toEqual(['advanceBy']);
  });
});

describe('the shareback meeting', () => {
  const start = () => DateTime.fromISO(seeded.sharebackAt);

  it('while it runs, the owner records decisions and the participant sees the current presenter', async () => {
    await moveClock({ to: start().plus({ minutes: 5 }).toISO() });
    const running = (await session()).json;
    expect(running.meeting.phase).toBe('running');
    expect(running.undecided).toEqual([]);
    // The four who practised present; the two plans still in review do not.
    expect(namesOf(running.order)).toEqual(['Neha Sharma', 'Oliver Bennett', 'Rohan Iyer', 'Sofia Marin']);
    const advanced = await call(owner, 'POST', `/meetings/${encodeURIComponent(chatId)}/advance`, { to: sofia.id, expectedVersion: running.sessionVersion });
    expect(advanced.status).toBe(200);
    const participantView = await call(sofia, 'GET', `/meetings/${encodeURIComponent(chatId)}/session`);
    expect(participantView.status).toBe(200);
    expect(participantView.json.isOwner).toBe(false);
    expect(participantView.json.current.name).toBe('Sofia Marin');
    expect(participantView.json.current.summary).not.toBeNull();
    const dueDate = start().plus({ weeks: 2 }).toISODate();
    expect((await call(owner, 'POST', `/rounds/${roundId}/experiments/${sofia.id}/decision`, { outcome: 'paid-licence', ownerId: owner.id, dueDate, tool: 'Microsoft 365 Copilot', seats: 8, approver: 'Finance' })).status).toBe(200);
    expect((await call(owner, 'POST', `/rounds/${roundId}/experiments/${neha.id}/decision`, { outcome: 'internal-owner', ownerId: owner.id, dueDate, internalOwnerId: neha.id })).status).toBe(200);
    // A manager may not decide.
    expect((await call(daniel, 'POST', `/rounds/${roundId}/experiments/${oliver.id}/decision`, { outcome: 'stop', ownerId: daniel.id, dueDate, learned: 'x' })).status).toBe(403);
  });

  it('in its closing phase lists the experiments still undecided', async () => {
    await moveClock({ to: start().plus({ minutes: 51 }).toISO() }); // a 60-minute meeting: closing from 10 minutes before the end
    const closing = (await session()).json;
    expect(closing.meeting.phase).toBe('closing');
    expect(namesOf(closing.undecided)).toEqual(['Oliver Bennett', 'Rohan Iyer']);
    // A manager invited to the meeting sees the same board, without the owner's controls.
    const managers = await call(daniel, 'GET', `/meetings/${encodeURIComponent(chatId)}/session`);
    expect(managers.status).toBe(200);
    expect(managers.json).toMatchObject({ isOwner: false, meeting: { phase: 'closing' } });
    expect(namesOf(managers.json.undecided)).toEqual(['Oliver Bennett', 'Rohan Iyer']);
    // Sofia is told about her decision in chat.
    await eventually(() => expect(cardsTo(sofia, /decision/i).length).toBeGreaterThanOrEqual(1), { timeoutInMs: 20_000 });
  });

  it('once ended (a week later, as the tab’s "+1 week" does), the owner has had one decision card per undecided experiment', async () => {
    // The clock stops at least once a day on the way, so the meeting's end is seen within the day it is looked for.
    const moved = await moveClock({ advanceBy: 'P1W' });
    expect(moved.ran).toContain('shareback.meeting-end');
    expect((await session()).json.meeting.phase).toBe('ended');
    await eventually(() => expect(cardsTo(owner, /Still to decide/)).toHaveLength(2), { timeoutInMs: 20_000 });
  });
});

describe('after the meeting', () => {
  it('the owner decides the rest (one from the chat card, one in the tab’s API) and gets the round report', async () => {
    const dueDate = DateTime.fromISO(seeded.sharebackAt).plus({ weeks: 3 }).toISODate();
    const expectedVersion = (await call(owner, 'GET', `/rounds/${roundId}/experiments/${oliver.id}/decision`)).json.version;
    const decided = await invokeCardOf(await postActivity(stack.service.url, executeActivity(ctx(owner), 'decideExperiment', { roundId, participantId: oliver.id, expectedVersion, outcome: 'manager-follow-up', dueDate })));
    expect(cardText(decided)).toContain('Decided: Oliver Bennett');
    expect((await call(owner, 'POST', `/rounds/${roundId}/experiments/${rohan.id}/decision`, { outcome: 'another-round', ownerId: arjun.id, dueDate })).status).toBe(200);
    await eventually(() => expect(cardsTo(owner, /^Round report:/)).toHaveLength(1), { timeoutInMs: 30_000 });
    const report = (await call(owner, 'GET', `/rounds/${roundId}/report`)).json;
    expect(report.decisions).toMatchObject({ 'paid-licence': 1, 'internal-owner': 1, 'manager-follow-up': 1, 'another-round': 1, undecided: 0 });
    expect((await session()).json.undecided).toEqual([]);
  });

  it('the participant and their manager see the decision; neither sees the report', async () => {
    const mine = await call(oliver, 'GET', `/rounds/${roundId}/experiments/${oliver.id}/decision`);
    expect(mine.json.decision.outcome).toBe('manager-follow-up');
    const managers = await call(daniel, 'GET', `/rounds/${roundId}/experiments/${oliver.id}/decision`);
    expect(managers.json.decision.outcome).toBe('manager-follow-up');
    expect((await call(oliver, 'GET', `/rounds/${roundId}/me`)).json.experiment.state).toBe('decided');
    await eventually(() => expect(cardsTo(oliver, /decision/i).length).toBeGreaterThanOrEqual(1), { timeoutInMs: 20_000 });
    expect((await call(oliver, 'GET', `/rounds/${roundId}/report`)).status).toBe(403);
    expect((await call(daniel, 'GET', `/rounds/${roundId}/report`)).status).toBe(403);
  });
});
