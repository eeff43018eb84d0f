import { stripControlCharacters } from './text';
import { DateTime } from 'luxon';
import { domainError, type DomainError } from './errors';
import type { UserId } from './ids';
import type { ExperimentId, RoundId } from './roundIds';
import { stamp, type IsoDate, type IsoInstant } from './time';
import { characterCount, invalidInput } from './validation';
import { isStaleVersion } from './version';

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

/**
 * Documented limits. An answer holds up to 4,000 characters (a long page of notes; 4 answers + reason stay
 * far below Table Storage's 32,768 characters per property and 1 MiB per entity).
 */
export const JOURNAL_LIMITS = {
  answerCharacters: 4_000,
  missedReasonCharacters: 500,
  hoursPractised: { min: 0, max: 40 },
  missedBlocks: { min: 0, max: 20 },
  /** An entry can be changed for 7 days after it was first saved; then it is read-only. */
  editableDays: 7,
} as const;

export const JOURNAL_FIELD_LABELS: Readonly<Record<JournalAnswerField | 'missedReason', string>> = {
  improved: 'What improved',
  broke: 'What broke',
  surprised: 'What surprised you',
  taught: 'What it taught you',
  missedReason: 'Why blocks were missed',
};

/** What a card or the API sends; text as typed, numbers possibly missing or NaN (the card sends strings). */
export interface JournalInput {
  readonly improved?: string;
  readonly broke?: string;
  readonly surprised?: string;
  readonly taught?: string;
  readonly hoursPractised?: number;
  readonly missedBlocks?: number;
  readonly missedReason?: string;
  readonly expectedVersion?: number;
}

export interface JournalTarget {
  readonly experimentId: ExperimentId;
  readonly roundId: RoundId;
  readonly participantId: UserId;
  readonly weekStart: IsoDate;
}

/** The week key of an instant: Monday of its ISO week in `zone` ("2026-03-05T23:30Z" in Asia/Kolkata → Friday the 6th → "2026-03-02"). */
export function weekStartOf(instant: IsoInstant, zone: string): IsoDate {
  return DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).startOf('week').toISODate()!;
}

export function previousWeekStart(weekStart: IsoDate): IsoDate {
  return DateTime.fromISO(weekStart, { zone: 'utc' }).minus({ weeks: 1 }).toISODate()!;
}

function charactersOver(text: string, max: number): number {
  return characterCount(text) - max;
}

/** "What improved is limited to 4,000 characters; this is 120 over. Your text is kept so you can shorten it." */
export function overLimitMessage(label: string, max: number, over: number): string {
  return `${label} is limited to ${max.toLocaleString('en-GB')} characters; this is ${over.toLocaleString('en-GB')} over. Your text is kept so you can shorten it.`;
}

/** Control characters other than tab and line breaks are dropped: they have no meaning in a note and break some clients. */
export function cleanText(text: string | undefined): string {
  return stripControlCharacters(text ?? '').trim();
}

/** Whether the entry may still change at `now`: within 7 days of its first save. */
export function isEditable(entry: Pick<JournalEntry, 'createdAt'>, now: IsoInstant): boolean {
  return DateTime.fromISO(now, { zone: 'utc' }) < DateTime.fromISO(entry.createdAt, { zone: 'utc' }).plus({ days: JOURNAL_LIMITS.editableDays });
}

/** The last day an entry can be edited, for the card ("editable until Friday 13 March"). */
export function editableUntil(entry: Pick<JournalEntry, 'createdAt'>): IsoInstant {
  return DateTime.fromISO(entry.createdAt, { zone: 'utc' }).plus({ days: JOURNAL_LIMITS.editableDays }).toISO()!;
}

export interface SaveJournalContext {
  readonly actorId: UserId;
  readonly now: IsoInstant;
  /** This week's key in the participant's zone: a new entry is for this week or the one before (a missed week). */
  readonly currentWeekStart: IsoDate;
}

