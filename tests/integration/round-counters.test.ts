import { randomUUID } from 'node:crypto';
import { createTableBookingRepo } from '../../src/adapters/tables/bookingRepo';
import { counterRowKey, COUNTER_ROW_PREFIX, problemRowKey, shardOf } from '../../src/adapters/tables/countedPartition';
import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableAcknowledgementRepo, createTableExperimentRepo } from '../../src/adapters/tables/experimentRepo';
import { createTableJournalRepo } from '../../src/adapters/tables/journalRepo';
import { createTableRoundCounters } from '../../src/adapters/tables/roundCounters';
import { createTableRoundMemberRepo, MEMBER_COUNTER_SHARDS } from '../../src/adapters/tables/roundRepo';
import { createTableSharebackSessionRepo } from '../../src/adapters/tables/sharebackSessionRepo';
import type { Experiment, ExperimentState } from '../../src/domain/experiment';
import { funnelFactsOf, roundFunnel } from '../../src/domain/funnel';
import { parseUserId, type UserId } from '../../src/domain/ids';
import { saveJournalEntry } from '../../src/domain/journal';
import { practiceHoursByWeek } from '../../src/domain/practiceHours';
import { funnelFromCounts, hoursFromCounts, kickoffFromCounts, problemTotalsFromCounts } from '../../src/domain/roundCounters';
import { experimentIdFor, parseExperimentId } from '../../src/domain/roundIds';
import type { Booking } from '../../src/ports/bookingRepo';
import type { RoundMember } from '../../src/ports/roundRepo';
import type { SharebackSummary } from '../../src/ports/sharebackSessionRepo';
import { ConcurrencyConflictError } from '../../src/ports/storageErrors';
import { repairRoundCounters } from '../../src/usecases/repairCounters';
import { anExperiment, ROUND_ID, unwrap } from '../support/builders';
import { testConnectionString, uniquePrefix } from '../support/storage';

// Counters kept on write against Azurite: after a busy round — kickoffs, acknowledgements, plans moving through every
// state, bookings, journals, summaries marked ready and back, decisions, many at once and several on the same person —
// the counters equal what the records say (the funnel exactly as roundFunnel counts it), the repair finds nothing,
// and a counter or a copied fact corrupted by hand is found and fixed. A lost ETag race on a counter row is retried,
// never double-counted.
const prefix = uniquePrefix('counters');
const table = (name: string) => EntityTable.fromConnectionString(testConnectionString(), `${prefix}${name}`, name);
const tables = {
  members: table('RoundMembers'), memberships: table('Memberships'), experiments: table('Experiments'), reviewQueue: table('ReviewQueue'),
  bookings: table('Bookings'), bookingsByRound: table('BookingsByRound'), journals: table('Journals'), reminders: table('JournalReminders'),
  acknowledgements: table('Acks'), shareback: table('Shareback'), meetingChats: table('MeetingChats'),
};
const members = createTableRoundMemberRepo(tables);
const experiments = createTableExperimentRepo(tables, members);
const acknowledgements = createTableAcknowledgementRepo(tables.acknowledgements, members);
const bookings = createTableBookingRepo(tables);
const journals = createTableJournalRepo(tables, members);
const sharebackSessions = createTableSharebackSessionRepo(tables, members);
const counters = createTableRoundCounters(tables, { experiments, acknowledgements, journals, sharebackSessions }, async (row) => { const id = parseExperimentId(row.rowKey); return id ? bookings.get(id) : null; });
const ports = { roundCounters: counters };

const NOW = '2026-03-18T12:00:00.000Z';
const people: UserId[] = Array.from({ length: 130 }, () => parseUserId(randomUUID())!);

afterAll(async () => { for (const t of Object.values(tables)) await t.deleteTable(); });

/** Load, change, save on the ETag read; a lost race (another change to the same record) starts again from fresh state. */
async function changeMember(userId: UserId, change: (m: RoundMember) => RoundMember, through = members): Promise<void> {
  for (;;) {
    const stored = (await through.get(ROUND_ID, userId))!;
    try {
      await through.update(change(stored.member), stored.etag);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError)) throw error;
    }
  }
}

/** A change that always moves the counters: sent ↔ queued. */
const toggleDelivery = (m: RoundMember): RoundMember => ({ ...m, delivery: m.delivery === 'sent' ? 'queued' : 'sent', deliveryReason: null });

