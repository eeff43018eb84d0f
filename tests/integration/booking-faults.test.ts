import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { experimentIdFor } from '../../src/domain/roundIds';
import { createLogger } from '../../src/logging';
import { systemClock } from '../../src/ports/clock';
import { bookPracticeTime, markBlockKept } from '../../src/usecases/booking';
import { isDomainError } from '../../src/domain/errors';
import { parseUserId } from '../../src/domain/ids';
import { DateTime } from 'luxon';
import { loadDemoOrganisation, parseDemoOrganisation } from '../../tools/demo-org';
import { practiceHoursByWeek } from '../../src/domain/practiceHours';
import { ensureQueues, wireApplication } from '../../src/wiring';
import { EntityTable } from '../../src/adapters/tables/entityTable';
import { repairRoundCounters } from '../../src/usecases/repairCounters';
import { startGraphSandbox, type RunningGraphSandbox } from '../../tools/graph-sandbox/server';
import { aRound, anExperiment, PEOPLE, ROUND_ID } from '../support/builders';
import { testConnectionString, uniquePrefix } from '../support/storage';

// A participant whose mailbox Graph cannot reach (gone from the directory, or outside the app's access policy).
let sandbox: RunningGraphSandbox;

beforeAll(async () => { sandbox = await startGraphSandbox({ port: 0 }); });
afterAll(async () => { await sandbox.close(); });

it('marks the booking "could not book" with the reason, and creates nothing', async () => {
  const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix('bookfault'), GRAPH_BASE_URL: sandbox.url });
  const quiet = createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) });
  const { ports } = wireApplication(config, { logger: quiet, clock: systemClock });
  // The builders' people are not in the demo directory, so their mailboxes answer 404.
  await ports.rounds.create(aRound({ status: 'open' }));
  await ports.experiments.create(anExperiment({ state: 'approved' }));

  expect(await bookPracticeTime(ROUND_ID, PEOPLE.dana, ports, { dashboardUrl: '' })).toBe('failed');
  const booking = await ports.bookings.get(experimentIdFor(ROUND_ID, PEOPLE.dana));
  expect(booking).toMatchObject({ status: 'failed', blocks: [] });
  expect(booking?.reason).toMatch(/^could not book: /);
  expect((await ports.bookings.listForRound(ROUND_ID)).map((b) => b.status)).toEqual(['failed']);
  expect(sandbox.control.requests().filter((r) => r.method === 'POST' && /events$/.test(r.path))).toEqual([]);
});

describe('kept vs planned', () => {
  it('counts a passed block unless the participant says it did not happen, and refuses to pre-cancel a future one', async () => {
    const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix('kept'), GRAPH_BASE_URL: sandbox.url });
    const quiet = createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) });
    let now = new Date('2025-03-12T12:00:00Z'); // Wednesday of week 1 of the builders' round
    const { ports } = wireApplication(config, { logger: quiet, clock: { now: () => now } });
    const experimentId = experimentIdFor(ROUND_ID, PEOPLE.dana);
    const block = (week: number, index: number, start: string) => ({ week, index, start, end: new Date(Date.parse(start) + 3_600_000).toISOString(), eventId: `e${week}${index}`, transactionId: `t${week}${index}`, notKept: null });
    await ports.bookings.save({
      experimentId, roundId: ROUND_ID, participantId: PEOPLE.dana, status: 'booked', reason: null, timeZone: 'Europe/London', extensionDays: 0,
      weeks: [{ week: 1, targetMinutes: 120, plannedMinutes: 120, shortfall: null }], updatedAt: now.toISOString(),
      blocks: [block(1, 0, '2025-03-10T09:00:00.000Z'), block(1, 1, '2025-03-13T09:00:00.000Z')],
    });
    const dana = { userId: PEOPLE.dana };

    const tooEarly = await markBlockKept(ROUND_ID, dana, { week: 1, index: 1 }, false, 'Will be travelling', ports);
    expect(tooEarly).toMatchObject({ kind: 'conflict' });
    const noReason = await markBlockKept(ROUND_ID, dana, { week: 1, index: 0 }, false, '', ports);
    expect(noReason).toMatchObject({ kind: 'invalid_input', fieldErrors: { reason: expect.any(String) } });

    const missed = await markBlockKept(ROUND_ID, dana, { week: 1, index: 0 }, false, 'Customer escalation took the morning', ports);
    expect(isDomainError(missed)).toBe(false);
    now = new Date('2025-03-14T12:00:00Z');
    const stored = (await ports.bookings.get(experimentId))!;
    expect(stored.blocks[0]!.notKept).toEqual({ by: 'participant', reason: 'Customer escalation took the morning' });
    expect(practiceHoursByWeek(stored.blocks, now.toISOString())).toEqual([{ week: 1, plannedMinutes: 120, keptMinutes: 60, upcomingMinutes: 0 }]);
  });
});

