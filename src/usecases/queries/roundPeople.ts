import { domainError, isDomainError, type DomainError } from '../../domain/errors';
import { parseUserId, type UserId } from '../../domain/ids';
import { practiceHoursByWeek } from '../../domain/practiceHours';
import type { RoundId } from '../../domain/roundIds';
import type { OwnedRounds, RoundPeople, RoundRoster } from '../../contracts/roundPeople';
import { roundFor } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { DRILL_DOWN_PAGE } from './common';

/**
 * Names and states for up to a page of the round's members (the funnel's drill-down pages through them).
 * The ids are checked after the caller's access, so someone outside the round learns nothing from a refused list.
 */
export async function roundPeopleQuery(roundId: RoundId, requested: readonly string[], caller: Caller, ports: UseCasePorts): Promise<RoundPeople | DomainError> {
  const round = await roundFor(roundId, 'manageRound', 'Only the round’s owners can see who is in the round.', caller, ports);
  if (isDomainError(round)) return round;
  if (requested.length > DRILL_DOWN_PAGE) return domainError('invalid_input', `Ask for at most ${DRILL_DOWN_PAGE} people at a time.`, { fieldErrors: { ids: `At most ${DRILL_DOWN_PAGE} ids.` } });
  const ids = requested.map(parseUserId);
  if (ids.some((id) => id === null)) return domainError('invalid_input', 'ids must be comma-separated user ids.', { fieldErrors: { ids: 'Comma-separated user ids (GUIDs).' } });
  const value = await Promise.all((ids as UserId[]).map(async (userId) => {
    const [member, person, stored] = await Promise.all([ports.roundMembers.get(round.id, userId), ports.directory.getPerson(userId), ports.experiments.get(round.id, userId)]);
    // Someone who is not in this round is not listed: the owner sees their round, not the directory.
    if (!member) return null;
    return { userId, displayName: person?.displayName ?? null, jobTitle: person?.jobTitle ?? null, department: person?.department ?? null, state: stored?.experiment.state ?? 'not started' as const };
  }));
  return { value: value.filter((row) => row !== null) };
}

/** Everyone in the round with their kickoff delivery, experiment state and practice time, for its owners. */
export async function roundRosterQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<RoundRoster | DomainError> {
  const round = await roundFor(roundId, 'manageRound', 'Only the round’s owners can see everyone’s status.', caller, ports);
  if (isDomainError(round)) return round;
  const [members, experiments, bookings, shareback] = await Promise.all([ports.roundMembers.list(roundId), ports.experiments.listForRound(roundId), ports.bookings.listForRound(roundId), ports.sharebacks.get(roundId)]);
  const stateOf = new Map(experiments.map((e) => [e.participantId, e.state]));
  const now = ports.clock.now().toISOString();
  const bookingOf = new Map(bookings.map((b) => [b.participantId, { status: b.status, reason: b.reason, weeks: b.weeks, blocks: b.blocks.length, hours: practiceHoursByWeek(b.blocks, now) }]));
  return {
    round: { ...round, participantIds: members.filter((m) => m.via === 'named').map((m) => m.userId) },
    shareback: shareback ? { joinUrl: shareback.joinUrl, invited: shareback.attendeeEmails.length, tabAdded: shareback.tabAdded } : null,
    people: members.map((m) => ({
      userId: m.userId, via: m.via,
      kickoff: { state: m.delivery, attempts: m.deliveryAttempts, reason: m.deliveryReason, deliveredAt: m.deliveredAt },
      experimentState: stateOf.get(m.userId) ?? 'not started' as const,
      practiceTime: bookingOf.get(m.userId) ?? null,
    })),
  };
}

/** The rounds the caller owns (their own list: nothing to refuse). */
export async function ownedRoundsQuery(caller: Caller, ports: UseCasePorts): Promise<OwnedRounds> {
  return { value: await ports.rounds.listForOwner(caller.userId) };
}
