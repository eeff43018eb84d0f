import { DateTime } from 'luxon';
import { createHash } from 'node:crypto';
import { firstSharedSlot, type DigestLine } from '../domain/checkIn';
import { domainError, isDomainError, type DomainError } from '../domain/errors';
import type { Experiment } from '../domain/experiment';
import type { UserId } from '../domain/ids';
import { weekStartOf } from '../domain/journal';
import { withUtcFallback, type Interval } from '../domain/planner';
import { practiceHoursByWeek } from '../domain/practiceHours';
import type { Round } from '../domain/round';
import type { RoundId } from '../domain/roundIds';
import { characterCount } from '../domain/validation';
import { wholeDaysBetween } from '../domain/weeklyMoment';
import type { AssetCounts } from '../ports/assetRepo';
import type { JournalStats } from '../ports/journalRepo';
import { mayOnPerson } from './access';
import { isPractisingNow, practiceStartedAt } from './journal';
import type { Caller, UseCasePorts } from './ports';
import { effect, sendEffects, type Effect } from './jobKinds';

export const DIGEST_JOB_KIND = 'checkin.digest';

/** States in which a report shows in their manager's digest (approved is practice once the window has started). */
const DIGEST_STATES: readonly Experiment['state'][] = ['approved', 'practising', 'sharing'];

/** The digest goes out on Monday from 09:00 in the manager's zone (about last week, ahead of the new one). */
export const DIGEST_LOCAL_HOUR = 9;

const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

/**
 * One manager's digest: per practising report, process only — journals kept, hours kept vs planned, assets
 * saved, days since the last entry, and whether a nudge went out. Nothing rates the work itself.
 * Reports come from the directory (the manager's direct reports) and their rounds from the membership index.
 */
