import { Writable } from 'node:stream';
import { DateTime } from 'luxon';
import { EntityTable } from '../../src/adapters/tables/entityTable';
import { loadConfig } from '../../src/config';
import { parseUserId, type UserId } from '../../src/domain/ids';
import { experimentIdFor } from '../../src/domain/roundIds';
import { createLogger } from '../../src/logging';
import { systemClock } from '../../src/ports/clock';
import { bookPracticeTime, PRACTICE_CATEGORY } from '../../src/usecases/booking';
import { ensureQueues, wireApplication } from '../../src/wiring';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { startGraphSandbox, type RunningGraphSandbox } from '../../tools/graph-sandbox/server';
import { aRound, anExperiment, PEOPLE, ROUND_ID } from '../support/builders';
import { testConnectionString, uniquePrefix } from '../support/storage';

// A booking wastes no round trip: what it needs is read once, each save is one transaction, and the Graph
// lookups of people booked at the same time go out together.
let sandbox: RunningGraphSandbox;
beforeAll(async () => { sandbox = await startGraphSandbox({ port: 0 }); });
afterAll(async () => { await sandbox.close(); });

const organisation = loadDemoOrganisation();
const quiet = createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) });

async function aRoundWithApprovedPlans(people: readonly UserId[], prefix: string) {
  const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix(prefix), GRAPH_BASE_URL: sandbox.url });
  const { ports } = wireApplication(config, { logger: quiet, clock: systemClock });
  await ensureQueues(ports);
  const start = DateTime.now().setZone('Europe/London').plus({ weeks: 1 }).startOf('week');
  await ports.rounds.create(aRound({ status: 'open', window: { start: start.toISODate()!, weeks: 2 }, shareback: { startsAt: start.plus({ weeks: 2 }).set({ hour: 15 }).toUTC().toISO()!, durationMinutes: 60, timeZone: 'Europe/London' } }));
  for (const personId of people) await ports.experiments.create({ ...anExperiment({ state: 'approved' }), participantId: personId, id: experimentIdFor(ROUND_ID, personId) });
  return ports;
}

