import type { Experiment } from '../domain/experiment';
import type { UserId } from '../domain/ids';
import { planPracticeBlocks, withUtcFallback, type PlanInput, type PlannedBlock } from '../domain/planner';
import { roundWindow, type Round } from '../domain/round';
import { experimentIdFor } from '../domain/roundIds';
import { toolName } from '../domain/toolCatalogue';
import { domainError, isDomainError, type DomainError } from '../domain/errors';
import type { BookedBlock, Booking } from '../ports/bookingRepo';
import { MailboxUnavailableError, type NewCalendarEvent } from '../ports/calendar';
import { escapeHtml } from './html';
import type { UseCasePorts } from './ports';
import { effect } from './jobKinds';
import { saveWithEffects } from './outbox';


export const PRACTICE_CATEGORY = 'Practice Loop';

/** Tells the participant (and, when a week fell short, their manager) what was booked. */
export const BOOKED_NOTICE_JOB_KIND = 'booking.notice';

/** Deterministic per experiment, week and block: a retried create returns the event it made the first time. */
export function practiceTransactionId(experiment: Pick<Experiment, 'id'>, block: Pick<PlannedBlock, 'week' | 'index'>): string {
  return `pl:${experiment.id}:w${block.week}:b${block.index}`;
}


export function practiceEventFor(experiment: Experiment, block: BookedBlock, dashboardUrl: string): NewCalendarEvent {
  const selection = experiment.selection!;
  const hypothesis = experiment.hypothesis!;
  const tool = toolName(selection.tool);
  const friction = selection.frictionPoint.description.length > 80 ? `${selection.frictionPoint.description.slice(0, 77)}…` : selection.frictionPoint.description;
  const body = [
    `<p>Protected time to practise with <b>${escapeHtml(tool)}</b> on a real task: ${escapeHtml(selection.frictionPoint.description)}</p>`,
    `<p>What you expect: ${escapeHtml(hypothesis.measure)}, from ${hypothesis.baseline.value} ${escapeHtml(hypothesis.baseline.unit)} to ${hypothesis.target.value} ${escapeHtml(hypothesis.target.unit)}.</p>`,
    '<p>Use it on live work, note what improves and what breaks. Nothing here is graded.</p>',
    dashboardUrl ? `<p><a href="${escapeHtml(dashboardUrl)}">Open your Practice Loop dashboard</a></p>` : '',
  ].join('');
  return {
    transactionId: block.transactionId,
    subject: `AI practice: ${tool} for ${friction}`,
    bodyHtml: body,
    start: block.start,
    end: block.end,
    showAs: 'busy',
    categories: [PRACTICE_CATEGORY],
    reminderMinutesBeforeStart: 10,
  };
}

export type BookingOutcome = 'booked' | 'not-approved' | 'failed' | 'already-booked';

/**
 * Books an approved plan's practice blocks in the participant's calendar (step 3). The plan is computed
 * once and stored before any event is created; every create carries a deterministic transactionId and
 * each created event id is stored, so a retry, a duplicate message or a worker killed half-way finishes
 * the same plan without a second event.
 */
