import { experimentFunnelFactsOf } from '../../domain/funnel';
import { parseUserId, type UserId } from '../../domain/ids';
import type { PolicyAcknowledgement } from '../../domain/acknowledgement';
import type { Experiment } from '../../domain/experiment';
import { addCounts, type MemberFunnelFacts, type ProblemKind } from '../../domain/roundCounters';
import type { RoundId } from '../../domain/roundIds';
import type { Booking } from '../../ports/bookingRepo';
import type { AcknowledgementRepo, ExperimentRepo } from '../../ports/experimentRepo';
import type { JournalRepo } from '../../ports/journalRepo';
import type { CounterDifference, RoundCounterRepo, RoundCountersSnapshot, RoundProblems } from '../../ports/roundCounters';
import type { RepoOptions } from '../../ports/roundRepo';
import type { SharebackSessionRepo } from '../../ports/sharebackSessionRepo';
import { BOOKING_COUNTER_SHARDS, bookingContribution, indexedBookingOf } from './bookingRepo';
import { CountedPartitions, hasDifferences, type CounterDifferences, type ExpectedRecord } from './countedPartition';
import type { EntityTable, StoredEntity } from './entityTable';
import { EFFECT_COUNTER_SHARDS, EFFECTS_ROW_PREFIX, effectsContribution, parseEffects } from './sharebackSessionRepo';
import { MEMBER_COUNTER_SHARDS, memberContribution, memberFromRow, memberToRow } from './roundRepo';

/*
 * Reads and repairs the counters the repositories keep on write (countedPartition.ts). The owner's overview reads each
 * table's counter shards and one page of each problem list (small row-key ranges, in parallel): its cost does not grow
 * with the round.
 */
export interface CountedTables {
  readonly members: EntityTable;
  readonly bookingsByRound: EntityTable;
  /** The round's shareback partition: decision-effects logs and their failed effects. */
  readonly shareback: EntityTable;
}

/** The records a member's copied funnel facts come from (the repair reads these whole: it is not a screen). */
export interface FunnelFactSources {
  readonly experiments: Pick<ExperimentRepo, 'listForRound'>;
  readonly acknowledgements: Pick<AcknowledgementRepo, 'listForRound'>;
  readonly journals: Pick<JournalRepo, 'statsForRound'>;
  readonly sharebackSessions: Pick<SharebackSessionRepo, 'listSummaries'>;
}

async function rowsOf(table: EntityTable, partitionKey: string, options?: RepoOptions): Promise<StoredEntity[]> {
  const rows: StoredEntity[] = [];
  for await (const row of table.listPartition(partitionKey, options)) rows.push(row);
  return rows;
}

/** Each person's funnel facts as the records hold them, and their latest acknowledgement. */
async function factsFromRecords(roundId: RoundId, sources: FunnelFactSources, options?: RepoOptions) {
  const [experiments, acknowledgements, journalStats, summaries] = await Promise.all([
    sources.experiments.listForRound(roundId, options), sources.acknowledgements.listForRound(roundId, options),
    sources.journals.statsForRound(roundId, options), sources.sharebackSessions.listSummaries(roundId, options),
  ]);
  const experimentOf = new Map<UserId, Experiment>(experiments.map((e) => [e.participantId, e]));
  const latestAck = new Map<UserId, PolicyAcknowledgement>();
  for (const ack of acknowledgements) {
    const best = latestAck.get(ack.userId);
    if (!best || ack.policyVersion > best.policyVersion) latestAck.set(ack.userId, ack);
  }
  const ready = new Set(summaries.filter((s) => s.ready).map((s) => s.participantId));
  return (userId: UserId): { funnelFacts: MemberFunnelFacts; latestAcknowledgement: PolicyAcknowledgement | null } => {
    const experiment = experimentOf.get(userId);
    return {
      funnelFacts: { experiment: experiment ? experimentFunnelFactsOf(experiment) : null, journaled: (journalStats.get(userId)?.entries ?? 0) > 0, summaryReady: ready.has(userId) },
      latestAcknowledgement: latestAck.get(userId) ?? null,
    };
  };
}

