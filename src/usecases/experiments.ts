import { acknowledge, needsAcknowledgement, type AcknowledgeInput, type PolicyAcknowledgement } from '../domain/acknowledgement';
import { domainError, isDomainError, type DomainError } from '../domain/errors';
import { applyCommand, COMMAND_RULES, newExperiment, type Experiment, type ExperimentCommand, type ExperimentRelation } from '../domain/experiment';
import type { HypothesisInput, SelectionInput } from '../domain/experimentPlan';
import type { UserId } from '../domain/ids';
import type { Round } from '../domain/round';
import { managesRound } from '../domain/access';
import { loadRound, relationToPerson } from './access';
import type { RoundId } from '../domain/roundIds';
import type { RoundMember, StoredRoundMember } from '../ports/roundRepo';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../ports/storageErrors';
import { effect, type Effect } from './jobKinds';
import { experimentOutbox, saveWithEffects } from './outbox';
import type { Caller, UseCasePorts } from './ports';

/** What a participant's next card depends on: the round, their experiment (if any) and their latest acknowledgement. */
export interface ParticipantView {
  readonly round: Round;
  readonly experiment: Experiment | null;
  readonly acknowledgement: PolicyAcknowledgement | null;
  /** True when the current policy version (and the chosen tool's terms) still need their confirmation. */
  readonly needsAcknowledgement: boolean;
}


/** Only people in the round (named, or under one of its managers) take part in it: their member row, or why not. */
function participantOf(round: Round, member: StoredRoundMember | null): StoredRoundMember | DomainError {
  if (round.status === 'draft') return domainError('conflict', "This round hasn't opened yet.");
  return member ?? domainError('forbidden', `You are not part of “${round.name}”. Ask its programme owner if you would like to join.`);
}

async function requireParticipant(round: Round, userId: UserId, ports: UseCasePorts): Promise<DomainError | null> {
  const participant = participantOf(round, round.status === 'draft' ? null : await ports.roundMembers.get(round.id, userId));
  return isDomainError(participant) ? participant : null;
}

/** The latest acknowledgement, from the member row already read (rows from before it was copied there ask the acknowledgements). */
export async function latestAcknowledgementOf(member: RoundMember, ports: Pick<UseCasePorts, 'acknowledgements'>): Promise<PolicyAcknowledgement | null> {
  return member.latestAcknowledgement !== undefined ? member.latestAcknowledgement : ports.acknowledgements.latest(member.roundId, member.userId);
}