/**
 * Creates or edits one week's entry. Refusals: someone else's entry, a week in the future or more than one
 * week back, an entry older than 7 days, a stale form, no answer at all, text over a limit (values are
 * always kept by the caller, since nothing is written). The same content again returns the entry unchanged.
 */
export function saveJournalEntry(existing: JournalEntry | null, target: JournalTarget, input: JournalInput, context: SaveJournalContext): JournalEntry | DomainError {
  if (target.participantId !== context.actorId || (existing && existing.participantId !== context.actorId)) {
    return domainError('forbidden', 'A journal entry belongs to the person who wrote it; only they can change it.');
  }
  if (existing && !isEditable(existing, context.now)) {
    return domainError('conflict', `This entry was written more than ${JOURNAL_LIMITS.editableDays} days ago, so it is read-only now. Add what you noticed to this week's entry instead.`);
  }
  if (existing && isStaleVersion(input.expectedVersion, existing.version)) {
    return domainError('conflict', 'This entry changed since you opened it (perhaps in another window). Reload it to see the latest, then make your change again.');
  }
  if (!existing) {
    if (target.weekStart > context.currentWeekStart) return domainError('invalid_input', 'That week has not started yet; write about it once it has.', { fieldErrors: { weekStart: 'That week has not started yet.' } });
    if (target.weekStart < previousWeekStart(context.currentWeekStart)) {
      return domainError('conflict', 'Only this week and last week can be logged; earlier weeks stay as they are. Note anything you remember in this week\'s entry.');
    }
  }

  const errors: Record<string, string> = {};
  const answers = {} as Record<JournalAnswerField, string>;
  for (const field of JOURNAL_ANSWER_FIELDS) {
    const text = cleanText(input[field] ?? existing?.[field]);
    const over = charactersOver(text, JOURNAL_LIMITS.answerCharacters);
    if (over > 0) errors[field] = overLimitMessage(JOURNAL_FIELD_LABELS[field], JOURNAL_LIMITS.answerCharacters, over);
    answers[field] = text;
  }
  const missedReason = cleanText(input.missedReason ?? existing?.missedReason);
  const reasonOver = charactersOver(missedReason, JOURNAL_LIMITS.missedReasonCharacters);
  if (reasonOver > 0) errors.missedReason = overLimitMessage(JOURNAL_FIELD_LABELS.missedReason, JOURNAL_LIMITS.missedReasonCharacters, reasonOver);
  const hoursPractised = input.hoursPractised ?? existing?.hoursPractised ?? 0;
  const { min: hMin, max: hMax } = JOURNAL_LIMITS.hoursPractised;
  if (!Number.isFinite(hoursPractised) || hoursPractised < hMin || hoursPractised > hMax) errors.hoursPractised = `Hours practised is a number from ${hMin} to ${hMax}, e.g. 2.5.`;
  const missedBlocks = input.missedBlocks ?? existing?.missedBlocks ?? 0;
  const { min: bMin, max: bMax } = JOURNAL_LIMITS.missedBlocks;
  if (!Number.isInteger(missedBlocks) || missedBlocks < bMin || missedBlocks > bMax) errors.missedBlocks = `Blocks missed is a whole number from ${bMin} to ${bMax}.`;
  if (JOURNAL_ANSWER_FIELDS.every((field) => answers[field] === '') && Object.keys(errors).length === 0) {
    return invalidInput({ form: 'Answer at least one of the four questions; a sentence is enough.' });
  }
  if (Object.keys(errors).length > 0) return invalidInput(errors);

  const content = { ...answers, hoursPractised: Math.round(hoursPractised * 100) / 100, missedBlocks, missedReason };
  const now = stamp(context.now);
  if (existing) {
    const same = (Object.keys(content) as (keyof typeof content)[]).every((key) => existing[key] === content[key]);
    return same ? existing : { ...existing, ...content, updatedAt: now, version: existing.version + 1 };
  }
  return { ...target, ...content, createdAt: now, updatedAt: now, version: 1 };
}