/** Oliver Bennett's approved plan in a round that starts next week, on the production wiring against Azurite and the sandbox. */
async function oliversApprovedPlan(label: string) {
  const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix(label), GRAPH_BASE_URL: sandbox.url });
  const quiet = createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) });
  const { ports } = wireApplication(config, { logger: quiet, clock: systemClock });
  await ensureQueues(ports);
  const person = loadDemoOrganisation().people.find((p) => p.displayName === 'Oliver Bennett')!;
  const personId = parseUserId(person.id)!;
  const start = DateTime.now().setZone('Europe/London').plus({ weeks: 1 }).startOf('week');
  await ports.rounds.create(aRound({ status: 'open', window: { start: start.toISODate()!, weeks: 2 }, shareback: { startsAt: start.plus({ weeks: 2 }).set({ hour: 15 }).toUTC().toISO()!, durationMinutes: 60, timeZone: 'Europe/London' } }));
  await ports.experiments.create({ ...anExperiment({ state: 'approved' }), participantId: personId, id: experimentIdFor(ROUND_ID, personId) });
  return { ports, person, personId };
}

describe('a worker stopped in the middle of a booking', () => {
  it('finishes the same plan on the retry, with no duplicate events', async () => {
    const { ports, person, personId } = await oliversApprovedPlan('crash');

    // The "kill": the events reach Outlook, then the worker dies before it records their ids.
    const crashing = { ...ports, calendar: { ...ports.calendar, createEvents: async (...args: Parameters<typeof ports.calendar.createEvents>) => { await ports.calendar.createEvents(...args); throw new Error('worker killed'); } } };
    await expect(bookPracticeTime(ROUND_ID, personId, crashing, { dashboardUrl: '' })).rejects.toThrow('worker killed');
    const practice = () => sandbox.control.events(person.id).filter((e) => (e.categories as string[] | undefined)?.includes('Practice Loop'));
    const afterCrash = practice().length;
    expect(afterCrash).toBeGreaterThan(0);

    expect(await bookPracticeTime(ROUND_ID, personId, ports, { dashboardUrl: '' })).toBe('booked');
    const booking = (await ports.bookings.get(experimentIdFor(ROUND_ID, personId)))!;
    expect(practice()).toHaveLength(afterCrash);
    expect(practice()).toHaveLength(booking.blocks.length);
    expect(new Set(practice().map((e) => e.transactionId)).size).toBe(booking.blocks.length);
    expect(booking.blocks.every((b) => b.eventId !== null)).toBe(true);
  });
});

describe('a worker stopped after the booking was written and before its line in the round’s index', () => {
  it('brings the index line up to date on the retry, which finds the booking done', async () => {
    const { ports, personId } = await oliversApprovedPlan('crashidx');

    // The index line's second write (the one that says "booked") times out: the booking's own row is written by then.
    const transact = EntityTable.prototype.transact;
    let indexWrites = 0;
    const spy = jest.spyOn(EntityTable.prototype, 'transact').mockImplementation(function (this: EntityTable, ...args: Parameters<EntityTable['transact']>) {
      if (this.label === 'round booking index' && ++indexWrites === 2) return Promise.reject(new Error('index write timed out (injected)'));
      return transact.apply(this, args);
    });
    try {
      await expect(bookPracticeTime(ROUND_ID, personId, ports, { dashboardUrl: '' })).rejects.toThrow('index write timed out');
    } finally {
      spy.mockRestore();
    }
    expect((await ports.bookings.get(experimentIdFor(ROUND_ID, personId)))?.status).toBe('booked');
    expect((await ports.bookings.listForRound(ROUND_ID)).map((b) => b.status)).toEqual(['planned']);

    expect(await bookPracticeTime(ROUND_ID, personId, ports, { dashboardUrl: '' })).toBe('already-booked');
    expect((await ports.bookings.listForRound(ROUND_ID)).map((b) => b.status)).toEqual(['booked']);
    expect(await repairRoundCounters(ROUND_ID, ports, { fix: false })).toMatchObject({ differences: [] });
  });
});

describe('a mailbox in a time zone the app does not know', () => {
  it('books in UTC and says so, rather than failing', async () => {
    const demo = loadDemoOrganisation();
    const custom = parseDemoOrganisation({ ...demo, people: demo.people.map((p) => (p.displayName === 'Sofia Marin' ? { ...p, windowsTimeZone: 'Customized Time Zone' } : p)) });
    const oddSandbox = await startGraphSandbox({ port: 0, organisation: custom });
    try {
      const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix('zone'), GRAPH_BASE_URL: oddSandbox.url });
      const quiet = createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) });
      const { ports } = wireApplication(config, { logger: quiet, clock: systemClock });
      await ensureQueues(ports);
      const personId = parseUserId(custom.people.find((p) => p.displayName === 'Sofia Marin')!.id)!;
      const start = DateTime.now().setZone('Europe/London').plus({ weeks: 1 }).startOf('week');
      await ports.rounds.create(aRound({ status: 'open', window: { start: start.toISODate()!, weeks: 2 }, shareback: { startsAt: start.plus({ weeks: 2 }).set({ hour: 15 }).toUTC().toISO()!, durationMinutes: 60, timeZone: 'Europe/London' } }));
      await ports.experiments.create({ ...anExperiment({ state: 'approved' }), participantId: personId, id: experimentIdFor(ROUND_ID, personId) });

      expect(await bookPracticeTime(ROUND_ID, personId, ports, { dashboardUrl: '' })).toBe('booked');
      const booking = (await ports.bookings.get(experimentIdFor(ROUND_ID, personId)))!;
      expect(booking.timeZone).toBe('UTC');
      expect(booking.reason).toMatch(/don't recognise your time zone "Customized Time Zone".*UTC/);
      expect(booking.blocks.length).toBeGreaterThan(0);
    } finally {
      await oddSandbox.close();
    }
  });
});
