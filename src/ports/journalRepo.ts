import type { UserId } from '../domain/ids';
import type { JournalEntry } from '../domain/journal';
import type { ExperimentId, RoundId } from '../domain/roundIds';
import type { IsoDate, IsoInstant } from '../domain/time';
import type { RepoOptions } from './roundRepo';

export interface StoredJournalEntry { readonly entry: JournalEntry; readonly etag: string }

/** Process facts per participant of a round, for digests and the dashboard (never a rating of the work). */
export interface JournalStats { readonly entries: number; readonly lastEntryAt: IsoInstant | null; readonly hoursLogged: number }

/**
 * A proactive message that must go out once, recorded before it is sent:
 *   prompt  (userId = participant, key = "<roundId>|<weekStart>")   the weekly journal card
 *   nudge   (userId = participant, key = "<roundId>|<last entry or practice start>")  one gentle nudge per silence
 *   digest  (userId = manager,     key = "<weekStart>")             the manager's weekly digest
 */
export interface JournalReminder {
  readonly userId: UserId;
  /**
   * `note`: a manager's encouragement, keyed by sender, text and day, so a double click sends it once.
   * `notice`: a notice about the person's experiment, keyed by its job id, so a job queued twice sends it once.
   */
  readonly kind: 'prompt' | 'nudge' | 'digest' | 'note' | 'notice';
  readonly key: string;
  readonly at: IsoInstant;
}

export interface JournalRepo {
  /** Newest week first. */
  listForExperiment(experimentId: ExperimentId, options?: RepoOptions): Promise<JournalEntry[]>;
  get(experimentId: ExperimentId, weekStart: IsoDate, options?: RepoOptions): Promise<StoredJournalEntry | null>;
  /** Fails with EntityAlreadyExistsError when the week already has an entry (the week is the identity). */
  create(entry: JournalEntry, options?: RepoOptions): Promise<StoredJournalEntry>;
  /** Conditional on `etag`; a lost race throws ConcurrencyConflictError. */
  update(entry: JournalEntry, etag: string, options?: RepoOptions): Promise<StoredJournalEntry>;
  /** One partition query over the round. */
  statsForRound(roundId: RoundId, options?: RepoOptions): Promise<Map<UserId, JournalStats>>;
  /** Records a reminder as sent; false when it was already recorded (another instance or an earlier run sent it). */
  recordReminder(reminder: JournalReminder, options?: RepoOptions): Promise<boolean>;
  /** Undo a claim whose send failed, so the next run tries again. */
  forgetReminder(reminder: Pick<JournalReminder, 'userId' | 'kind' | 'key'>, options?: RepoOptions): Promise<void>;
  /** A person's reminders of one kind (one partition, row-key prefix). */
  listReminders(userId: UserId, kind: JournalReminder['kind'], options?: RepoOptions): Promise<JournalReminder[]>;
}
