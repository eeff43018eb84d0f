import type { UserId } from './ids';
import type { ExperimentId, RoundId } from './roundIds';
import type { IsoDate, IsoInstant } from './time';

/**
 * The weekly journal (step 4): what improved, broke, surprised and taught, in the participant's words.
 * One entry per experiment per week: the week (Monday of the ISO week in the participant's zone) is the
 * identity, so a retried or double-clicked submit lands on the same record. Nothing here rates the work.
 */
export const JOURNAL_ANSWER_FIELDS = ['improved', 'broke', 'surprised', 'taught'] as const;
export type JournalAnswerField = (typeof JOURNAL_ANSWER_FIELDS)[number];

export interface JournalEntry {
  readonly experimentId: ExperimentId;
  readonly roundId: RoundId;
  readonly participantId: UserId;
  /** "2026-03-02": Monday of the ISO week, in the participant's zone. */
  readonly weekStart: IsoDate;
  /** Each answer is '' when not filled; at least one is filled. */
  readonly improved: string;
  readonly broke: string;
  readonly surprised: string;
  readonly taught: string;
  readonly hoursPractised: number;
  readonly missedBlocks: number;
  readonly missedReason: string;
  readonly createdAt: IsoInstant;
  readonly updatedAt: IsoInstant;
  /** 1 when created; +1 on every edit. Forms carry it back as `expectedVersion`. */
  readonly version: number;
}
