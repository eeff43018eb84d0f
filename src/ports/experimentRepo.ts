import type { PolicyAcknowledgement } from '../domain/acknowledgement';
import type { Experiment, ExperimentState } from '../domain/experiment';
import type { UserId } from '../domain/ids';
import type { RoundId } from '../domain/roundIds';
import type { OutboxWriteOptions } from './outbox';
import type { RepoOptions } from './roundRepo';

export interface StoredExperiment { readonly experiment: Experiment; readonly etag: string }

/** A line in a reviewer's queue. */
export interface ReviewListing {
  readonly experimentId: Experiment['id'];
  readonly roundId: RoundId;
  readonly participantId: UserId;
  readonly state: ExperimentState;
  readonly updatedAt: string;
}

/** `outbox`: effects of the change, saved with the experiment in one transaction (both or neither); see OutboxRepo. */
export type ExperimentWriteOptions = OutboxWriteOptions;

export interface ExperimentRepo {
  get(roundId: RoundId, participantId: UserId, options?: RepoOptions): Promise<StoredExperiment | null>;
  /** Fails with EntityAlreadyExistsError when the person already has one in this round (ids are derived). */
  create(experiment: Experiment, options?: ExperimentWriteOptions): Promise<StoredExperiment>;
  /** Conditional on `etag`; a lost race throws ConcurrencyConflictError (and saves no outbox row either). */
  update(experiment: Experiment, etag: string, options?: ExperimentWriteOptions): Promise<StoredExperiment>;
  listForRound(roundId: RoundId, options?: RepoOptions): Promise<Experiment[]>;
  /** Experiments this person reviews (their reports' plans), newest first. */
  listForReviewer(reviewerId: UserId, options?: RepoOptions): Promise<ReviewListing[]>;
}

export interface AcknowledgementRepo {
  /** Replay-safe: the same person, round and version is one row. */
  record(ack: PolicyAcknowledgement, options?: RepoOptions): Promise<void>;
  latest(roundId: RoundId, userId: UserId, options?: RepoOptions): Promise<PolicyAcknowledgement | null>;
  listForRound(roundId: RoundId, options?: RepoOptions): Promise<PolicyAcknowledgement[]>;
}
