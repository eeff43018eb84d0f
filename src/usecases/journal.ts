import { DateTime } from 'luxon';
import { practiceWaitsForPolicy } from '../domain/acknowledgement';
import { domainError, isDomainError, type DomainError } from '../domain/errors';
import { decidedEarly, type Experiment } from '../domain/experiment';
import type { UserId } from '../domain/ids';
import { JOURNAL_ANSWER_FIELDS, previousWeekStart, saveJournalEntry, weekStartOf, type JournalEntry, type JournalInput } from '../domain/journal';
import { roundWindow, type Round } from '../domain/round';
import { REFUSALS, relationToPerson, roundFor } from './access';
import { experimentIdFor, type RoundId } from '../domain/roundIds';
import { redactFields, sensitiveDataFound, type SensitiveChoice, type SensitiveDataFound } from '../domain/sensitiveData';
import { parseIsoDate } from '../domain/time';
import { NUDGE_AFTER_DAYS, weeklyPromptMoment, wholeDaysBetween } from '../domain/weeklyMoment';
import type { BookedBlock, Booking } from '../ports/bookingRepo';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../ports/storageErrors';
import { markBlockKept } from './booking';
import type { JournalReminder } from '../ports/journalRepo';
import type { Caller, UseCasePorts } from './ports';
import { effect, sendEffects, type Effect } from './jobKinds';
import { isStaleVersion } from '../domain/version';

export const JOURNAL_PROMPT_JOB_KIND = 'journal.prompt';
export const JOURNAL_NUDGE_JOB_KIND = 'journal.nudge';

/**
 * Where a journal can be written. An approved plan is practice once the round's window has started (the app
 * books the time; nobody has to press "start"), so approved counts as practising from the window's first day.
 */
const JOURNALING_STATES: readonly Experiment['state'][] = ['approved', 'practising', 'sharing'];
const PRACTISING_STATES: readonly Experiment['state'][] = ['approved', 'practising'];

/** When practice began: the window's first local midnight, or the approval (or "start practice") if that came later. */
export function practiceStartedAt(round: Round, experiment: Experiment): string {
  const started = experiment.history.find((h) => h.command === 'startPractice')?.at
    ?? experiment.history.filter((h) => h.command === 'approve').at(-1)?.at ?? experiment.updatedAt;
  const windowStart = roundWindow(round).startsAt;
  return started > windowStart ? started : windowStart;
}

/**
 * Null when the journal is open: from the window's first day for an approved plan, and while sharing.
 * Closed, it says why in the person's terms (a decision taken early was answered with "the journal
 * opens on the first day of practice").
 */
function journalClosed(round: Round, experiment: Experiment, now: string): DomainError | null {
  if (experiment.state === 'decided' || experiment.state === 'withdrawn') return domainError('conflict', journalClosedBecause(round, experiment));
  if (!JOURNALING_STATES.includes(experiment.state) || (experiment.state !== 'sharing' && now < roundWindow(round).startsAt)) {
    return domainError('conflict', 'The journal opens on the first day of practice, once your manager has approved the plan.');
  }
  return null;
}

/** Why a finished experiment's journal is closed: the early decision and its reason, the decision, or the withdrawal. */
export function journalClosedBecause(round: Round, experiment: Experiment): string {
  const decision = experiment.decision;
  if (experiment.state === 'withdrawn') return 'This experiment was withdrawn, so its journal is closed. Your entries so far are kept.';
  if (decision && decidedEarly(decision)) {
    const first = decision.previous[0] ?? decision;
    const day = DateTime.fromISO(first.at, { zone: round.shareback.timeZone }).setLocale('en-GB').toFormat('d LLLL');
    return `Practice for this experiment ended on ${day}, before the shareback, when the round's owners decided early: “${first.earlyReason ?? ''}”. The journal is closed; your entries so far are kept.`;
  }
  return 'A decision has been recorded for this experiment at the shareback, so its journal is closed. Your entries so far are kept.';
}