export async function managerDigest(managerId: UserId, ports: UseCasePorts): Promise<DigestLine[]> {
  const now = ports.clock.now().toISOString();
  const stats = new Map<RoundId, Map<UserId, JournalStats>>();
  const counts = new Map<RoundId, Map<UserId, AssetCounts>>();
  const lines: DigestLine[] = [];
  for (const report of await ports.directory.listDirectReports(managerId)) {
    const nudges = await ports.journals.listReminders(report.id, 'nudge');
    for (const roundId of await ports.roundMembers.roundsOf(report.id)) {
      const [stored, round] = await Promise.all([ports.experiments.get(roundId, report.id), ports.rounds.get(roundId)]);
      if (!stored || !round || !DIGEST_STATES.includes(stored.experiment.state)) continue;
      if (stored.experiment.state !== 'sharing' && !isPractisingNow(round.round, stored.experiment, now)) continue;
      if (!stats.has(roundId)) stats.set(roundId, await ports.journals.statsForRound(roundId));
      if (!counts.has(roundId)) counts.set(roundId, await ports.assets.countsForRound(roundId));
      const booking = await ports.bookings.get(stored.experiment.id);
      const weeks = practiceHoursByWeek(booking?.blocks.filter((b) => b.eventId) ?? [], now);
      const journal = stats.get(roundId)!.get(report.id);
      const started = practiceStartedAt(round.round, stored.experiment);
      const nudgedAt = nudges.filter((n) => n.key.startsWith(`${roundId}|`)).map((n) => n.at).sort().at(-1) ?? null;
      lines.push({
        userId: report.id, displayName: report.displayName, roundId, state: stored.experiment.state,
        journals: journal?.entries ?? 0,
        hoursKept: hours(weeks.reduce((sum, w) => sum + w.keptMinutes, 0)),
        // Planned so far: blocks that have ended (kept or not), so the two figures compare like with like.
        hoursPlanned: hours(weeks.reduce((sum, w) => sum + w.plannedMinutes - w.upcomingMinutes, 0)),
        assetsSaved: counts.get(roundId)!.get(report.id)?.saved ?? 0,
        daysSinceLastEntry: wholeDaysBetween(journal?.lastEntryAt ?? started, now),
        nudgedAt,
      });
    }
  }
  return lines.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/**
 * The hourly task: for each manager with a practising report, one digest job per week once it is Monday
 * 09:00 in their zone. The job id and the reminder row derive from (manager, week): one card.
 */
export async function enqueueDigests(ports: UseCasePorts): Promise<number> {
  const now = ports.clock.now();
  const managers = new Set<UserId>();
  for (const roundId of await ports.rounds.listOpen()) {
    const round = await ports.rounds.get(roundId);
    if (!round) continue;
    for (const experiment of await ports.experiments.listForRound(roundId)) {
      if (!isPractisingNow(round.round, experiment, now.toISOString())) continue;
      const manager = await ports.directory.getManager(experiment.participantId);
      if (manager) managers.add(manager.id);
    }
  }
  const jobs: Effect[] = [];
  for (const managerId of managers) {
    const zone = (await ports.directory.getTimeZone(managerId)) ?? 'UTC';
    const weekStart = weekStartOf(now.toISOString(), zone);
    const local = DateTime.fromJSDate(now, { zone });
    if (local.weekday === 1 && local.hour < DIGEST_LOCAL_HOUR) continue;
    const sent = await ports.journals.listReminders(managerId, 'digest');
    if (sent.some((r) => r.key === weekStart)) continue;
    jobs.push(effect(DIGEST_JOB_KIND, `checkin-digest:${managerId}:${weekStart}`, { managerId, weekStart }));
  }
  if (jobs.length > 0) await sendEffects(ports, jobs);
  return jobs.length;
}

/** Looks up round and checks the caller manages `userId` (or owns the round). */
async function asManagerOf(roundId: RoundId, userId: UserId, caller: Caller, ports: UseCasePorts): Promise<Round | DomainError> {
  const round = await ports.rounds.get(roundId);
  if (!round) return domainError('not_found', 'That round does not exist (any more).');
  if (!(await mayOnPerson(round.round, userId, 'checkIn', caller, ports))) return domainError('forbidden', 'Only this person\'s manager (or the round\'s owners) can do that.');
  return round.round;
}

export const ENCOURAGEMENT_LIMITS = { min: 2, max: 1_000 } as const;

/** A short, kind note from the manager to the report (sent by the caller's surface as a card). */
export async function prepareEncouragement(roundId: RoundId, userId: UserId, message: string, caller: Caller, ports: UseCasePorts): Promise<{ round: Round; text: string; fromName: string } | DomainError> {
  const round = await asManagerOf(roundId, userId, caller, ports);
  if (isDomainError(round)) return round;
  const text = (message ?? '').trim();
  if (characterCount(text) < ENCOURAGEMENT_LIMITS.min || characterCount(text) > ENCOURAGEMENT_LIMITS.max) {
    const over = characterCount(text) - ENCOURAGEMENT_LIMITS.max;
    return domainError('invalid_input', over > 0 ? `A note is limited to ${ENCOURAGEMENT_LIMITS.max.toLocaleString('en-GB')} characters; this is ${over} over.` : 'Write a few words of encouragement.', { fieldErrors: { message: 'Between 2 and 1,000 characters.' } });
  }
  const fromName = (await ports.directory.getPerson(caller.userId))?.displayName ?? caller.displayName;
  return { round, text, fromName };
}

export interface BookedCheckIn { readonly start: string; readonly end: string; readonly eventId: string; readonly withName: string }

/**
 * Proposes a 15-minute check-in at the first time both are free (working hours of both, minus both calendars),
 * booked in the manager's calendar with the report invited (Graph puts it in both). The transactionId derives
 * from (round, report, week), so a retry or a second click that week returns the same event.
 */
export async function proposeCheckIn(roundId: RoundId, userId: UserId, caller: Caller, ports: UseCasePorts): Promise<BookedCheckIn | DomainError> {
  const round = await asManagerOf(roundId, userId, caller, ports);
  if (isDomainError(round)) return round;
  const now = ports.clock.now().toISOString();
  const [managerHours, reportHours, manager, report] = await Promise.all([
    ports.calendar.getWorkingHours(caller.userId), ports.calendar.getWorkingHours(userId), ports.directory.getPerson(caller.userId), ports.directory.getPerson(userId),
  ]);
  const window: Interval = { start: now, end: new Date(Date.parse(now) + 7 * 24 * 3_600_000).toISOString() };
  const busy = await ports.calendar.getBusy([caller.userId, userId], window);
  const slot = firstSharedSlot([
    { hours: withUtcFallback({ ...managerHours, daysOfWeek: [...managerHours.daysOfWeek] }).workingHours, busy: busy.get(caller.userId) ?? [] },
    { hours: withUtcFallback({ ...reportHours, daysOfWeek: [...reportHours.daysOfWeek] }).workingHours, busy: busy.get(userId) ?? [] },
  ], now);
  if (!slot) return domainError('conflict', 'There is no 15-minute slot free in both calendars in the next five working days. Try again next week, or pick a time together.');
  const weekStart = weekStartOf(now, managerHours.timeZoneKnown ? managerHours.timeZone : 'UTC');
  const transactionId = `ci-${createHash('sha256').update(`${roundId}|${userId}|${weekStart}`).digest('hex').slice(0, 32)}`;
  const reportName = report?.displayName ?? 'your report';
  const [created] = await ports.calendar.createEvents(caller.userId, [{
    transactionId,
    subject: `Practice check-in: ${reportName} and ${manager?.displayName ?? 'manager'}`,
    bodyHtml: '<p>Fifteen minutes on how practice is going: what helps, what gets in the way, what you need. Not a review of the work.</p>',
    start: slot.start, end: slot.end, showAs: 'busy', categories: ['Practice Loop'], reminderMinutesBeforeStart: 5, onlineMeeting: true,
    attendees: report?.mail ? [{ email: report.mail, name: reportName }] : [],
  }]);
  if (!created) throw new Error('the calendar returned no event for the check-in');
  return { start: slot.start, end: slot.end, eventId: created.eventId, withName: reportName };
}

/**
 * Sends the note to the report's personal chat, through the `checkin.note` job (its card is the job's), so the
 * digest card and POST …/encourage send the same thing.
 */
export async function sendEncouragement(roundId: RoundId, userId: UserId, message: string, caller: Caller, ports: UseCasePorts): Promise<{ sentTo: UserId; alreadySent: boolean } | DomainError> {
  const prepared = await prepareEncouragement(roundId, userId, message, caller, ports);
  if (isDomainError(prepared)) return prepared;
  // The same note from the same manager on the same day is one message, whether it came twice from a double click,
  // a retried request or both surfaces: the job's id and its reminder row derive from (manager, day, text), and the
  // job records the row before it sends (so a crash before the hand-off loses nothing, and a second job sends nothing).
  const now = ports.clock.now().toISOString();
  const key = `${caller.userId}|${now.slice(0, 10)}|${createHash('sha256').update(prepared.text).digest('hex').slice(0, 32)}`;
  if ((await ports.journals.listReminders(userId, 'note')).some((sent) => sent.key === key)) return { sentTo: userId, alreadySent: true };
  await sendEffects(ports, [effect('checkin.note', `checkin-note:${userId}:${key}`, { roundId, userId, key, fromName: prepared.fromName, text: prepared.text })]);
  return { sentTo: userId, alreadySent: false };
}
