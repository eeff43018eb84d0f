import { experimentIdFor, type ExperimentId } from '../domain/roundIds';
import type { UserId } from '../domain/ids';
import { domainError, type DomainError } from '../domain/errors';
import { replanBlock, withUtcFallback, type PlannedBlock } from '../domain/planner';
import type { Round } from '../domain/round';
import type { BookedBlock, Booking } from '../ports/bookingRepo';
import type { CalendarEventView } from '../ports/calendar';
import { planInputFor, PRACTICE_CATEGORY, practiceEventFor, practiceTransactionId } from './booking';
import type { UseCasePorts } from './ports';
import { effect, sendEffects, type Effect } from './jobKinds';
import { saveWithEffects } from './outbox';

export const TIME_CHECK_JOB_KIND = 'calendar.check';
export const TIME_MOVED_NOTICE_JOB_KIND = 'calendar.moved';

/** The daily task: one check job per booked experiment of every open round (the workers do the Graph work). */
export async function enqueueTimeChecks(ports: UseCasePorts): Promise<number> {
  const day = ports.clock.now().toISOString().slice(0, 10);
  const jobs: Effect[] = [];
  for (const roundId of await ports.rounds.listOpen()) {
    for (const booking of await ports.bookings.listForRound(roundId)) {
      if (booking.status !== 'booked') continue;
      jobs.push(effect(TIME_CHECK_JOB_KIND, `check:${booking.experimentId}:${day}`, { roundId, participantId: booking.participantId }));
    }
  }
  await sendEffects(ports, jobs);
  return jobs.length;
}

export interface TimeCheckOutcome {
  readonly moved: readonly { readonly from: BookedBlock; readonly to: BookedBlock }[];
  readonly unplaced: readonly BookedBlock[];
}

const BUSY = new Set(['busy', 'oof', 'tentative', 'workingElsewhere']);

/** Why a future block no longer protects its time, or null while it still does. */
function lostBecause(block: BookedBlock, events: readonly CalendarEventView[]): string | null {
  const event = events.find((candidate) => candidate.eventId === block.eventId);
  if (!event || event.isCancelled) return 'deleted';
  if (event.responseStatus === 'declined') return 'declined';
  const overlap = events.some((other) => other.eventId !== block.eventId && !other.isCancelled && BUSY.has(other.showAs)
    && !other.categories.includes(PRACTICE_CATEGORY) && other.start < block.end && block.start < other.end);
  return overlap ? 'overlapped' : null;
}

/**
 * Defends the booked practice time (step 3): a future block that was deleted, declined or now overlaps a
 * new meeting is moved into free time in the same week (a new block index, so a new transactionId);
 * when the week has no room it is dropped and reported. Nothing that has started or passed is touched.
 */