/** Approved or practising, inside the window (with its extension): the people who get prompts, nudges and digests. */
export function isPractisingNow(round: Round, experiment: Experiment, now: string): boolean {
  if (!PRACTISING_STATES.includes(experiment.state)) return false;
  const window = roundWindow(round);
  const endsAt = DateTime.fromISO(window.endsAt, { zone: 'utc' }).plus({ days: experiment.windowExtensionDays }).toISO()!;
  return now >= window.startsAt && now < endsAt;
}

/** A write lost to a newer version: the refusal carries the record as it now stands (REST: 409 `{ error, current }`). */
export interface StaleWrite<T> {
  readonly kind: 'stale';
  readonly message: string;
  readonly current: T;
}

export function isStaleWrite<T>(value: T | StaleWrite<T> | object): value is StaleWrite<T> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'stale';
}

/** "My" lists answer like `/me`: someone outside the round is told so, rather than shown an empty list. */
export async function requireRoundMember(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<DomainError | null> {
  const round = await roundFor(roundId, 'takePart', REFUSALS.notInRound, caller, ports);
  return isDomainError(round) ? round : null;
}

/** How the caller stands to a person's records in a round (the access policy's relation, in the words these screens use). */
export async function relationTo(round: Round, userId: UserId, caller: Caller, ports: UseCasePorts): Promise<'self' | 'manager' | 'owner' | null> {
  const relation = await relationToPerson(round, userId, caller, ports);
  return relation === 'self' ? 'self' : relation === 'admin' || relation === 'owner' ? 'owner' : relation === 'manager' || relation === 'reviewer' ? 'manager' : null;
}

/**
 * The participant's zone: their booking's (read from their mailbox when the time was booked, so the hourly
 * task makes no Graph call per person), else their mailbox setting, else the round's.
 */
export async function zoneOf(userId: UserId, round: Round, booking: Booking | null, ports: UseCasePorts): Promise<string> {
  return booking?.timeZone ?? (await ports.directory.getTimeZone(userId)) ?? round.shareback.timeZone;
}

/** The blocks of one ISO week (in `zone`) of a booking. */
export function blocksInWeek(booking: Booking | null, weekStart: string, zone: string): BookedBlock[] {
  const monday = DateTime.fromISO(weekStart, { zone }).startOf('day');
  const from = monday.toUTC().toISO()!;
  const to = monday.plus({ weeks: 1 }).toUTC().toISO()!;
  return (booking?.blocks ?? []).filter((block) => block.start >= from && block.start < to && block.eventId !== null);
}

/** Hours of the week's blocks that have ended and were kept: the card's prefill (the person can change it). */
export function keptHours(blocks: readonly BookedBlock[], now: string): number {
  const minutes = blocks.filter((b) => b.end <= now && !b.notKept).reduce((sum, b) => sum + (Date.parse(b.end) - Date.parse(b.start)) / 60_000, 0);
  return Math.round((minutes / 60) * 100) / 100;
}

export interface JournalView {
  readonly round: Round;
  readonly experiment: Experiment;
  readonly zone: string;
  readonly weekStart: string;
  readonly entry: JournalEntry | null;
  /** The week before has no entry and practice was running then: the card says so kindly and offers to log it. */
  readonly missedWeek: string | null;
  readonly prefillHours: number;
  /** This week's blocks that have ended, so the person can say which did not happen. */
  readonly pastBlocks: readonly BookedBlock[];
}

async function loadPractice(roundId: RoundId, participantId: UserId, ports: UseCasePorts): Promise<{ round: Round; experiment: Experiment; booking: Booking | null } | DomainError> {
  const [round, stored, booking] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId), ports.bookings.get(experimentIdFor(roundId, participantId))]);
  if (!round) return domainError('not_found', 'That round does not exist (any more).');
  if (!stored) return domainError('not_found', 'You have no experiment in this round yet, so there is no journal to write.');
  return { round: round.round, experiment: stored.experiment, booking };
}

