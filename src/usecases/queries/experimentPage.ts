import { domainError, isDomainError, type DomainError } from '../../domain/errors';
import type { UserId } from '../../domain/ids';
import { experimentIdFor, type RoundId } from '../../domain/roundIds';
import { fitOfSelection } from '../../domain/rubric';
import type { Experiment } from '../../contracts/common';
import type { ExperimentPage } from '../../contracts/experimentPage';
import { loadRound, mayOnPerson } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { hoursOf, roundOutline } from './common';

/**
 * One person's experiment, for the people allowed to see it: the participant, their manager (directory) or the
 * round's owners. Anyone else is refused — a deep link to a colleague's experiment shows nothing of it.
 */
export async function experimentPageQuery(roundId: RoundId, participantId: UserId, caller: Caller, ports: UseCasePorts): Promise<ExperimentPage | DomainError> {
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  if (!(await mayOnPerson(round, participantId, 'readRecords', caller, ports))) {
    return domainError('forbidden', 'This experiment belongs to someone else; only they, their manager and the round’s owners can open it.');
  }
  const [stored, booking, person] = await Promise.all([ports.experiments.get(round.id, participantId), ports.bookings.get(experimentIdFor(round.id, participantId)), ports.directory.getPerson(participantId)]);
  if (!stored) return domainError('not_found', 'This person has not started an experiment in this round yet.');
  const hours = hoursOf(booking, ports.clock.now().toISOString());
  return {
    round: roundOutline(round), participant: { userId: participantId, displayName: person?.displayName ?? null },
    experiment: stored.experiment, fit: stored.experiment.selection ? fitOfSelection(stored.experiment.selection, round) : null, hours,
    booking: booking ? { status: booking.status, reason: booking.reason, blocks: booking.blocks, timeZone: booking.timeZone } : null,
  };
}

/** The experiment as it is stored now (null: none), for a refused change to show what it was refused against. */
export async function experimentAsItStands(roundId: RoundId, participantId: UserId, ports: Pick<UseCasePorts, 'experiments'>): Promise<Experiment | null> {
  return (await ports.experiments.get(roundId, participantId))?.experiment ?? null;
}
