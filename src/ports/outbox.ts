import type { UserId } from '../domain/ids';
import type { RoundId } from '../domain/roundIds';
import type { Job } from './jobQueue';

/**
 * Whose outbox: the record whose change the effects belong to. Its rows sit beside that record, in its partition, so
 * they are written in the same entity-group transaction as the change and read back as one small key range.
 *   experiment       a person's experiment in a round (its commands: submit, review, decide, withdraw)
 *   booking          a person's booked practice time (the "booked" notice, the "time moved" notice)
 *   decisionEffects  the log of what a decision's effects did (the owner's "needs you" card)
 *   summary          a person's shareback summary (the request to review it)
 *   round            the round's settings (owners changed, a policy published, the round opened)
 *   sharebackSession the shareback meeting's running order (the meeting's end, undecided experiments)
 */
export type OutboxAddress =
  | { readonly record: 'experiment' | 'booking' | 'decisionEffects' | 'summary'; readonly roundId: RoundId; readonly participantId: UserId }
  | { readonly record: 'round' | 'sharebackSession'; readonly roundId: RoundId };

/** A repository call's options (the same shape as the repositories' own). */
interface CallOptions { readonly abortSignal?: AbortSignal }

/** What a repository write takes to save effects with the change (both or neither). */
export interface OutboxWriteOptions extends CallOptions {
  /** Effects of the change, saved beside the record in the same transaction, handed to their queues after it. */
  readonly outbox?: readonly Job[];
}

/** The outboxes' rows after the save: what a crash left there, and clearing what was handed over. */
export interface OutboxRepo {
  /** Effects saved with the record and not handed over yet, oldest first (this record's rows only). */
  pending(address: OutboxAddress, options?: CallOptions): Promise<Job[]>;
  /** Forgets rows once their effects are queued (rows already gone are fine). */
  clear(address: OutboxAddress, ids: readonly string[], options?: CallOptions): Promise<void>;
}