export async function participantView(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<ParticipantView | DomainError> {
  // Three point reads at once (the round's own rows, the person's member row, their experiment); nothing is shown before the checks.
  const [round, member, stored] = await Promise.all([loadRound(roundId, ports), ports.roundMembers.get(roundId, caller.userId), ports.experiments.get(roundId, caller.userId)]);
  if (isDomainError(round)) return round;
  const participant = participantOf(round, member);
  if (isDomainError(participant)) return participant;
  const acknowledgement = await latestAcknowledgementOf(participant.member, ports);
  const experiment = stored?.experiment ?? null;
  const tool = experiment?.selection?.tool;
  return { round, experiment, acknowledgement, needsAcknowledgement: needsAcknowledgement(round, acknowledgement, tool ? { tool } : {}) };
}

/** The caller's view in the first of their rounds that is open (null: they take part in no open round), for "show my plan" in chat. */
export async function openParticipantView(caller: Caller, ports: UseCasePorts): Promise<ParticipantView | null> {
  for (const roundId of await ports.roundMembers.roundsOf(caller.userId)) {
    const view = await participantView(roundId, caller, ports);
    if (!isDomainError(view) && view.round.status === 'open') return view;
  }
  return null;
}

/**
 * The participant confirms the current safe-use policy and the tool's terms; their draft experiment
 * is created on first confirmation (its id is derived, so a second confirmation finds the same one).
 */
export async function acknowledgePolicy(roundId: RoundId, input: Omit<AcknowledgeInput, 'userId'>, caller: Caller, ports: UseCasePorts): Promise<ParticipantView | DomainError> {
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  const refused = await requireParticipant(round, caller.userId, ports);
  if (refused) return refused;
  const now = ports.clock.now().toISOString();
  const ack = acknowledge(round, { ...input, userId: caller.userId }, now);
  if (isDomainError(ack)) return ack;
  await ports.acknowledgements.record(ack);
  let stored = await ports.experiments.get(roundId, caller.userId);
  if (!stored) {
    try {
      stored = await ports.experiments.create(newExperiment(roundId, caller.userId, caller.tenantId, now));
    } catch (error) {
      if (!(error instanceof EntityAlreadyExistsError)) throw error;
      stored = await ports.experiments.get(roundId, caller.userId);
    }
  }
  return { round, experiment: stored?.experiment ?? null, acknowledgement: ack, needsAcknowledgement: false };
}

/** The state machine's relation the caller holds for this command, from the access policy's relation to the person. */
async function relationFor(kind: ExperimentCommand['kind'], caller: Caller, experiment: Experiment, round: Round, ports: UseCasePorts): Promise<ExperimentRelation | null> {
  const relation = await relationToPerson(round, experiment.participantId, caller, ports, experiment.reviewerId);
  const holds: Record<ExperimentRelation, boolean> = {
    participant: relation === 'self',
    reviewer: relation === 'reviewer',
    // An owner taking part is 'self' to their own experiment, and still an owner for the commands only owners run.
    owner: relation === 'owner' || relation === 'admin' || (relation === 'self' && managesRound(round, caller)),
  };
  return COMMAND_RULES[kind].relations.find((r) => holds[r]) ?? null;
}

export interface ExperimentChange {
  readonly round: Round;
  readonly experiment: Experiment;
  readonly changed: boolean;
  /** The effects saved with the change (its outbox) and handed to their queues. */
  readonly effects: readonly Effect[];
}

/** The effects of a change, decided from the experiment as it will be saved (ids derive from it, e.g. its version). */
export type EffectsOfChange = (after: Experiment, round: Round) => readonly Effect[];

type CommandWithoutActor = DistributiveOmit<ExperimentCommand, 'actor'>;
type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

/**
 * Load, decide, save for one experiment: the caller's relation comes from the round and the experiment,
 * the decision from the domain, and the write is conditional on the ETag read (a lost race is retried
 * once from fresh state; a stale card is caught by `expectedVersion` in the domain).
 */
export async function runExperimentCommand(roundId: RoundId, participantId: UserId, command: CommandWithoutActor, caller: Caller, ports: UseCasePorts, effectsOf?: EffectsOfChange): Promise<ExperimentChange | DomainError> {
  return runExperimentCommands(roundId, participantId, () => [command], caller, ports, effectsOf);
}

/**
 * Several commands decided together and saved once: either all of them apply or nothing is written (deciding on
 * a practising experiment moves it to sharing and records the decision; a refused decision must not leave it moved).
 * `commandsFor` sees the experiment as stored, so the sequence can depend on its state. `effectsOf` names what the
 * change hands off: saved in the experiment's outbox in the same transaction, then queued (see outbox.ts).
 */
export async function runExperimentCommands(
  roundId: RoundId, participantId: UserId, commandsFor: (experiment: Experiment) => readonly CommandWithoutActor[], caller: Caller, ports: UseCasePorts,
  effectsOf: EffectsOfChange = () => [],
): Promise<ExperimentChange | DomainError> {
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  for (let attempt = 1; ; attempt++) {
    const stored = await ports.experiments.get(roundId, participantId);
    if (!stored) return domainError('not_found', participantId === caller.userId ? 'There is no experiment here yet: start by confirming the safe-use policy.' : 'This person has not started an experiment in this round yet, so there is nothing of theirs to act on.');
    let experiment = stored.experiment;
    let changed = false;
    const now = ports.clock.now().toISOString();
    for (const command of commandsFor(stored.experiment)) {
      const relation = await relationFor(command.kind, caller, experiment, round, ports);
      if (!relation) {
        const whose = participantId === caller.userId ? 'your' : "this person's";
        return domainError('forbidden', command.kind === 'approve' || command.kind === 'requestChanges'
          ? `Only the manager this plan was sent to can review it, and you are not ${whose} reviewer.`
          : `You can't do that on ${whose} experiment.`);
      }
      const result = applyCommand(experiment, { ...command, actor: { userId: caller.userId, relation } } as ExperimentCommand, now);
      if (isDomainError(result)) return result;
      experiment = result.experiment;
      changed ||= result.changed;
    }
    if (!changed) return { round, experiment, changed: false, effects: [] };
    const effects = effectsOf(experiment, round);
    try {
      // The recovery goes first: if it cannot be queued nothing is saved; if the hand-off after the save fails, it sends the effects.
      const saved = await saveWithEffects(experimentOutbox(roundId, participantId), effects, ports, (outbox) => ports.experiments.update(experiment, stored.etag, { outbox }));
      return { round, experiment: saved.experiment, changed: true, effects };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || attempt >= 2) throw error;
    }
  }
}

