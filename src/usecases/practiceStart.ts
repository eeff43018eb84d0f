import { needsAcknowledgement } from '../domain/acknowledgement';
import { isDomainError } from '../domain/errors';
import type { Experiment } from '../domain/experiment';
import { roundWindow, type Round } from '../domain/round';
import { runExperimentCommand } from './experiments';
import type { Caller, UseCasePorts } from './ports';

/**
 * Step 3 begins by itself: nobody has to press "start". When a round's window has begun, every approved
 * experiment moves to `practising` — the state machine's own transition, so the funnel, the dashboard and
 * the journal all read one truth. The domain still refuses it while the person owes an acknowledgement of
 * the current policy (or their tool's terms); they were asked to re-acknowledge when it changed, and the
 * next run starts them once they have.
 */
export interface PracticeStartOutcome {
  readonly started: number;
  /** Approved, window open, but the current policy (or tool terms) is not acknowledged yet. */
  readonly waitingForAcknowledgement: number;
}

export async function startDuePractice(ports: UseCasePorts): Promise<PracticeStartOutcome> {
  const outcome = { started: 0, waitingForAcknowledgement: 0 };
  const now = ports.clock.now().toISOString();
  for (const roundId of await ports.rounds.listOpen()) {
    const stored = await ports.rounds.get(roundId);
    if (!stored || now < roundWindow(stored.round).startsAt) continue;
    const approved = (await ports.experiments.listForRound(roundId)).filter((e) => e.state === 'approved');
    for (const experiment of approved) {
      const result = await startPracticeFor(stored.round, experiment, ports);
      if (result === 'started') outcome.started++;
      if (result === 'waiting') outcome.waitingForAcknowledgement++;
    }
  }
  return outcome;
}

async function startPracticeFor(round: Round, experiment: Experiment, ports: UseCasePorts): Promise<'started' | 'waiting' | 'unchanged'> {
  const ack = await ports.acknowledgements.latest(round.id, experiment.participantId);
  const tool = experiment.selection?.tool;
  const acknowledgedCurrentPolicy = !needsAcknowledgement(round, ack, tool ? { tool } : {});
  if (!acknowledgedCurrentPolicy) return 'waiting';
  // The app acts for the participant here (their booked time has begun); the history records it as theirs.
  const onBehalfOf: Caller = { userId: experiment.participantId, tenantId: experiment.tenantId, displayName: '', isAdmin: false, mayCreateRounds: false };
  const result = await runExperimentCommand(round.id, experiment.participantId, { kind: 'startPractice', acknowledgedCurrentPolicy }, onBehalfOf, ports);
  if (isDomainError(result)) return 'unchanged'; // e.g. withdrawn between the listing and now
  return result.changed ? 'started' : 'unchanged';
}
