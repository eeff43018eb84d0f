import { experimentFunnelFactsOf } from '../../domain/funnel';
import { parseUserId, type UserId } from '../../domain/ids';
import type { PolicyAcknowledgement } from '../../domain/acknowledgement';
import type { Experiment } from '../../domain/experiment';
import { addCounts, type MemberFunnelFacts } from '../../domain/roundCounters';
import type { RoundId } from '../../domain/roundIds';
import type { Booking } from '../../ports/bookingRepo';
import type { AcknowledgementRepo, ExperimentRepo } from '../../ports/experimentRepo';
import type { JournalRepo } from '../../ports/journalRepo';
import type { CounterDifference, RoundCounterRepo, RoundCountersSnapshot } from '../../ports/roundCounters';
import type { RepoOptions } from '../../ports/roundRepo';
import type { SharebackSessionRepo } from '../../ports/sharebackSessionRepo';
import { BOOKING_COUNTER_SHARDS, bookingContribution, indexedBookingOf } from './bookingRepo';
import { CountedPartitions, hasDifferences, problemRowKey, type CounterDifferences, type ExpectedRecord } from './countedPartition';
import type { EntityTable, StoredEntity } from './entityTable';
import { MEMBER_COUNTER_SHARDS, memberContribution, memberFromRow, memberToRow } from './roundRepo';

/*
 * Reads and repairs the counters the repositories keep on write (countedPartition.ts). The owner's overview reads two
 * row-key ranges in parallel (each table's counter shards and problem rows): its cost does not grow with the round.
 */
export interface CountedTables {
  readonly members: EntityTable;
  readonly bookingsByRound: EntityTable;
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

  async function ensure(options?: RepoOptions) {
    await Promise.all([tables.members.ensureCreated(options), tables.bookingsByRound.ensureCreated(options)]);
  }

  return {
    async read(roundId, options): Promise<RoundCountersSnapshot> {
      await ensure(options);
      const [memberSide, bookingSide] = await Promise.all([members.readWithProblems(roundId, options), bookings.readWithProblems(roundId, options)]);
      const memberCounts = memberSide.counts;
      const bookingCounts = bookingSide.counts;
      const ofKind = (rows: readonly StoredEntity[], kind: string) => rows.filter((row) => row.rowKey.startsWith(problemRowKey(kind, '')));
      const kickoffRows = ofKind(memberSide.problems, 'kickoff');
      const bookingRows = ofKind(bookingSide.problems, 'booking');
      const userIdOf = (row: StoredEntity): UserId | null => parseUserId(row.properties.userId);
      return {
        counts: addCounts(memberCounts, bookingCounts),
        kickoffFailures: kickoffRows.flatMap((row) => {
          const userId = userIdOf(row);
          const state = row.properties.state === 'uncertain' ? 'uncertain' as const : 'failed' as const;
          const reason = typeof row.properties.reason === 'string' && row.properties.reason !== '' ? row.properties.reason : null;
          return userId ? [{ userId, state, reason, attempts: Number(row.properties.attempts ?? 0) }] : [];
        }),
        bookingProblems: bookingRows.flatMap((row) => {
          const userId = userIdOf(row);
          return userId ? [{ userId, reason: String(row.properties.reason ?? 'could not book') }] : [];
        }),
      };
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
      return [...report(tables.members.tableName, memberDiff), ...report(tables.bookingsByRound.tableName, bookingDiff)];
    },
  };
}
