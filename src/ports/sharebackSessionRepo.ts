import type { UserId } from '../domain/ids';
import type { RoundId } from '../domain/roundIds';
import type { Grouping } from '../domain/runningOrder';
import type { SummaryContent, SummaryEdits } from '../domain/summary';
import type { OutboxWriteOptions } from './outbox';
import type { RepoOptions } from './roundRepo';

/** The live state of a round's shareback meeting: the running order and who is presenting. */
export interface MeetingSession {
  readonly roundId: RoundId;
  readonly grouping: Grouping;
  /** The owner's explicit order; null = the grouped order. */
  readonly order: readonly string[] | null;
  readonly currentParticipantId: string | null;
  /** +1 on every change: the tab's poll sends it back as If-None-Match. */
  readonly version: number;
  /** When the undecided experiments went to the owner in chat after the meeting (once). */
  readonly endHandledAt: string | null;
  /** When the round report went to the owners because every experiment had a decision (once). */
  readonly reportSentAt?: string | null;
  /** The latest summary "not ready" mark the owners have been told about; marks after it are still to tell. */
  readonly flaggedNoticeThrough?: string | null;
  readonly updatedAt: string;
}

/** One participant's shareback summary: the app's draft, their edits (which win), and review state. */
export interface SharebackSummary {
  readonly roundId: RoundId;
  readonly participantId: UserId;
  readonly draft: SummaryContent;
  readonly edits: SummaryEdits;
  readonly ready: boolean;
  readonly readyAt: string | null;
  readonly reviewRequestedAt: string | null;
  readonly flaggedAt: string | null;
  /** Fields whose text is the practice coach's draft, taken with "Use this" and not changed by the person since. */
  readonly coachDrafted?: readonly string[];
  readonly version: number;
  readonly updatedAt: string;
}

/** What happened to each effect of a decision (booked, told, no free time…), so a retry skips what is done. */
export interface EffectOutcome {
  /** `cancelled`: an edit replaced the decision, and the event this effect had booked was removed. */
  readonly status: 'done' | 'needs-owner' | 'failed' | 'cancelled';
  readonly detail: string;
  /** The booked start, an event id or a new experiment id, when there is one. */
  readonly ref: string | null;
  /** The calendar the event was booked in (so an edit can take it out again). */
  readonly mailbox?: string | null;
  readonly at: string;
}

export interface DecisionEffectLog {
  readonly roundId: RoundId;
  readonly participantId: UserId;
  readonly outcomes: Readonly<Record<string, EffectOutcome>>;
}

export interface Stored<T> { readonly value: T; readonly etag: string }

export interface SharebackSessionRepo {
  getSession(roundId: RoundId, options?: RepoOptions): Promise<Stored<MeetingSession> | null>;
  /** `etag` null: create (a lost race is EntityAlreadyExistsError); else conditional (ConcurrencyConflictError). */
  saveSession(session: MeetingSession, etag: string | null, options?: OutboxWriteOptions): Promise<Stored<MeetingSession>>;
  getSummary(roundId: RoundId, participantId: UserId, options?: RepoOptions): Promise<Stored<SharebackSummary> | null>;
  listSummaries(roundId: RoundId, options?: RepoOptions): Promise<SharebackSummary[]>;
  saveSummary(summary: SharebackSummary, etag: string | null, options?: OutboxWriteOptions): Promise<Stored<SharebackSummary>>;
  getEffects(roundId: RoundId, participantId: UserId, options?: RepoOptions): Promise<Stored<DecisionEffectLog> | null>;
  listEffects(roundId: RoundId, options?: RepoOptions): Promise<DecisionEffectLog[]>;
  /** `etag` null: create (a lost race is EntityAlreadyExistsError); else conditional (ConcurrencyConflictError). */
  saveEffects(log: DecisionEffectLog, etag: string | null, options?: OutboxWriteOptions): Promise<Stored<DecisionEffectLog>>;
  /** The meeting chat → round index the meeting tab looks its round up in. */
  roundForChat(chatId: string, options?: RepoOptions): Promise<RoundId | null>;
  linkChat(chatId: string, roundId: RoundId, options?: RepoOptions): Promise<void>;
}
