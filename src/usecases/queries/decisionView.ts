import { describeDecision } from '../../domain/decision';
import { domainError, isDomainError, type DomainError } from '../../domain/errors';
import type { UserId } from '../../domain/ids';
import type { RoundId } from '../../domain/roundIds';
import type { DecisionViewAnswer } from '../../contracts/meeting';
import { loadRound, mayOnPerson } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { personOf } from '../sharebackSession';

/** Owners, the participant and their manager see the decision, its history and what its effects did. */
export async function decisionView(roundId: RoundId, participantId: UserId, caller: Caller, ports: UseCasePorts): Promise<DecisionViewAnswer | DomainError> {
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  const allowed = await mayOnPerson(round, participantId, 'readRecords', caller, ports);
  if (!allowed) return domainError('forbidden', 'Only the person, their manager and the round’s owners can see this decision.');
  const [experiment, effects] = await Promise.all([ports.experiments.get(roundId, participantId), ports.sharebackSessions.getEffects(roundId, participantId)]);
  if (!experiment) return domainError('not_found', 'This person has no experiment in this round.');
  const decision = experiment.experiment.decision;
  const names = new Map<string, string>();
  if (decision) for (const id of [decision.ownerId, decision.internalOwnerId].filter(Boolean) as string[]) names.set(id, (await personOf(id, ports)).name);
  return {
    participantId, state: experiment.experiment.state, version: experiment.experiment.version, decision,
    summary: decision ? describeDecision(decision, (id) => names.get(id) ?? id) : null,
    effects: effects?.value.outcomes ?? {},
  };
}