export async function bookPracticeTime(roundId: Round['id'], participantId: UserId, ports: UseCasePorts, settings: { dashboardUrl: string }): Promise<BookingOutcome> {
  // Everything a booking reads, at once: the round's settings, the experiment and whatever was booked before.
  const [round, stored, read] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId), ports.bookings.get(experimentIdFor(roundId, participantId))]);
  if (!round || !stored) return 'not-approved';
  const experiment = stored.experiment;
  if ((experiment.state !== 'approved' && experiment.state !== 'practising') || !experiment.selection || !experiment.hypothesis) return 'not-approved';
  const now = ports.clock.now().toISOString();

  let booking = read;
  // What is stored now, so each save replaces it without reading it again.
  let saved = read;
  const extended = booking !== null && experiment.windowExtensionDays > booking.extensionDays;
  if ((booking?.status === 'booked' && !extended) || booking?.status === 'released') {
    // A retry after the booking's last save wrote the booking and then failed to write its line in the round's index
    // (a timeout, a crash): nothing is left to book, but the owner's view reads that line.
    await ports.bookings.reindex(booking);
    return 'already-booked';
  }
  try {
    // First booking, a retry after a failure, or a window extension (the booked blocks are kept; the added days are planned).
    if (!booking || booking.status === 'failed' || extended) {
      booking = await planBooking(round.round, experiment, ports, now, extended ? booking!.blocks : [], saved);
      if (booking.status === 'failed') return 'failed';
      saved = booking;
    }
    const missing = booking.blocks.filter((block) => block.eventId === null);
    if (missing.length > 0) {
      const created = await ports.calendar.createEvents(participantId, missing.map((block) => practiceEventFor(experiment, block, settings.dashboardUrl)));
      const idOf = new Map(created.map((event) => [event.transactionId, event.eventId]));
      booking = { ...booking, blocks: booking.blocks.map((block) => (block.eventId ? block : { ...block, eventId: idOf.get(block.transactionId) ?? null })) };
    }
    const complete = booking.blocks.every((block) => block.eventId !== null);
    const finished: Booking = { ...booking, status: complete ? 'booked' : 'planned', updatedAt: now };
    // The notice is saved with the booking that completes it (its outbox, same transaction) and handed off after.
    const notice = complete ? [effect(BOOKED_NOTICE_JOB_KIND, `booked:${experiment.id}:${finished.extensionDays}`, { roundId, participantId })] : [];
    const previous = saved;
    await saveWithEffects({ record: 'booking', roundId, participantId }, notice, ports, (outbox) => ports.bookings.save(finished, { previous, outbox }));
    return complete ? 'booked' : 'failed';
  } catch (error) {
    if (!(error instanceof MailboxUnavailableError)) throw error; // throttling, 5xx: the queue retries; stored progress is kept
    await ports.bookings.save({
      experimentId: experiment.id, roundId, participantId, status: 'failed', reason: `could not book: ${error.reason}`,
      timeZone: booking?.timeZone ?? 'UTC', extensionDays: booking?.extensionDays ?? 0, weeks: booking?.weeks ?? [], blocks: booking?.blocks ?? [], updatedAt: now,
    }, { previous: saved });
    return 'failed';
  }
}

/** What the planner needs, from the round (window, hours, shareback) and the plan (block length, time of day). */
export function planInputFor(round: Round, experiment: Experiment, calendar: Pick<PlanInput, 'workingHours' | 'busy' | 'now' | 'keep'>): PlanInput {
  if (!experiment.hypothesis) throw new Error(`experiment ${experiment.id} has no hypothesis to plan from`);
  return {
    window: { start: round.window.start, weeks: round.window.weeks, extensionDays: experiment.windowExtensionDays },
    hoursPerWeek: round.hoursPerWeek,
    blockMinutes: experiment.hypothesis.blockMinutes,
    preferredTimes: experiment.hypothesis.preferredTimes,
    shareback: { startsAt: round.shareback.startsAt, durationMinutes: round.shareback.durationMinutes },
    ...calendar,
  };
}