export function createTableRoundCounters(tables: CountedTables, sources: FunnelFactSources, getBooking: (row: StoredEntity) => Promise<Booking | null>): RoundCounterRepo {
  const members = new CountedPartitions(tables.members, { shards: MEMBER_COUNTER_SHARDS });
  const bookings = new CountedPartitions(tables.bookingsByRound, { shards: BOOKING_COUNTER_SHARDS });
  const effects = new CountedPartitions(tables.shareback, { shards: EFFECT_COUNTER_SHARDS });

  async function ensure(options?: RepoOptions) {
    await Promise.all([tables.members.ensureCreated(options), tables.bookingsByRound.ensureCreated(options), tables.shareback.ensureCreated(options)]);
  }

  const userIdOf = (row: StoredEntity): UserId | null => parseUserId(row.properties.userId);
  const reasonOf = (row: StoredEntity, otherwise: string) => (typeof row.properties.reason === 'string' && row.properties.reason !== '' ? row.properties.reason : otherwise);
  // Each kind is kept beside the records it is about: kickoffs on the member rows, bookings on the round's booking
  // index, decision effects beside the effects logs.
  const problemSources: { [K in ProblemKind]: { from: CountedPartitions; parse: (row: StoredEntity, userId: UserId) => RoundProblems[K] } } = {
    kickoff: {
      from: members,
      parse: (row, userId) => ({ userId, state: row.properties.state === 'uncertain' ? 'uncertain' : 'failed', reason: reasonOf(row, '') || null, attempts: Number(row.properties.attempts ?? 0) }),
    },
    booking: { from: bookings, parse: (row, userId) => ({ userId, reason: String(row.properties.reason ?? 'could not book') }) },
    effect: { from: effects, parse: (row, userId) => ({ userId, effect: String(row.properties.effect ?? ''), reason: String(row.properties.reason ?? '') }) },
  };
  function problemsOf<K extends ProblemKind>(kind: K, rows: readonly StoredEntity[]): RoundProblems[K][] {
    const { parse } = problemSources[kind] as { parse: (row: StoredEntity, userId: UserId) => RoundProblems[K] };
    return rows.flatMap((row) => {
      const userId = userIdOf(row);
      return userId ? [parse(row, userId)] : [];
    });
  }

  return {
    async read(roundId, options): Promise<RoundCountersSnapshot> {
      await ensure(options);
      const all = await Promise.all([members.readCounts(roundId, options), bookings.readCounts(roundId, options), effects.readCounts(roundId, options)]);
      return { counts: addCounts(...all) };
    },

    async readWithFirstProblems(roundId, limit, options) {
      await ensure(options);
      const [kickoff, booking, effect] = await Promise.all([
        members.readCountsAndFirstProblems(roundId, 'kickoff', limit, options),
        bookings.readCountsAndFirstProblems(roundId, 'booking', limit, options),
        effects.readCountsAndFirstProblems(roundId, 'effect', limit, options),
      ]);
      return {
        counts: addCounts(kickoff.counts, booking.counts, effect.counts),
        firstProblems: {
          kickoff: { problems: problemsOf('kickoff', kickoff.rows), next: kickoff.next },
          booking: { problems: problemsOf('booking', booking.rows), next: booking.next },
          effect: { problems: problemsOf('effect', effect.rows), next: effect.next },
        },
      };
    },

    async listProblems(roundId, kind, page, options) {
      await ensure(options);
      const { rows, next } = await problemSources[kind].from.readProblems(roundId, kind, page, options);
      return { problems: problemsOf(kind, rows), next };
    },

    async recount(roundId, { fix }, options): Promise<CounterDifference[]> {
      await ensure(options);
      const report = (table: string, differences: CounterDifferences): CounterDifference[] => (hasDifferences(differences) ? [{ table, ...differences }] : []);
      const memberDiff = await members.recount(roundId, async () => {
        // Each member as the records say they should be: their copied facts and acknowledgement from the records that
        // own them, so a copy that missed a change (a crash between the record's save and the copy) is found and rewritten.
        const truth = await factsFromRecords(roundId, sources, options);
        const expected = new Map<string, ExpectedRecord>();
        for (const row of await rowsOf(tables.members, roundId, options)) {
          const userId = parseUserId(row.rowKey);
          if (!userId) continue;
          const member = { ...memberFromRow(roundId, userId, row.properties), ...truth(userId) };
          expected.set(row.rowKey, { row, contribution: memberContribution(member), properties: memberToRow(member) });
        }
        return expected;
      }, fix, options);
      const bookingDiff = await bookings.recount(roundId, async () => {
        const expected = new Map<string, ExpectedRecord>();
        for (const row of await rowsOf(tables.bookingsByRound, roundId, options)) {
          const booking = indexedBookingOf(row) ?? await getBooking(row);
          if (booking) expected.set(row.rowKey, { row, contribution: bookingContribution(booking) });
        }
        return expected;
      }, fix, options);
      const effectDiff = await effects.recount(roundId, async () => {
        const expected = new Map<string, ExpectedRecord>();
        for await (const row of tables.shareback.listPartition(roundId, { ...options, rowKeyPrefix: EFFECTS_ROW_PREFIX })) {
          expected.set(row.rowKey, { row, contribution: effectsContribution(parseEffects(row.properties.data, `decision effects ${row.rowKey}`)) });
        }
        return expected;
      }, fix, options);
      return [
        ...report(tables.members.tableName, memberDiff), ...report(tables.bookingsByRound.tableName, bookingDiff), ...report(tables.shareback.tableName, effectDiff),
      ];
    },
  };
}
