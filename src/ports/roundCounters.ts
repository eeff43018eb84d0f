import type { UserId } from '../domain/ids';
import type { RoundId } from '../domain/roundIds';
import type { RepoOptions } from './roundRepo';

/** A round's counters and short problem lists, as kept on write next to the records they count. */
export interface RoundCountersSnapshot {
  /** Counter name → value, summed over every counted table of the round (see src/domain/roundCounters.ts for the names). */
  readonly counts: Readonly<Record<string, number>>;
  readonly kickoffFailures: readonly { readonly userId: UserId; readonly state: 'failed' | 'uncertain'; readonly reason: string | null; readonly attempts: number }[];
  readonly bookingProblems: readonly { readonly userId: UserId; readonly reason: string }[];
}

/** What the repair found in one counted table: counter name → stored − recomputed, problem rows missing or stray, stale records. */
export interface CounterDifference {
  readonly table: string;
  readonly counters: Readonly<Record<string, number>>;
  readonly missingProblems: readonly string[];
  readonly strayProblems: readonly string[];
  readonly staleRecords: number;
}

export interface RoundCounterRepo {
  /** A handful of small reads: each counted table's counter shards (point reads) and the two problem lists (row-key ranges). */
  read(roundId: RoundId, options?: RepoOptions): Promise<RoundCountersSnapshot>;
  /** Recomputes the counters from the records; with `fix`, writes what differs. Returns the differences found (empty when none). */
  recount(roundId: RoundId, recountOptions: { readonly fix: boolean }, options?: RepoOptions): Promise<CounterDifference[]>;
}
