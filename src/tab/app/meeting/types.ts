import type { SummaryContent } from '../../../domain/summary';

/** The shapes the meeting tab reads from /api/meetings/{chatId}/session (src/usecases/sharebackSession.ts). */
export type Outcome = 'another-round' | 'paid-licence' | 'internal-owner' | 'manager-follow-up' | 'stop';

export interface DecisionDetails {
  readonly outcome: Outcome;
  readonly ownerId: string;
  readonly dueDate: string;
  readonly note?: string;
  readonly scope?: string;
  readonly tool?: string;
  readonly seats?: number;
  readonly approver?: string;
  readonly internalOwnerId?: string;
  readonly learned?: string;
  readonly decideEarly?: boolean;
  readonly earlyReason?: string;
}

export interface BoardPerson {
  readonly participantId: string;
  readonly name: string;
  readonly team: string;
  readonly tool: string;
  readonly state: string;
  readonly summaryReady: boolean;
  readonly version: number;
  readonly decision: (DecisionDetails & { by: string; at: string; revision: number; ownerName: string }) | null;
}

/** A presenter's summary as the session API sends it: the domain's own shape (a type-only import; no code reaches the bundle). */
export type Summary = SummaryContent;

export interface LinkedSession {
  readonly linked: true;
  readonly roundId: string;
  readonly roundName: string;
  readonly isOwner: boolean;
  readonly owners: readonly { readonly id: string; readonly name: string }[];
  readonly meeting: { readonly startsAt: string; readonly endsAt: string; readonly phase: 'before' | 'running' | 'closing' | 'ended' };
  readonly grouping: 'team' | 'tool';
  readonly groups: readonly { label: string; participantIds: readonly string[] }[];
  readonly order: readonly BoardPerson[];
  readonly currentParticipantId: string | null;
  readonly current: { participantId: string; name: string; summary: Summary | null } | null;
  readonly undecided: readonly { participantId: string; name: string }[];
  readonly sessionVersion: number;
}

export interface UnlinkedSession {
  readonly linked: false;
  readonly message: string;
  readonly canLink: boolean;
  readonly rounds: readonly { roundId: string; name: string }[];
}

export type MeetingSession = LinkedSession | UnlinkedSession;

export const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  'another-round': 'Another round',
  'paid-licence': 'Paid licence',
  'internal-owner': 'Internal owner',
  'manager-follow-up': 'Manager follow-up',
  stop: 'Stop',
};