/** Runs `action` counting the member table's transactions that lost an ETag race, and the point reads of one shard. */
async function watchingMembers(action: () => Promise<unknown>, shardKey?: string): Promise<{ lost: number; shardReads: number }> {
  const [get, transact] = [tables.members.get.bind(tables.members), tables.members.transact.bind(tables.members)];
  const seen = { lost: 0, shardReads: 0 };
  tables.members.get = async (pk, rk, o) => {
    if (rk === shardKey) seen.shardReads += 1;
    return get(pk, rk, o);
  };
  tables.members.transact = async (pk, operations, o) => {
    try {
      return await transact(pk, operations, o);
    } catch (error) {
      if (error instanceof ConcurrencyConflictError) seen.lost += 1;
      throw error;
    }
  };
  try {
    await action();
  } finally {
    tables.members.get = get;
    tables.members.transact = transact;
  }
  return seen;
}

function experimentOf(userId: UserId, state: ExperimentState): Experiment {
  const built = anExperiment({ state, now: '2025-03-01T09:00:00.000Z' });
  return { ...built, participantId: userId, id: experimentIdFor(ROUND_ID, userId) };
}

function bookingOf(userId: UserId, status: Booking['status'], notKept = false): Booking {
  const block = (week: number, day: number) => ({
    week, index: 1, start: `2026-03-${String(day).padStart(2, '0')}T09:00:00.000Z`, end: `2026-03-${String(day).padStart(2, '0')}T10:30:00.000Z`,
    eventId: status === 'booked' ? `ev-${userId}-${week}` : null, transactionId: `tx-${userId}-${week}`,
    notKept: notKept && week === 1 ? { by: 'participant' as const, reason: 'a customer call' } : null,
  });
  return {
    experimentId: experimentIdFor(ROUND_ID, userId), roundId: ROUND_ID, participantId: userId, status,
    reason: status === 'failed' ? 'could not book: no mailbox' : null, timeZone: 'Europe/London', extensionDays: 0,
    weeks: [{ week: 1, targetMinutes: 90, plannedMinutes: 90, shortfall: null }], blocks: status === 'failed' ? [] : [block(1, 10), block(2, 24)], updatedAt: NOW,
  };
}

function summaryOf(userId: UserId, ready: boolean, version: number): SharebackSummary {
  // The summary's content plays no part in counting: an empty draft stands in for one.
  return { roundId: ROUND_ID, participantId: userId, draft: {} as SharebackSummary['draft'], edits: {}, ready, readyAt: ready ? NOW : null, reviewRequestedAt: null, flaggedAt: null, version, updatedAt: NOW };
}

/** Marks the summary ready or not, on the ETag read (created the first time). */
async function markSummary(userId: UserId, ready: boolean): Promise<void> {
  const stored = await sharebackSessions.getSummary(ROUND_ID, userId);
  await sharebackSessions.saveSummary(summaryOf(userId, ready, (stored?.value.version ?? 0) + 1), stored?.etag ?? null);
}

const acknowledgementOf = (userId: UserId, policyVersion: number) => ({ roundId: ROUND_ID, userId, policyVersion, toolId: null, otherToolName: null, toolTermsAccepted: true as const, acknowledgedAt: NOW });

const journalEntry = (userId: UserId, weekStart: string) => unwrap(saveJournalEntry(null,
  { experimentId: experimentIdFor(ROUND_ID, userId), roundId: ROUND_ID, participantId: userId, weekStart },
  { improved: 'drafted faster', hoursPractised: 1 }, { actorId: userId, now: '2026-03-13T16:00:00Z', currentWeekStart: '2026-03-09' }));

/** Runs the tasks `width` at a time, in a fixed scrambled order so kinds of change (and people) mix. */
async function inParallel(width: number, tasks: readonly (() => Promise<unknown>)[]): Promise<void> {
  const queue = tasks.map((task, i) => ({ task, at: (i * 7919) % tasks.length })).sort((a, b) => a.at - b.at).map((x) => x.task);
  await Promise.all(Array.from({ length: width }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await next();
  }));
}

