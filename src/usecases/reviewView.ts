import type { Experiment } from '../domain/experiment';
import type { UserId } from '../domain/ids';
import type { AccessActor } from '../domain/access';
import type { Round } from '../domain/round';
import { domainError, type DomainError } from '../domain/errors';
import type { RoundId } from '../domain/roundIds';
import { mayOnPerson } from './access';
import type { UseCasePorts } from './ports';

/** What the review card needs besides the experiment: whether this viewer may decide, and the people's names. */
export interface ReviewViewer {
  readonly canAct: boolean;
  readonly participantName: string;
  readonly reviewerName: string;
  /** The name of whoever wrote the latest review; null when there is none. */
  readonly lastReviewerName: string | null;
}

/**
 * The review card is refreshed per viewer: whether they may act comes from the round and the experiment
 * (the reviewer, or an owner/admin, never the participant, and only while the plan waits), names from the directory.
 */
export async function reviewViewerFor(round: Round, experiment: Experiment, viewer: AccessActor, ports: Pick<UseCasePorts, 'directory' | 'rounds' | 'roundMembers' | 'sharebacks' | 'experiments'>): Promise<ReviewViewer> {
  const name = async (id: UserId | null, fallback: string) => (id ? (await ports.directory.getPerson(id))?.displayName ?? fallback : fallback);
  const lastReview = experiment.reviews.at(-1);
  return {
    // The access policy decides: the reviewer, an owner or an admin, never the participant; the state machine, whether the plan still waits.
    canAct: experiment.state === 'submitted' && (await mayOnPerson(round, experiment.participantId, 'reviewPlan', viewer, ports, experiment.reviewerId)),
    participantName: await name(experiment.participantId, 'This person'),
    reviewerName: await name(experiment.reviewerId, 'their manager'),
    lastReviewerName: lastReview ? await name(lastReview.by, 'Their manager') : null,
  };
}

/**
 * The review card as this viewer should see it now: the round, the plan and the viewer's part in it. The card carries
 * the whole plan, so only those the access policy lets read it get it; anyone else is told nothing about the plan.
 */
export async function reviewCardView(roundId: RoundId, participantId: UserId, viewer: AccessActor, ports: Pick<UseCasePorts, 'directory' | 'rounds' | 'roundMembers' | 'sharebacks' | 'experiments'>): Promise<{ round: Round; experiment: Experiment; viewer: ReviewViewer } | DomainError> {
  const [round, stored] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId)]);
  if (!round || !stored) return domainError('not_found', 'This plan no longer exists.');
  if (!(await mayOnPerson(round.round, participantId, 'readRecords', viewer, ports, stored.experiment.reviewerId))) {
    return domainError('forbidden', 'This plan is not yours to see: only the person, the manager it was sent to and the round’s owners can open it.');
  }
  return { round: round.round, experiment: stored.experiment, viewer: await reviewViewerFor(round.round, stored.experiment, viewer, ports) };
}
