import type { UserId } from '../domain/ids';
import type { ShortfallCause } from '../domain/planner';
import type { ExperimentId, RoundId } from '../domain/roundIds';
import type { OutboxWriteOptions } from './outbox';
import type { RepoOptions } from './roundRepo';

/** One practice block: planned, then created in the participant's calendar (its Graph event id kept). */
export interface BookedBlock {
  readonly week: number;
  readonly index: number;
  readonly start: string;
  readonly end: string;
  /** Null until the event exists in the calendar. */
  readonly eventId: string | null;
  /** The deterministic id the create carried, so a retried create returns the same event. */
  readonly transactionId: string;
  /** Why this block did not count as practice: the participant said so, or it was gone from the calendar after it passed. */
  readonly notKept?: { readonly by: 'participant' | 'calendar'; readonly reason: string } | null;
}

/** `released`: the experiment was withdrawn (or the round cleaned up) and its future blocks removed. */
export type BookingStatus = 'planned' | 'booked' | 'failed' | 'released';

/** The booking of one experiment's practice time: the plan per week (with shortfalls) and its blocks. */
export interface Booking {
  readonly experimentId: ExperimentId;
  readonly roundId: RoundId;
  readonly participantId: UserId;
  readonly status: BookingStatus;
  /** "could not book: …" when failed; warnings such as an unknown time zone otherwise. */
  readonly reason: string | null;
  readonly timeZone: string;
  /** The window extension (days) this plan covers; a later extension tops the plan up. */
  readonly extensionDays: number;
  readonly weeks: readonly { readonly week: number; readonly targetMinutes: number; readonly plannedMinutes: number; readonly shortfall: string | null; readonly shortfallCause?: ShortfallCause | null }[];
  readonly blocks: readonly BookedBlock[];
  readonly updatedAt: string;
}

/** `outbox`: effects of this save, written beside the booking in the same transaction (see OutboxRepo). */
export interface BookingSaveOptions extends OutboxWriteOptions {
  /**
   * The booking as the caller read or last saved it (null: there was none). The save replaces exactly that
   * version without reading it again: if the stored booking changed since (or one was created meanwhile), it
   * fails with ConcurrencyConflictError (EntityAlreadyExistsError) and the caller retries from fresh state.
   * Omitted: the save reads the booking first and replaces what it finds.
   */
  readonly previous?: Booking | null;
}

export interface BookingRepo {
  get(experimentId: ExperimentId, options?: RepoOptions): Promise<Booking | null>;
  /**
   * Writes the whole booking (plan row + one row per block) all or none, and its line in the round's index;
   * rows of blocks no longer in it are removed.
   */
  save(booking: Booking, options?: BookingSaveOptions): Promise<void>;
  /**
   * Makes the round's index line say what `booking` (as stored) says, when it does not: a save whose booking write
   * succeeded and whose index write then failed (a timeout, a crash) left the line behind, and its retry finds the
   * booking done and saves nothing.
   */
  reindex(booking: Booking, options?: RepoOptions): Promise<void>;
  listForRound(roundId: RoundId, options?: RepoOptions): Promise<Booking[]>;
}