export async function saveSelection(roundId: RoundId, selection: SelectionInput, expectedVersion: number | undefined, caller: Caller, ports: UseCasePorts) {
  return runExperimentCommand(roundId, caller.userId, { kind: 'saveSelection', selection, expectedVersion }, caller, ports);
}

/** Who reviews a plan: the person's manager in the directory, or the round's first owner when they have none. */
export async function reviewerFor(participantId: UserId, round: Round, ports: UseCasePorts): Promise<UserId | null> {
  const manager = await ports.directory.getManager(participantId);
  if (manager) return manager.id;
  return round.ownerIds.find((owner) => owner !== participantId) ?? null;
}

export const REVIEW_REQUEST_JOB_KIND = 'review.request';
export const PLAN_NOTICE_JOB_KIND = 'plan.notice';

/** Saves the hypothesis and sends the plan to the reviewer (step 2 → manager review). */
export async function submitPlan(roundId: RoundId, hypothesis: HypothesisInput, expectedVersion: number | undefined, caller: Caller, ports: UseCasePorts): Promise<ExperimentChange | DomainError> {
  const saved = await runExperimentCommand(roundId, caller.userId, { kind: 'saveHypothesis', hypothesis, expectedVersion }, caller, ports);
  if (isDomainError(saved)) return saved;
  const reviewerId = await reviewerFor(caller.userId, saved.round, ports);
  if (!reviewerId) return domainError('conflict', 'Nobody can review your plan yet: you have no manager in the directory and the round has no other owner. Ask your programme owner.');
  const ack = await ports.acknowledgements.latest(roundId, caller.userId);
  const tool = saved.experiment.selection?.tool;
  const acknowledgedCurrentPolicy = !needsAcknowledgement(saved.round, ack, tool ? { tool } : {});
  // The participant sees the outcome on the card they submitted; the reviewer is asked in their own chat.
  return runExperimentCommand(roundId, caller.userId, { kind: 'submit', acknowledgedCurrentPolicy, reviewerId, expectedVersion: saved.experiment.version }, caller, ports,
    (submitted) => [effect(REVIEW_REQUEST_JOB_KIND, `review:${submitted.id}:${submitted.version}`, { roundId, participantId: caller.userId })]);
}

export type ReviewAction =
  | { readonly kind: 'approve'; readonly comment?: string }
  | { readonly kind: 'requestChanges'; readonly comment: string }
  | { readonly kind: 'extendWindow'; readonly days: number };

export const BOOKING_JOB_KIND = 'calendar.book';

/** What a review hands off: the booking (on approval, or more blocks for an extended window) and the participant's notice. */
export function reviewEffects(action: ReviewAction, experiment: Experiment): Effect[] {
  const { roundId, participantId } = experiment;
  return [
    // The calendar feature's worker books the practice blocks from this message (idempotent by experiment id).
    ...(action.kind === 'approve' ? [effect(BOOKING_JOB_KIND, `book:${experiment.id}`, { roundId, participantId, experimentId: experiment.id })] : []),
    // Already booked: the booking worker tops the plan up with blocks for the added days.
    ...(action.kind === 'extendWindow' && (experiment.state === 'approved' || experiment.state === 'practising')
      ? [effect(BOOKING_JOB_KIND, `book:${experiment.id}:ext${experiment.windowExtensionDays}`, { roundId, participantId, experimentId: experiment.id })] : []),
    ...(action.kind !== 'extendWindow' ? [effect(PLAN_NOTICE_JOB_KIND, `notice:${experiment.id}:${experiment.version}`, { roundId, participantId })] : []),
  ];
}

/** The manager's decision on a plan (from the review card or the dashboard: the same code). */
export async function reviewPlan(roundId: RoundId, participantId: UserId, action: ReviewAction, expectedVersion: number | undefined, caller: Caller, ports: UseCasePorts): Promise<ExperimentChange | DomainError> {
  return runExperimentCommand(roundId, participantId, { ...action, expectedVersion }, caller, ports, (experiment) => reviewEffects(action, experiment));
}
