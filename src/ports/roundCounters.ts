import type { UserId } from '../domain/ids';
import type { ProblemKind } from '../domain/roundCounters';
import type { RoundId } from '../domain/roundIds';
import type { RepoOptions } from './roundRepo';

/** A round's counters, as kept on write next to the records they count. */
export interface RoundCountersSnapshot {
  /** Counter name → value, summed over every counted table of the round (see src/domain/roundCounters.ts for the names). */
  readonly counts: Readonly<Record<string, number>>;
}

/** One open problem of each kind the owner's lists show, kept as a row while its record is in that state. */
export interface RoundProblems {
  readonly kickoff: { readonly userId: UserId; readonly state: 'failed' | 'uncertain'; readonly reason: string | null; readonly attempts: number };
  readonly booking: { readonly userId: UserId; readonly reason: string };
  /** A decision effect that could not run (a person who left, a mailbox that refuses). */
  readonly effect: { readonly userId: UserId; readonly effect: string; readonly reason: string };
}

/** A page of one problem list: `next` is where the following page starts (null: this is the last page). */
export interface ProblemPage<K extends ProblemKind> {
  readonly problems: readonly RoundProblems[K][];
  readonly next: string | null;
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
  /** A handful of small reads: each counted table's counter shards (one small row-key range each). */
  read(roundId: RoundId, options?: RepoOptions): Promise<RoundCountersSnapshot>;
  /**
   * At most `limit` open problems of one kind, in a stable order, starting after `after` (a `next` an earlier page
   * gave; null: from the first): one row-key range of `limit` + 1 rows however many problems the round has.
   */
  /**
   * The counters and the first `limit` problems of each kind with where each list continues: what the owner's overview
   * shows, in one row-key range per counted table instead of a range for the counters and another for each list.
   */
  readWithFirstProblems(roundId: RoundId, limit: number, options?: RepoOptions): Promise<RoundCountersSnapshot & { readonly firstProblems: { readonly [K in ProblemKind]: ProblemPage<K> } }>;
  listProblems<K extends ProblemKind>(roundId: RoundId, kind: K, page: { readonly limit: number; readonly after: string | null }, options?: RepoOptions): Promise<ProblemPage<K>>;
  /** Recomputes the counters from the records; with `fix`, writes what differs. Returns the differences found (empty when none). */
  recount(roundId: RoundId, recountOptions: { readonly fix: boolean }, options?: RepoOptions): Promise<CounterDifference[]>;
}