/** What the journal card (or the dashboard) needs for one week: the entry if any, the prefill, and a missed week. */
export async function journalView(roundId: RoundId, participantId: UserId, weekStart: string | undefined, ports: UseCasePorts): Promise<JournalView | DomainError> {
  const loaded = await loadPractice(roundId, participantId, ports);
  if (isDomainError(loaded)) return loaded;
  const { round, experiment, booking } = loaded;
  const now = ports.clock.now().toISOString();
  const closed = journalClosed(round, experiment, now);
  if (closed) return closed;
  const zone = await zoneOf(participantId, round, booking, ports);
  const week = weekStart ?? weekStartOf(now, zone);
  const [stored, previous] = await Promise.all([ports.journals.get(experiment.id, week), ports.journals.get(experiment.id, previousWeekStart(week))]);
  // The week before counts as missed only if practice had started before it ended.
  const previousEnded = DateTime.fromISO(week, { zone }).startOf('day').toUTC().toISO()!;
  const missedWeek = !previous && weekStart === undefined && practiceStartedAt(round, experiment) < previousEnded ? previousWeekStart(week) : null;
  const blocks = blocksInWeek(booking, week, zone);
  return {
    round, experiment, zone, weekStart: week, entry: stored?.entry ?? null, missedWeek,
    prefillHours: stored?.entry.hoursPractised ?? keptHours(blocks, now),
    pastBlocks: blocks.filter((b) => b.end <= now),
  };
}

export interface SaveJournalInput extends JournalInput {
  readonly sensitiveData?: SensitiveChoice;
  /** Blocks of that week that did not happen ("<week>:<index>"): recorded on the booking as not kept. */
  readonly missedBlockRefs?: readonly string[];
}

export interface SavedJournal {
  readonly entry: JournalEntry;
  readonly created: boolean;
}

/**
 * Saves one week's entry (the journal card, the `journal` command's card and PUT …/me/journals/:weekStart
 * all come here). Before anything is written, new text is checked for sensitive data; with findings and no
 * choice, nothing is stored and the findings come back. The same submission twice is one entry.
 */
export async function saveJournal(roundId: RoundId, caller: Caller, weekStart: string, input: SaveJournalInput, ports: UseCasePorts, attempt = 1): Promise<SavedJournal | DomainError | SensitiveDataFound | StaleWrite<JournalEntry>> {
  if (parseIsoDate(weekStart, 'UTC') === null || DateTime.fromISO(weekStart).weekday !== 1) {
    return domainError('invalid_input', 'A journal week is named by its Monday, as YYYY-MM-DD.', { fieldErrors: { weekStart: 'Give the Monday of the week, e.g. 2026-03-02.' } });
  }
  const loaded = await loadPractice(roundId, caller.userId, ports);
  if (isDomainError(loaded)) return loaded;
  const { round, experiment, booking } = loaded;
  const now = ports.clock.now().toISOString();
  const closed = journalClosed(round, experiment, now);
  if (closed) return closed;
  const tool = experiment.selection?.tool;
  const waits = practiceWaitsForPolicy(round, await ports.acknowledgements.latest(roundId, caller.userId), 'journal', tool ? { tool } : {});
  if (waits) return waits;
  const zone = await zoneOf(caller.userId, round, booking, ports);
  const stored = await ports.journals.get(experiment.id, weekStart);
  const target = { experimentId: experiment.id, roundId, participantId: caller.userId, weekStart };
  const context = { actorId: caller.userId, now, currentWeekStart: weekStartOf(now, zone) };
  let next = saveJournalEntry(stored?.entry ?? null, target, input, context);
  if (isDomainError(next)) {
    if (next.kind === 'conflict' && stored && isStaleVersion(input.expectedVersion, stored.entry.version)) {
      return { kind: 'stale', message: next.message, current: stored.entry };
    }
    return next;
  }
  if (stored && next === stored.entry) return { entry: stored.entry, created: false };

  // Only text that is new is checked: what was confirmed before is not asked about again.
  const fields = ['improved', 'broke', 'surprised', 'taught', 'missedReason'] as const;
  const changed = Object.fromEntries(fields.filter((f) => next && (next as JournalEntry)[f] !== (stored?.entry[f] ?? '')).map((f) => [f, (next as JournalEntry)[f]]));
  const findings = await ports.sensitiveData.scan(changed, round.sensitiveTerms ?? []);
  if (findings.length > 0) {
    if (!input.sensitiveData) return sensitiveDataFound(findings);
    if (input.sensitiveData === 'redact') {
      next = saveJournalEntry(stored?.entry ?? null, target, { ...input, ...redactFields(changed, findings) }, context);
      if (isDomainError(next)) return next;
    }
  }

  try {
    const saved = stored ? await ports.journals.update(next, stored.etag) : await ports.journals.create(next);
    await recordMissedBlocks(roundId, caller, input, next, ports);
    return { entry: saved.entry, created: !stored };
  } catch (error) {
    // A double click raced itself: the other request wrote first. Run again against what is there now.
    if ((error instanceof EntityAlreadyExistsError || error instanceof ConcurrencyConflictError) && attempt === 1) {
      return saveJournal(roundId, caller, weekStart, input, ports, 2);
    }
    throw error;
  }
}