export async function checkPracticeTime(round: Round, participantId: UserId, ports: UseCasePorts, settings: { dashboardUrl: string }): Promise<TimeCheckOutcome> {
  const experimentId: ExperimentId = experimentIdFor(round.id, participantId);
  const [booking, stored] = await Promise.all([ports.bookings.get(experimentId), ports.experiments.get(round.id, participantId)]);
  if (!booking || booking.status !== 'booked' || !stored?.experiment.hypothesis) return { moved: [], unplaced: [] };
  const now = ports.clock.now().toISOString();
  const withEvents = booking.blocks.filter((block) => block.eventId);
  if (withEvents.length === 0) return { moved: [], unplaced: [] };
  const window = { start: withEvents[0]!.start, end: withEvents.reduce((end, b) => (b.end > end ? b.end : end), withEvents[0]!.end) };
  const events = await ports.calendar.listEvents(participantId, window);
  // Past blocks are never moved; one that is gone from the calendar simply did not happen (kept vs planned).
  const gonePast = booking.blocks.filter((block) => block.end <= now && block.eventId && !block.notKept && (lostBecause(block, events) === 'deleted' || lostBecause(block, events) === 'declined'));
  const lost = booking.blocks.filter((block) => block.start > now && block.eventId && lostBecause(block, events) !== null);
  if (lost.length === 0 && gonePast.length === 0) return { moved: [], unplaced: [] };

  const hours = await ports.calendar.getWorkingHours(participantId);
  const { workingHours } = withUtcFallback({ daysOfWeek: hours.daysOfWeek, startTime: hours.startTime, endTime: hours.endTime, timeZone: hours.timeZone });
  const busy = (await ports.calendar.getBusy([participantId], window)).get(participantId) ?? [];
  const experiment = stored.experiment;
  let blocks: BookedBlock[] = booking.blocks.map((block) => (gonePast.includes(block) ? { ...block, notKept: { by: 'calendar' as const, reason: `${lostBecause(block, events)} in Outlook` } } : block));
  const moved: { from: BookedBlock; to: BookedBlock }[] = [];
  const unplaced: BookedBlock[] = [];
  for (const lostBlock of lost) {
    const block = blocks.find((b) => b.week === lostBlock.week && b.index === lostBlock.index)!;
    const keep: PlannedBlock[] = blocks.filter((b) => b !== block).map((b) => ({ week: b.week, index: b.index, start: b.start, end: b.end }));
    // Busy includes the practice blocks themselves (they are busy in Outlook); they are in `keep` anyway.
    const replacement = replanBlock(planInputFor(round, experiment, { workingHours, busy, now, keep }), { week: block.week, index: block.index, start: block.start, end: block.end });
    // The old event goes either way (it may still sit under the new meeting); 404 counts as gone.
    await ports.calendar.deleteEvent(participantId, block.eventId!);
    blocks = blocks.filter((b) => b !== block);
    if (!replacement) {
      unplaced.push(block);
      continue;
    }
    const next: BookedBlock = { ...replacement, eventId: null, transactionId: practiceTransactionId(experiment, replacement) };
    const [created] = await ports.calendar.createEvents(participantId, [practiceEventFor(experiment, next, settings.dashboardUrl)]);
    const placed = { ...next, eventId: created?.eventId ?? null };
    blocks.push(placed);
    moved.push({ from: block, to: placed });
  }
  blocks.sort((a, b) => a.week - b.week || a.index - b.index);
  const updated: Booking = { ...booking, blocks, updatedAt: now };
  // The participant hears of moved or dropped blocks (not of past ones marked): saved with the booking, handed off after.
  const notice = lost.length === 0 ? [] : [effect(TIME_MOVED_NOTICE_JOB_KIND, `moved:${experimentId}:${now}`, { roundId: round.id, participantId, moved: moved.map((m) => ({ from: m.from.start, fromEnd: m.from.end, to: m.to.start, week: m.to.week, index: m.to.index })), unplaced: unplaced.map((b) => b.start) })];
  await saveWithEffects({ record: 'booking', roundId: round.id, participantId }, notice, ports, (outbox) => ports.bookings.save(updated, { previous: booking, outbox }));
  return { moved, unplaced };
}

/**
 * "Put it back": the participant prefers the old time after all (a clash they accept). The moved block's
 * event is removed and the old time booked again as a new block (new index, so a new transactionId).
 */
export async function undoMove(roundId: Round['id'], caller: { userId: UserId }, moved: { week: number; index: number }, old: { start: string; end: string }, ports: UseCasePorts, settings: { dashboardUrl: string }): Promise<BookedBlock | DomainError> {
  const experimentId = experimentIdFor(roundId, caller.userId);
  const [booking, stored] = await Promise.all([ports.bookings.get(experimentId), ports.experiments.get(roundId, caller.userId)]);
  const block = booking?.blocks.find((b) => b.week === moved.week && b.index === moved.index);
  if (!booking || !stored || !block) return domainError('not_found', 'That practice block is not in your calendar any more.');
  const now = ports.clock.now().toISOString();
  if (block.start <= now || old.start <= now) return domainError('conflict', 'That time has already started or passed, so it stays as it is.');
  const index = Math.max(...booking.blocks.filter((b) => b.week === block.week).map((b) => b.index)) + 1;
  const restored: BookedBlock = { week: block.week, index, start: old.start, end: old.end, eventId: null, transactionId: practiceTransactionId(stored.experiment, { week: block.week, index }) };
  const [created] = await ports.calendar.createEvents(caller.userId, [practiceEventFor(stored.experiment, restored, settings.dashboardUrl)]);
  if (block.eventId) await ports.calendar.deleteEvent(caller.userId, block.eventId);
  const placed = { ...restored, eventId: created?.eventId ?? null };
  await ports.bookings.save({ ...booking, blocks: [...booking.blocks.filter((b) => b !== block), placed].sort((a, b) => a.week - b.week || a.index - b.index), updatedAt: now }, { previous: booking });
  return placed;
}
