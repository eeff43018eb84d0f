import { roundAllows } from '../../domain/access';
import { domainError, isDomainError, type DomainError } from '../../domain/errors';
import { practiceHoursByWeek } from '../../domain/practiceHours';
import { experimentIdFor, type RoundId } from '../../domain/roundIds';
import type { ParticipantViewAnswer, RoundOutlineAnswer } from '../../contracts/participant';
import { relationToRound } from '../access';
import { latestAcknowledgementOf, participantView } from '../experiments';
import type { Caller, UseCasePorts } from '../ports';
import { roundOutline } from './common';

/** The participant's own experiment in a round, with their practice time (blocks, planned vs kept hours per week). */
export async function participantViewQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<ParticipantViewAnswer | DomainError> {
  // The booking is the caller's own (one experiment per person and round): read beside the view, returned only once the view allows it.
  const [view, booking] = await Promise.all([participantView(roundId, caller, ports), ports.bookings.get(experimentIdFor(roundId, caller.userId))]);
  if (isDomainError(view)) return view;
  return {
    roundId, experiment: view.experiment, needsAcknowledgement: view.needsAcknowledgement, policyVersion: view.round.policy.versions.at(-1)?.version ?? null,
    practiceTime: booking ? { status: booking.status, reason: booking.reason, timeZone: booking.timeZone, blocks: booking.blocks, weeks: booking.weeks, hours: practiceHoursByWeek(booking.blocks, ports.clock.now().toISOString()) } : null,
  };
}

/** The round as its participants see it: dates, hours, shareback and the meeting link, the policy they acknowledged. */
export async function roundOutlineQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<RoundOutlineAnswer | DomainError> {
  // Point reads at once; nothing is returned before the round exists and the access policy lets the caller see it.
  const [stored, member, shareback] = await Promise.all([ports.rounds.get(roundId), ports.roundMembers.get(roundId, caller.userId), ports.sharebacks.get(roundId)]);
  if (!stored) return domainError('not_found', 'No such round.');
  const round = stored.round;
  const relation = member ? 'participant' : await relationToRound(round, caller, ports);
  if (!roundAllows(relation, 'takePart') && !roundAllows(relation, 'manageRound')) return domainError('forbidden', 'You are not taking part in this round.');
  const acknowledgement = member ? await latestAcknowledgementOf(member.member, ports) : null;
  return {
    round: roundOutline(round),
    acknowledgedPolicyVersion: acknowledgement?.policyVersion ?? null,
    acknowledgedAt: acknowledgement?.acknowledgedAt ?? null,
    policyText: round.policy.versions.at(-1)?.text ?? null,
    catalogue: round.catalogue,
    meeting: shareback ? { joinUrl: shareback.joinUrl } : null,
  };
}