/** The card's "which blocks did not happen" feeds the booking (kept vs planned); a block not yet over is skipped. */
async function recordMissedBlocks(roundId: RoundId, caller: Caller, input: SaveJournalInput, entry: JournalEntry, ports: UseCasePorts): Promise<void> {
  for (const ref of input.missedBlockRefs ?? []) {
    const [week, index] = ref.split(':').map((part) => Number.parseInt(part, 10));
    if (!Number.isInteger(week) || !Number.isInteger(index)) continue;
    const reason = entry.missedReason.length >= 3 ? entry.missedReason.slice(0, 300) : 'Marked as missed in the weekly journal';
    await markBlockKept(roundId, caller, { week: week!, index: index! }, false, reason, ports);
  }
}

export async function listMyJournals(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<JournalEntry[] | DomainError> {
  const notMember = await requireRoundMember(roundId, caller, ports);
  if (notMember) return notMember;
  return ports.journals.listForExperiment(experimentIdFor(roundId, caller.userId));
}

/** A report's journals for their manager, or anyone's for an owner; the participant themselves too. */
export async function journalsOf(roundId: RoundId, userId: UserId, caller: Caller, ports: UseCasePorts): Promise<JournalEntry[] | DomainError> {
  const round = await ports.rounds.get(roundId);
  if (!round) return domainError('not_found', 'That round does not exist (any more).');
  if (!(await relationTo(round.round, userId, caller, ports))) return domainError('forbidden', 'Only this person, their manager or the round\'s owners can read their journal.');
  return ports.journals.listForExperiment(experimentIdFor(roundId, userId));
}

/** Practising experiments of open rounds, with what the periodic tasks need. */
async function practisingNow(ports: UseCasePorts) {
  const now = ports.clock.now().toISOString();
  const out: { round: Round; experiment: Experiment }[] = [];
  for (const roundId of await ports.rounds.listOpen()) {
    const round = await ports.rounds.get(roundId);
    if (!round) continue;
    for (const experiment of await ports.experiments.listForRound(roundId)) {
      if (isPractisingNow(round.round, experiment, now)) out.push({ round: round.round, experiment });
    }
  }
  return out;
}

export const promptKey = (roundId: RoundId, weekStart: string) => `${roundId}|${weekStart}`;

/**
 * The hourly task: one prompt job per practising participant whose weekly moment has come and who was not
 * prompted this week. Job ids and the reminder row both derive from (experiment, week), so two schedulers,
 * a redelivered job or a second run still send one card.
 */
export async function enqueueJournalPrompts(ports: UseCasePorts): Promise<number> {
  const now = ports.clock.now().toISOString();
  const jobs: Effect[] = [];
  for (const { round, experiment } of await practisingNow(ports)) {
    const booking = await ports.bookings.get(experiment.id);
    const zone = await zoneOf(experiment.participantId, round, booking, ports);
    const weekStart = weekStartOf(now, zone);
    if (now < weeklyPromptMoment(weekStart, zone, booking?.blocks.filter((b) => b.eventId && !b.notKept) ?? [])) continue;
    const sent = await ports.journals.listReminders(experiment.participantId, 'prompt');
    if (sent.some((r) => r.key === promptKey(round.id, weekStart))) continue;
    jobs.push(effect(JOURNAL_PROMPT_JOB_KIND, `journal-prompt:${experiment.id}:${weekStart}`, { roundId: round.id, participantId: experiment.participantId, weekStart }));
  }
  if (jobs.length > 0) await sendEffects(ports, jobs);
  return jobs.length;
}

/**
 * Sends a reminder at most once: the reminder row is written first (a second sender finds it and stops);
 * if the send then fails, the row is removed so the job's retry can send it.
 */
export async function sendOnce(ports: UseCasePorts, reminder: Pick<JournalReminder, 'userId' | 'kind' | 'key'>, send: () => Promise<boolean>): Promise<'sent' | 'already sent' | 'nothing to send'> {
  const at = ports.clock.now().toISOString();
  if (!(await ports.journals.recordReminder({ ...reminder, at }))) return 'already sent';
  try {
    return (await send()) ? 'sent' : 'nothing to send';
  } catch (error) {
    await ports.journals.forgetReminder(reminder);
    throw error;
  }
}

export interface NudgeCandidate { readonly roundId: RoundId; readonly participantId: UserId; readonly since: string; readonly days: number }

/** The daily task: a practising participant with no entry for 10 days gets one nudge per silence (keyed by when it began). */
export async function enqueueNudges(ports: UseCasePorts): Promise<number> {
  const now = ports.clock.now().toISOString();
  const jobs: Effect[] = [];
  const statsByRound = new Map<RoundId, Awaited<ReturnType<UseCasePorts['journals']['statsForRound']>>>();
  for (const { round, experiment } of await practisingNow(ports)) {
    if (!statsByRound.has(round.id)) statsByRound.set(round.id, await ports.journals.statsForRound(round.id));
    const since = statsByRound.get(round.id)!.get(experiment.participantId)?.lastEntryAt ?? practiceStartedAt(round, experiment);
    if (wholeDaysBetween(since, now) < NUDGE_AFTER_DAYS) continue;
    const sent = await ports.journals.listReminders(experiment.participantId, 'nudge');
    if (sent.some((r) => r.key === nudgeKey(round.id, since))) continue;
    jobs.push(effect(JOURNAL_NUDGE_JOB_KIND, `journal-nudge:${experiment.id}:${since}`, { roundId: round.id, participantId: experiment.participantId, since }));
  }
  if (jobs.length > 0) await sendEffects(ports, jobs);
  return jobs.length;
}

export const nudgeKey = (roundId: RoundId, since: string) => `${roundId}|${since}`;

/** Answers that were filled, for cards and summaries. */
export function filledAnswers(entry: JournalEntry): { field: (typeof JOURNAL_ANSWER_FIELDS)[number]; text: string }[] {
  return JOURNAL_ANSWER_FIELDS.filter((f) => entry[f] !== '').map((field) => ({ field, text: entry[field] }));
}

/** The round a `journal` or `save asset` command is about: the caller's most recent experiment that has started practice. */
export async function currentPracticeRound(userId: UserId, ports: UseCasePorts, states: readonly Experiment['state'][] = JOURNALING_STATES): Promise<RoundId | null> {
  let best: { roundId: RoundId; at: string } | null = null;
  for (const roundId of await ports.roundMembers.roundsOf(userId)) {
    const stored = await ports.experiments.get(roundId, userId);
    if (!stored || !states.includes(stored.experiment.state)) continue;
    if (!best || stored.experiment.updatedAt > best.at) best = { roundId, at: stored.experiment.updatedAt };
  }
  return best?.roundId ?? null;
}