async function planBooking(round: Round, experiment: Experiment, ports: UseCasePorts, now: string, booked: readonly BookedBlock[], saved: Booking | null): Promise<Booking> {
  const participantId = experiment.participantId;
  const window = roundWindow(round);
  // Free/busy for the whole window plus any extension (getSchedule is chunked by the adapter). The window's
  // dates are read in the person's zone, which can start up to 14 h before the round's own midnight: widen by that.
  const margin = 14 * 3_600_000;
  const startsAt = new Date(Date.parse(window.startsAt) - margin).toISOString();
  const endsAt = new Date(Date.parse(window.endsAt) + experiment.windowExtensionDays * 86_400_000 + margin).toISOString();
  // Working hours and free/busy do not depend on each other, so both are asked at once; when both fail, the
  // mailbox settings' answer is the reason given (it names the mailbox itself).
  const [hoursRead, busyRead] = await Promise.allSettled([
    ports.calendar.getWorkingHours(participantId),
    ports.calendar.getBusy([participantId], { start: startsAt, end: endsAt }),
  ]);
  if (hoursRead.status === 'rejected') throw hoursRead.reason;
  if (busyRead.status === 'rejected') throw busyRead.reason;
  const hours = hoursRead.value;
  const { workingHours, warning } = withUtcFallback({ daysOfWeek: hours.daysOfWeek, startTime: hours.startTime, endTime: hours.endTime, timeZone: hours.timeZone });
  const busy = busyRead.value.get(participantId) ?? [];
  const keep = booked.map((b) => ({ week: b.week, index: b.index, start: b.start, end: b.end }));
  const plan = planPracticeBlocks(planInputFor(round, experiment, { workingHours, busy, now, keep }));
  if (isDomainError(plan)) {
    return { experimentId: experiment.id, roundId: round.id, participantId, status: 'failed', reason: `could not plan: ${plan.message}`, timeZone: workingHours.timeZone, extensionDays: experiment.windowExtensionDays, weeks: [], blocks: [...booked], updatedAt: now };
  }
  const booking: Booking = {
    experimentId: experiment.id,
    roundId: round.id,
    participantId,
    status: 'planned',
    reason: [warning, ...plan.warnings].filter(Boolean).join(' ') || null,
    timeZone: workingHours.timeZone,
    weeks: plan.weeks.map((w) => ({ week: w.week, targetMinutes: w.targetMinutes, plannedMinutes: w.plannedMinutes, shortfall: w.shortfall, shortfallCause: w.shortfallCause })),
    // Kept blocks come back as they were booked (event ids, "not kept" marks); new ones await their event.
    blocks: plan.blocks.map((block) => booked.find((b) => b.week === block.week && b.index === block.index)
      ?? { week: block.week, index: block.index, start: block.start, end: block.end, eventId: null, transactionId: practiceTransactionId(experiment, block) }),
    extensionDays: experiment.windowExtensionDays,
    updatedAt: now,
  };
  // Stored before any event exists: a crash after this point finishes this plan, never a different one.
  await ports.bookings.save(booking, { previous: saved });
  return booking;
}

/**
 * The participant says a block did (not) happen ("kept unless the participant says otherwise"). Only their
 * own blocks, and only once a block has started: nobody pre-cancels protected time here.
 */
export async function markBlockKept(roundId: Round['id'], caller: { userId: UserId }, block: { week: number; index: number }, kept: boolean, reason: string, ports: UseCasePorts): Promise<Booking | DomainError> {
  const booking = await ports.bookings.get(experimentIdFor(roundId, caller.userId));
  if (!booking) return domainError('not_found', 'You have no booked practice time in this round yet.');
  const target = booking.blocks.find((b) => b.week === block.week && b.index === block.index);
  if (!target) return domainError('not_found', `There is no practice block ${block.index + 1} in week ${block.week}.`);
  const now = ports.clock.now().toISOString();
  if (target.start > now) return domainError('conflict', 'This block has not started yet. If the time will not work, move it in Outlook and keep the hours.');
  const trimmed = reason.trim();
  if (!kept && (trimmed.length < 3 || trimmed.length > 300)) return domainError('invalid_input', 'Say in a few words why the block did not happen (3 to 300 characters).', { fieldErrors: { reason: 'Say in a few words why the block did not happen (3 to 300 characters).' } });
  const updated: Booking = {
    ...booking,
    blocks: booking.blocks.map((b) => (b === target ? { ...b, notKept: kept ? null : { by: 'participant' as const, reason: trimmed } } : b)),
    updatedAt: now,
  };
  await ports.bookings.save(updated, { previous: booking });
  return updated;
}