/** Every storage call made through EntityTable while `action` runs, in the order they started. */
async function storageCallsOf(action: () => Promise<unknown>): Promise<{ call: string; table: string }[]> {
  const calls: { call: string; table: string }[] = [];
  const names = ['get', 'create', 'upsert', 'update', 'delete', 'transact', 'listPartition'] as const;
  const originals = names.map((name) => [name, EntityTable.prototype[name]] as const);
  for (const [name, original] of originals) {
    (EntityTable.prototype as unknown as Record<string, unknown>)[name] = function (this: EntityTable, ...args: unknown[]) {
      calls.push({ call: name, table: this.label });
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  try {
    await action();
  } finally {
    for (const [name, original] of originals) (EntityTable.prototype as unknown as Record<string, unknown>)[name] = original;
  }
  return calls;
}

const practiceEventsOf = (personId: string) => sandbox.control.events(personId).filter((e) => (e.categories as string[] | undefined)?.includes(PRACTICE_CATEGORY));

describe('one booking', () => {
  it('reads the booking once (a point read), before anything is written, and saves plan and blocks in one write each time, its index line counted beside it', async () => {
    const person = parseUserId(organisation.people.find((p) => p.displayName === 'Oliver Bennett')!.id)!;
    const ports = await aRoundWithApprovedPlans([person], 'bookrt');

    const calls = await storageCallsOf(async () => expect(await bookPracticeTime(ROUND_ID, person, ports, { dashboardUrl: '' })).toBe('booked'));

    const onBookings = calls.filter((c) => c.table === 'booking');
    // One point read, then the plan stored before the events (created: there was none) and the event ids after
    // them (conditional on the plan's ETag): one write each. The last one completes the booking, so its "booked"
    // notice rides it as an outbox row: the conditional update and that row are one transaction (one round trip),
    // and once the notice is queued its row is deleted.
    expect(onBookings.map((c) => c.call)).toEqual(['get', 'create', 'update', 'transact', 'delete']);
    // After each booking write, the round's index line and its counters in one transaction. The line is never read:
    // the first save creates it, the second updates it on the ETag the first returned. The counter shard is read
    // once, the first time this process writes it; the second save updates it on the ETag its first write returned.
    expect(calls.filter((c) => c.table === 'round booking index').map((c) => c.call)).toEqual(['get', 'transact', 'transact']);
    const firstWrite = calls.findIndex((c) => c.call !== 'get' && c.call !== 'listPartition');
    expect(calls.slice(firstWrite).filter((c) => c.table === 'booking' && (c.call === 'get' || c.call === 'listPartition'))).toEqual([]);
    const booking = (await ports.bookings.get(experimentIdFor(ROUND_ID, person)))!;
    expect(booking.blocks.length).toBeGreaterThan(0);
    expect(booking.blocks.every((b) => b.eventId !== null)).toBe(true);
    expect(practiceEventsOf(person)).toHaveLength(booking.blocks.length);
  });
});

describe('people booked at the same time', () => {
  const people = organisation.people.filter((p) => p.managerId !== null).slice(0, 6).map((p) => parseUserId(p.id)!);

  it('are looked up together: users by id, getSchedule and mailbox settings ($batch) in one or two requests each, not one per person', async () => {
    const ports = await aRoundWithApprovedPlans(people, 'booktogether');
    sandbox.control.reset();
    // The bookings a worker receives together start together; on a loaded machine their storage reads would spread them
    // further apart than the lookups wait for company, so each booking's read is held until all six have read.
    let read = 0;
    let everyoneRead!: () => void;
    const together = new Promise<void>((resolve) => { everyoneRead = resolve; });
    const bookings = { ...ports.bookings, get: async (...args: Parameters<typeof ports.bookings.get>) => {
      const booking = await ports.bookings.get(...args);
      if (++read === people.length) everyoneRead();
      await together;
      return booking;
    } };

    const outcomes = await Promise.all(people.map((person) => bookPracticeTime(ROUND_ID, person, { ...ports, bookings }, { dashboardUrl: '' })));

    expect(outcomes).toEqual(people.map(() => 'booked'));
    const log = sandbox.control.requests();
    expect(log.filter((r) => !r.valid)).toEqual([]);
    // Asked one by one, each kind would be one request per person (6); asked together, fewer (the first request
    // goes out after a short wait for company, the rest join the next).
    expect(log.filter((r) => r.method === 'GET' && r.path === '/v1.0/users').length).toBeLessThan(people.length);
    expect(log.filter((r) => /\/calendar\/getSchedule$/.test(r.path)).length).toBeLessThan(people.length);
    const settings = log.filter((r) => /\/mailboxSettings$/.test(r.path));
    expect(settings).toHaveLength(people.length);
    expect(settings.filter((r) => !r.inBatch).length).toBeLessThanOrEqual(1);
    expect(log.filter((r) => r.path === '/v1.0/$batch').length).toBeLessThanOrEqual(2 + people.length); // the events: one $batch per person
    for (const person of people) {
      const booking = (await ports.bookings.get(experimentIdFor(ROUND_ID, person)))!;
      expect(new Set(practiceEventsOf(person).map((e) => e.transactionId)).size).toBe(booking.blocks.length);
      expect(practiceEventsOf(person)).toHaveLength(booking.blocks.length);
    }
  });

  it('book everyone whose mailbox answers when one mailbox is throttled inside the batch and another does not exist', async () => {
    const throttled = people[1]!;
    const everyone = [...people, PEOPLE.dana]; // the builders' dana is not in the directory: her mailbox answers 404
    const ports = await aRoundWithApprovedPlans(everyone, 'bookfaults');
    sandbox.control.reset();
    sandbox.control.injectFaults({ status: 429, count: 2, retryAfterSeconds: 1, mailbox: throttled });

    const outcomes = await Promise.all(everyone.map((person) => bookPracticeTime(ROUND_ID, person, ports, { dashboardUrl: '' })));

    expect(outcomes).toEqual([...people.map(() => 'booked'), 'failed']);
    const log = sandbox.control.requests();
    expect(log.filter((r) => r.status === 429 && r.mailbox === throttled).length).toBeGreaterThan(0);
    const missing = (await ports.bookings.get(experimentIdFor(ROUND_ID, PEOPLE.dana)))!;
    expect(missing.status).toBe('failed');
    expect(missing.reason).toMatch(/^could not book: no such user or mailbox/);
    for (const person of people) {
      const booking = (await ports.bookings.get(experimentIdFor(ROUND_ID, person)))!;
      expect(booking.status).toBe('booked');
      expect(practiceEventsOf(person)).toHaveLength(booking.blocks.length);
    }
  });
});
