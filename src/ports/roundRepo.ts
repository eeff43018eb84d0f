import type { PolicyAcknowledgement } from '../domain/acknowledgement';
import type { MemberFunnelFacts } from '../domain/roundCounters';
import type { UserId } from '../domain/ids';
import type { Round, RoundWithParticipants } from '../domain/round';
import type { RoundId } from '../domain/roundIds';
import type { OutboxWriteOptions } from './outbox';

export interface RepoOptions { readonly abortSignal?: AbortSignal }

export interface StoredRound<R extends Round = Round> {
  readonly round: R;
  /** The ETag of the round row: an update carries it back (optimistic concurrency). */
  readonly etag: string;
}

/** A line in an owner's list of rounds (an index row; point data comes from `get`). */
export interface RoundListing {
  readonly roundId: RoundId;
  readonly name: string;
  readonly status: Round['status'];
  readonly updatedAt: string;
}

export interface RoundRepo {
  /** The round's settings and policy versions: its own small partition, never its members (cost flat per person). */
  get(roundId: RoundId, options?: RepoOptions): Promise<StoredRound | null>;
  /** The round with `participantIds` (reads every member row): only for the owner's screens and the commands that change who takes part. */
  getWithParticipants(roundId: RoundId, options?: RepoOptions): Promise<StoredRound<RoundWithParticipants> | null>;
  /** Fails with a conflict if the id exists (ids are derived from the command, so a replay is caught). */
  create(round: RoundWithParticipants, options?: RepoOptions): Promise<StoredRound<RoundWithParticipants>>;
  /**
   * Conditional on `etag`; a lost race throws ConcurrencyConflictError (and saves no outbox row either). Adds the
   * named participants not yet in the round. `outbox`: effects saved with the round row in one transaction.
   */
  update(round: RoundWithParticipants, etag: string, options?: OutboxWriteOptions): Promise<StoredRound<RoundWithParticipants>>;
  listForOwner(ownerId: UserId, options?: RepoOptions): Promise<RoundListing[]>;
  /** Rounds that are open now (periodic checks walk these). */
  listOpen(options?: RepoOptions): Promise<RoundId[]>;
}

/**
 * Kickoff delivery to one person: tracked per person so the owner sees who got it, who is waiting and why one failed.
 * `uncertain`: a worker stopped between claiming the send and recording it, so nobody knows whether the message
 * arrived; an owner decides whether to resend.
 */
export type DeliveryState = 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain';

export interface RoundMember {
  readonly roundId: RoundId;
  readonly userId: UserId;
  /** Named in the round itself, or included as a report of one of its manager scopes. */
  readonly via: 'named' | 'manager';
  readonly delivery: DeliveryState;
  readonly deliveryAttempts: number;
  readonly deliveryReason: string | null;
  readonly deliveredAt: string | null;
  /** How many times an owner has resent the kickoff to this person (0: the first send only). */
  readonly resends?: number;
  readonly updatedAt: string;
  /**
   * The person's latest policy acknowledgement in this round, kept on their member row so a participant's screen
   * needs no read of the acknowledgements: null = none yet; absent = a row written before this was tracked
   * (the acknowledgements themselves are then the source).
   */
  readonly latestAcknowledgement?: PolicyAcknowledgement | null;
  /** The person's personal chat with the app, kept once the kickoff found or made it (installing the app), so no later send asks Graph again. */
  readonly chatId?: string;
  /**
   * What the round's funnel counts of this person, copied here by the repositories of the records that own each fact
   * (experiment, journal, shareback summary), so the counters can count each person once per stage. Absent on rows
   * written before it was kept (the repair command fills it in).
   */
  readonly funnelFacts?: MemberFunnelFacts;
}

/**
 * The most member rows `updateMany` writes together: each row may also add or remove its problem row, and the
 * counter shard rides along, within Table Storage's 100 operations per transaction.
 */
export const MEMBER_ROWS_PER_UPDATE = 49;

export interface StoredRoundMember { readonly member: RoundMember; readonly etag: string }

export interface RoundMemberRepo {
  /** Adds people to the round as `queued`; people already there are left exactly as they are. Returns who was new. */
  addQueued(roundId: RoundId, people: readonly { userId: UserId; via: RoundMember['via'] }[], now: string, options?: RepoOptions): Promise<UserId[]>;
  get(roundId: RoundId, userId: UserId, options?: RepoOptions): Promise<StoredRoundMember | null>;
  update(member: RoundMember, etag: string, options?: RepoOptions): Promise<StoredRoundMember>;
  /**
   * These people's rows, in one row-key range query from the lowest id to the highest (so callers pass people that
   * are close in id order, as kickoff groups are); people not in the round are absent from the map.
   */
  getMany(roundId: RoundId, userIds: readonly UserId[], options?: RepoOptions): Promise<Map<UserId, StoredRoundMember>>;
  /**
   * Conditional updates of up to MEMBER_ROWS_PER_UPDATE rows of one round in one entity-group transaction: all or
   * none. One stale ETag fails the whole call with ConcurrencyConflictError; the caller re-reads or writes singly.
   */
  updateMany(roundId: RoundId, updates: readonly StoredRoundMember[], options?: RepoOptions): Promise<StoredRoundMember[]>;
  list(roundId: RoundId, options?: RepoOptions): Promise<RoundMember[]>;
  /** Copies changed funnel facts onto the person's member row and counts them; nothing when they are not in the round or nothing changed. */
  recordFunnelFacts(roundId: RoundId, userId: UserId, change: Partial<MemberFunnelFacts>, options?: RepoOptions): Promise<void>;
  /** One page of the round's members in user-id order; pass the returned token back for the next page (null: no more). */
  listPage(roundId: RoundId, page: { readonly limit: number; readonly continuationToken?: string | null }, options?: RepoOptions): Promise<{ members: RoundMember[]; continuationToken: string | null }>;
  /** The rounds a person belongs to (their own index; one partition). */
  roundsOf(userId: UserId, options?: RepoOptions): Promise<RoundId[]>;
}