/** What the owner's screen showed before counters: everything recomputed from every record, by the funnel's own rules. */
async function recomputedFromRecords(windowOpen: boolean) {
  const [all, allExperiments, allBookings, journalStats, acks, summaries] = await Promise.all([
    members.list(ROUND_ID), experiments.listForRound(ROUND_ID), bookings.listForRound(ROUND_ID), journals.statsForRound(ROUND_ID),
    acknowledgements.listForRound(ROUND_ID), sharebackSessions.listSummaries(ROUND_ID),
  ]);
  const experimentOfPerson = new Map(allExperiments.map((e) => [e.participantId, e]));
  const acknowledged = new Set(acks.map((a) => a.userId));
  const ready = new Set(summaries.filter((x) => x.ready).map((x) => x.participantId));
  const kickoff = { queued: 0, sending: 0, sent: 0, failed: 0, uncertain: 0 };
  for (const m of all) kickoff[m.delivery] += 1;
  const funnel = roundFunnel(all.map((m) => funnelFactsOf({
    userId: m.userId, acknowledged: acknowledged.has(m.userId), experiment: experimentOfPerson.get(m.userId) ?? null,
    journalEntries: journalStats.get(m.userId)?.entries ?? 0, summaryReady: ready.has(m.userId), windowOpen,
  }))).map(({ stage, count }) => ({ stage, count }));
  let plannedMinutes = 0;
  let keptMinutes = 0;
  for (const b of allBookings) for (const w of practiceHoursByWeek(b.blocks, NOW)) { plannedMinutes += w.plannedMinutes; keptMinutes += w.keptMinutes; }
  return {
    people: all.length, kickoff, funnel, hours: { plannedMinutes, keptMinutes },
    kickoffFailures: all.filter((m) => m.delivery === 'failed' || m.delivery === 'uncertain').map((m) => m.userId).sort(),
    bookingProblems: allBookings.filter((b) => b.status === 'failed').map((b) => b.participantId).sort(),
    problemTotals: { kickoff: kickoff.failed + kickoff.uncertain, booking: allBookings.filter((b) => b.status === 'failed').length },
  };
}

async function fromCounters(windowOpen: boolean) {
  const snapshot = await counters.read(ROUND_ID);
  const c = snapshot.counts;
  const { plannedMinutes, keptMinutes } = hoursFromCounts(c, NOW);
  return {
    people: c.people ?? 0, kickoff: kickoffFromCounts(c),
    funnel: funnelFromCounts(c, windowOpen).map(({ stage, count }) => ({ stage, count })), hours: { plannedMinutes, keptMinutes },
    kickoffFailures: (await everyProblem('kickoff')).map((p) => p.userId).sort(),
    bookingProblems: (await everyProblem('booking')).map((p) => p.userId).sort(),
    problemTotals: { kickoff: problemTotalsFromCounts(c).kickoff, booking: problemTotalsFromCounts(c).booking },
  };
}

/** Every problem of one list, read a short page at a time. */
async function everyProblem(kind: 'kickoff' | 'booking') {
  const problems: { userId: string }[] = [];
  let after: string | null = null;
  do {
    const page: { problems: readonly { userId: string }[]; next: string | null } = await counters.listProblems(ROUND_ID, kind, { limit: 7, after });
    expect(page.problems.length).toBeLessThanOrEqual(7);
    problems.push(...page.problems);
    after = page.next;
  } while (after !== null);
  return problems;
}

