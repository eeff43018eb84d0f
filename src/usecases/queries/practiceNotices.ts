import { isDomainError } from '../../domain/errors';
import type { UserId } from '../../domain/ids';
import type { RoundId } from '../../domain/roundIds';
import { wholeDaysBetween } from '../../domain/weeklyMoment';
import { managerDigest } from '../checkIns';
import type { ParsedPayloadOf } from '../jobKinds';
import { isPractisingNow, journalView } from '../journal';
import type { UseCasePorts } from '../ports';

/*
 * What the step-4 messages send, read when their jobs run (see notices.ts for the shape of a view): the weekly
 * journal prompt, the nudge after a silence, the manager's digest and a manager's note. Each of these jobs is sent
 * once by a reminder row of its own (experiment and week, silence start, manager and week, the note's key),
 * recorded before the view runs (src/jobs/registry.ts).
 */

async function stillPractising(roundId: RoundId, participantId: UserId, ports: UseCasePorts) {
  const [round, stored] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId)]);
  return round && stored && isPractisingNow(round.round, stored.experiment, ports.clock.now().toISOString()) ? round.round : null;
}

/** This week's journal card, unless the participant stopped practising or has already written this week. */
export async function journalPromptView({ roundId, participantId, weekStart }: ParsedPayloadOf<'journal.prompt'>, ports: UseCasePorts) {
  const round = await stillPractising(roundId, participantId, ports);
  if (!round) return [];
  const week = await journalView(roundId, participantId, undefined, ports);
  // Already written this week (via `journal`): no prompt needed.
  if (isDomainError(week) || week.weekStart !== weekStart || week.entry) return [];
  return [{ to: participantId, round, data: { week, now: ports.clock.now().toISOString() } }];
}

/** "It has been N days": to a participant still practising who has not written since `since`. */
export async function journalNudgeView({ roundId, participantId, since }: ParsedPayloadOf<'journal.nudge'>, ports: UseCasePorts) {
  const round = await stillPractising(roundId, participantId, ports);
  if (!round) return [];
  return [{ to: participantId, round, data: { roundId, days: wholeDaysBetween(since, ports.clock.now().toISOString()) } }];
}

/** The manager's weekly digest of their practising reports; nothing when none is practising. */
export async function digestView({ managerId }: ParsedPayloadOf<'checkin.digest'>, ports: UseCasePorts) {
  const lines = await managerDigest(managerId, ports);
  if (lines.length === 0) return [];
  const round = await ports.rounds.get(lines[0]!.roundId as RoundId);
  if (!round) return [];
  const manager = await ports.directory.getPerson(managerId);
  return [{ to: managerId, round: round.round, data: { managerName: manager?.displayName ?? '', lines } }];
}

/** A manager's note of encouragement to their report. */
export async function checkInNoteView({ roundId, userId, fromName, text }: ParsedPayloadOf<'checkin.note'>, ports: UseCasePorts) {
  const round = await ports.rounds.get(roundId);
  if (!round) return [];
  return [{ to: userId, round: round.round, data: { fromName, text, roundId } }];
}
