import { domainError, isDomainError, type DomainError } from '../domain/errors';
import { canManageRound } from '../domain/round';
import { experimentIdFor, type RoundId } from '../domain/roundIds';
import type { UserId } from '../domain/ids';
import type { Booking } from '../ports/bookingRepo';
import { runExperimentCommand } from './experiments';
import type { Caller, UseCasePorts } from './ports';
import { sharebackJob } from './shareback';
import { effect } from './jobKinds';

export const RELEASE_JOB_KIND = 'calendar.release';


/**
 * The participant (or an owner) withdraws: the experiment ends, its future practice blocks leave the
 * calendar (past ones stay: they happened), and the shareback invite is brought up to date.
 */
export async function withdrawExperiment(roundId: RoundId, participantId: UserId, caller: Caller, ports: UseCasePorts) {
  return runExperimentCommand(roundId, participantId, { kind: 'withdraw' }, caller, ports, (withdrawn, round) => [
    effect(RELEASE_JOB_KIND, `release:${withdrawn.id}`, { roundId, participantId }),
    sharebackJob(roundId, round.version * 1000 + withdrawn.version),
  ]);
}

/** Deletes the events of blocks that have not started (or every block, for a cleanup); 404 counts as already gone. */
export async function releasePracticeTime(roundId: RoundId, participantId: UserId, ports: UseCasePorts, options: { includePast: boolean } = { includePast: false }): Promise<number> {
  const booking = await ports.bookings.get(experimentIdFor(roundId, participantId));
  if (!booking) return 0;
  const now = ports.clock.now().toISOString();
  const released = booking.blocks.filter((block) => block.eventId && (options.includePast || block.start > now));
  for (const block of released) await ports.calendar.deleteEvent(participantId, block.eventId!);
  const kept = booking.blocks.filter((block) => !released.includes(block));
  const next: Booking = { ...booking, status: 'released', blocks: kept, updatedAt: now };
  await ports.bookings.save(next, { previous: booking });
  return released.length;
}

export interface RoundCalendarEvent {
  readonly mailbox: UserId;
  readonly eventId: string;
  readonly kind: 'practice' | 'shareback';
  readonly start: string;
  readonly end: string;
}

/** Every event the app created for a round (owners: what a cleanup would remove). */
export async function listRoundEvents(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<RoundCalendarEvent[] | DomainError> {
  const stored = await ports.rounds.get(roundId);
  if (!stored) return domainError('not_found', 'That round does not exist.');
  if (!canManageRound(stored.round, caller)) return domainError('forbidden', 'Only the round’s owners can see and remove its calendar events.');
  const events: RoundCalendarEvent[] = [];
  for (const booking of await ports.bookings.listForRound(roundId)) {
    for (const block of booking.blocks) if (block.eventId) events.push({ mailbox: booking.participantId, eventId: block.eventId, kind: 'practice', start: block.start, end: block.end });
  }
  const shareback = await ports.sharebacks.get(roundId);
  if (shareback) events.push({ mailbox: shareback.organiserId, eventId: shareback.eventId, kind: 'shareback', start: stored.round.shareback.startsAt, end: new Date(Date.parse(stored.round.shareback.startsAt) + stored.round.shareback.durationMinutes * 60_000).toISOString() });
  return events;
}

/** Cleanup: removes every event the app created for the round, in every calendar. */
export async function removeRoundEvents(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<number | DomainError> {
  const events = await listRoundEvents(roundId, caller, ports);
  if (isDomainError(events)) return events;
  let removed = 0;
  for (const booking of await ports.bookings.listForRound(roundId)) removed += await releasePracticeTime(roundId, booking.participantId, ports, { includePast: true });
  const shareback = events.find((event) => event.kind === 'shareback');
  if (shareback) {
    await ports.calendar.deleteEvent(shareback.mailbox, shareback.eventId);
    removed += 1;
  }
  return removed;
}