describe('counters kept on write', () => {
  it('match the records after a busy round, and the repair finds nothing', async () => {
    // 130 people join in two transactions of up to 99 rows (and the same people again change nothing).
    expect(await members.addQueued(ROUND_ID, people.map((userId) => ({ userId, via: 'manager' as const })), NOW)).toHaveLength(130);
    expect(await members.addQueued(ROUND_ID, people.slice(0, 5).map((userId) => ({ userId, via: 'named' as const })), NOW)).toEqual([]);

    // Everything interleaved, 24 at a time: kickoffs (every 7th fails, every 13th is left uncertain, one failure is
    // retried and sent), acknowledgements (some twice, some of a second version), plans moving through every state
    // (a withdrawal among them), bookings, journals (some people twice at once), summaries marked ready (and some unmarked).
    const states: ExperimentState[] = ['draft', 'submitted', 'approved', 'practising', 'decided', 'withdrawn', 'sharing', 'changes_requested'];
    await inParallel(24, (people.map((userId, i) => async () => {
      await changeMember(userId, (m) => ({ ...m, delivery: 'sending', deliveryAttempts: m.deliveryAttempts + 1 }));
      await changeMember(userId, (m) => (i % 7 === 0
        ? { ...m, delivery: 'failed', deliveryReason: 'the app could not be installed for them' }
        : i % 13 === 0 ? { ...m, delivery: 'uncertain' } : { ...m, delivery: 'sent', deliveredAt: NOW }));
      if (i === 7) await changeMember(userId, (m) => ({ ...m, delivery: 'sent', deliveryReason: null, deliveredAt: NOW }));
    }) as (() => Promise<unknown>)[]).concat(people.slice(0, 110).map((userId, i) => async () => {
      await acknowledgements.record(acknowledgementOf(userId, 1));
      if (i % 9 === 0) await acknowledgements.record(acknowledgementOf(userId, 2));
      if (i % 10 === 9) return; // acknowledged, no experiment yet
      const created = await experiments.create(experimentOf(userId, 'draft'));
      if (i % states.length !== 0) await experiments.update(experimentOf(userId, states[i % states.length]!), created.etag);
    })).concat(people.slice(0, 60).map((userId, i) => async () => {
      await bookings.save(bookingOf(userId, i % 6 === 0 ? 'failed' : 'booked'));
      if (i % 6 === 0 && i % 12 === 0) await bookings.save(bookingOf(userId, 'booked')); // booked after all: off the problem list
      if (i % 4 === 1) await bookings.save(bookingOf(userId, 'booked', true)); // a block that did not happen
    })).concat(people.slice(0, 40).flatMap((userId, i) => [
      () => journals.create(journalEntry(userId, '2026-03-09')),
      ...(i % 2 === 0 ? [() => journals.create(journalEntry(userId, '2026-03-02'))] : []), // the same person's row, concurrently
    ])).concat(people.slice(20, 70).map((userId, i) => async () => {
      await markSummary(userId, true);
      if (i % 5 === 0) await markSummary(userId, false); // unmarked: no longer shared back, unless decided
    })).concat(people.slice(120).map((userId) => () => journals.create(journalEntry(userId, '2026-03-09'))))); // journaling without a plan row

    for (const windowOpen of [false, true]) expect(await fromCounters(windowOpen)).toEqual(await recomputedFromRecords(windowOpen));
    const expected = await recomputedFromRecords(true);
    expect(expected.kickoff).toEqual({ queued: 0, sending: 0, sent: 104, failed: 18, uncertain: 8 });
    expect(expected.hours.plannedMinutes).toBeGreaterThan(0);
    // The stages that depend on several records or on time are all exercised (so equality above says something).
    const count = (funnel: { stage: string; count: number }[], stage: string) => funnel.find((row) => row.stage === stage)!.count;
    expect(count(expected.funnel, 'practising')).toBeGreaterThan(count((await recomputedFromRecords(false)).funnel, 'practising'));
    expect(count(expected.funnel, 'shared back')).toBeGreaterThan(count(expected.funnel, 'decided'));
    expect(await repairRoundCounters(ROUND_ID, ports, { fix: false })).toEqual({ roundId: ROUND_ID, differences: [], fixed: false });
  }, 180_000);

  it('retries a counter row that lost an ETag race from fresh state, and counts both changes once', async () => {
    // Two people whose rows count in the same shard, changed by two processes (each with its own repository, so
    // neither knows the shard and both read it) that both read that shard before either writes. Within one process
    // concurrent changes take different shards, so they meet only across processes.
    const processes = [createTableRoundMemberRepo(tables), createTableRoundMemberRepo(tables)];
    const shard = shardOf(people[0]!, MEMBER_COUNTER_SHARDS);
    const partner = people.slice(1).find((id) => shardOf(id, MEMBER_COUNTER_SHARDS) === shard)!;
    const before = (await counters.read(ROUND_ID)).counts;
    const original = tables.members.get.bind(tables.members);
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => { release = resolve; });
    let shardReads = 0;
    tables.members.get = async (partitionKey, rowKey, options) => {
      const row = await original(partitionKey, rowKey, options);
      if (rowKey.startsWith(COUNTER_ROW_PREFIX)) {
        shardReads += 1;
        if (rowKey === counterRowKey(shard) && ++arrived === 2) release();
        if (arrived <= 2) await bothRead;
      }
      return row;
    };
    try {
      await Promise.all([people[0]!, partner].map((userId, i) => changeMember(userId, (m) => ({ ...m, delivery: 'queued', deliveryReason: null }), processes[i])));
    } finally {
      tables.members.get = original;
    }
    expect(shardReads).toBe(3); // both read the shard, one lost the race and read a counter row again
    const after = (await counters.read(ROUND_ID)).counts;
    expect(after['kickoff.queued'] ?? 0).toBe((before['kickoff.queued'] ?? 0) + 2);
    const notQueued = (c: Record<string, number>) => { const k = kickoffFromCounts(c); return k.sending + k.sent + k.failed + k.uncertain; };
    expect(notQueued(after)).toBe(notQueued(before) - 2);
    expect(after.people).toBe(before.people);
    expect(await repairRoundCounters(ROUND_ID, ports, { fix: false })).toMatchObject({ differences: [] });
  });

  it('writes a shard on the copy it kept from its last write, and re-reads it when another process has written it since', async () => {
    const [first, second] = [createTableRoundMemberRepo(tables), createTableRoundMemberRepo(tables)];
    const shard = shardOf(people[2]!, MEMBER_COUNTER_SHARDS);
    const [other, again] = people.slice(3).filter((id) => shardOf(id, MEMBER_COUNTER_SHARDS) === shard);
    await changeMember(people[2]!, toggleDelivery, first); // the first process now knows the shard

    const unread = await watchingMembers(() => changeMember(again!, toggleDelivery, first), counterRowKey(shard));
    expect(unread.shardReads).toBe(0); // its own last write's copy, not a read

    await changeMember(other!, toggleDelivery, second); // another process writes the shard: the first one's copy is stale
    const stale = await watchingMembers(() => changeMember(people[2]!, toggleDelivery, first), counterRowKey(shard));
    expect(stale.lost).toBe(1); // the stale copy lost its ETag race once
    expect(stale.shardReads).toBeLessThanOrEqual(1); // then a shard was read afresh (any shard: the retry may pick another)
    for (const windowOpen of [false, true]) expect(await fromCounters(windowOpen)).toEqual(await recomputedFromRecords(windowOpen));
    expect(await repairRoundCounters(ROUND_ID, ports, { fix: false })).toMatchObject({ differences: [] });
  });

  it('never loses a race to itself: concurrent changes in one process take different shards, or wait for one', async () => {
    const process = createTableRoundMemberRepo(tables);
    // More changes at once than the partition has shards, each to a different person.
    const { lost } = await watchingMembers(() => Promise.all(people.slice(80, 80 + 3 * MEMBER_COUNTER_SHARDS).map((userId) => changeMember(userId, toggleDelivery, process))));
    expect(lost).toBe(0);
    for (const windowOpen of [false, true]) expect(await fromCounters(windowOpen)).toEqual(await recomputedFromRecords(windowOpen));
  });

  it('updates a booking\'s index line on the ETag its last save left, and re-reads the line when it moved on meanwhile', async () => {
    const userId = parseUserId(randomUUID())!;
    const experimentId = experimentIdFor(ROUND_ID, userId);
    const process = createTableBookingRepo(tables);
    const planned = bookingOf(userId, 'planned');
    await process.save(planned, { previous: null });
    // Something else rewrites the line (as the repair does when a record's copies are stale): the kept ETag is stale now.
    const line = (await tables.bookingsByRound.get(ROUND_ID, experimentId))!;
    const columns = Object.fromEntries(Object.entries(line.properties).filter(([, value]) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean').filter(([name]) => !['etag', 'partitionKey', 'rowKey', 'timestamp', 'odata.etag'].includes(name)));
    await tables.bookingsByRound.update(ROUND_ID, experimentId, columns as Record<string, string>, line.etag);

    const booked = { ...bookingOf(userId, 'booked'), updatedAt: '2026-03-18T12:05:00.000Z' };
    await process.save(booked, { previous: planned });
    const indexed = (await bookings.listForRound(ROUND_ID)).find((b) => b.experimentId === experimentId)!;
    expect(indexed.status).toBe('booked');
    expect(indexed.updatedAt).toBe(booked.updatedAt);
    for (const windowOpen of [false, true]) expect(await fromCounters(windowOpen)).toEqual(await recomputedFromRecords(windowOpen));
    expect(await repairRoundCounters(ROUND_ID, ports, { fix: false })).toMatchObject({ differences: [] });
  });

  it('finds and fixes a counter corrupted by hand and a problem row that went missing', async () => {
    const good = await fromCounters(true);
    // Corrupt: five kickoffs too many in one shard, and one failed kickoff's problem row deleted.
    const shardKey = counterRowKey(0);
    const shard = (await tables.members.get(ROUND_ID, shardKey))!;
    const counts = JSON.parse(String(shard.properties.counts)) as Record<string, number>;
    await tables.members.update(ROUND_ID, shardKey, { counts: JSON.stringify({ ...counts, 'kickoff.sent': (counts['kickoff.sent'] ?? 0) + 5 }) }, shard.etag);
    const failed = good.kickoffFailures[0]!;
    await tables.members.delete(ROUND_ID, problemRowKey('kickoff', failed));
    expect((await fromCounters(true)).kickoff.sent).toBe(good.kickoff.sent + 5);

    const found = await repairRoundCounters(ROUND_ID, ports, { fix: false });
    expect(found.differences).toEqual([{ table: tables.members.tableName, counters: { 'kickoff.sent': 5 }, missingProblems: [problemRowKey('kickoff', failed)], strayProblems: [], staleRecords: 0 }]);
    expect(found.fixed).toBe(false);

    const repaired = await repairRoundCounters(ROUND_ID, ports);
    expect(repaired.fixed).toBe(true);
    expect(await fromCounters(true)).toEqual(good);
    expect((await repairRoundCounters(ROUND_ID, ports, { fix: false })).differences).toEqual([]);
    // The counters stay small ranges: the shards and the problem rows are all the owner reads.
    const shards: string[] = [];
    for await (const row of tables.members.listPartition(ROUND_ID, { rowKeyPrefix: COUNTER_ROW_PREFIX })) shards.push(row.rowKey);
    expect(shards.length).toBeLessThanOrEqual(MEMBER_COUNTER_SHARDS);
  });

  it('finds and rewrites a copied funnel fact that missed a change of its record', async () => {
    const good = await fromCounters(true);
    // An experiment saved by a repository that does not copy its facts (as if the process stopped between the two writes).
    const withoutCopy = createTableExperimentRepo(tables);
    const userId = people[125]!;
    await withoutCopy.create(experimentOf(userId, 'decided'));
    expect(await fromCounters(true)).toEqual(good); // nothing counted it
    const found = await repairRoundCounters(ROUND_ID, ports, { fix: false });
    expect(found.differences).toHaveLength(1);
    expect(found.differences[0]).toMatchObject({ table: tables.members.tableName, staleRecords: 1, counters: { 'funnel.open.decided': -1, 'funnel.open.shared back': -1, 'funnel.closed.decided': -1 } });
    await repairRoundCounters(ROUND_ID, ports);
    for (const windowOpen of [false, true]) expect(await fromCounters(windowOpen)).toEqual(await recomputedFromRecords(windowOpen));
    expect((await members.get(ROUND_ID, userId))!.member.funnelFacts?.experiment?.state).toBe('decided');
    expect((await repairRoundCounters(ROUND_ID, ports, { fix: false })).differences).toEqual([]);
  });

  it('counts rows written before counters existed on its first run', async () => {
    const before = await fromCounters(true);
    // A member row as the code before counters wrote it: no `counted` column, no copied facts, no count.
    const legacy = parseUserId(randomUUID())!;
    await tables.members.create(ROUND_ID, legacy, { via: 'named', delivery: 'failed', deliveryAttempts: 5, deliveryReason: 'blocked', deliveredAt: null, updatedAt: NOW });
    const found = await repairRoundCounters(ROUND_ID, ports, { fix: false });
    expect(found.differences).toEqual([{
      table: tables.members.tableName, counters: { people: -1, 'kickoff.failed': -1, 'funnel.closed.invited': -1, 'funnel.open.invited': -1 },
      missingProblems: [problemRowKey('kickoff', legacy)], strayProblems: [], staleRecords: 1,
    }]);
    await repairRoundCounters(ROUND_ID, ports);
    const repaired = await fromCounters(true);
    expect(repaired).toMatchObject({ people: before.people + 1, kickoff: { ...before.kickoff, failed: before.kickoff.failed + 1 }, kickoffFailures: [...before.kickoffFailures, legacy].sort() });
    expect(repaired.funnel[0]).toEqual({ stage: 'invited', count: before.people + 1 });
    // Its `counted` column now says what it counts, so a later change moves the counters by the right amount.
    const stored = (await members.get(ROUND_ID, legacy))!;
    await members.update({ ...stored.member, delivery: 'sent', deliveryReason: null }, stored.etag);
    expect((await fromCounters(true)).kickoff.failed).toBe(before.kickoff.failed);
    expect((await repairRoundCounters(ROUND_ID, ports, { fix: false })).differences).toEqual([]);
  });
});
