import type { Experiment } from '../domain/experiment';
import type { UserId } from '../domain/ids';
import { canManageRound, type Round } from '../domain/round';
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
export async function reviewViewerFor(round: Round, experiment: Experiment, viewer: { userId: UserId; isAdmin: boolean }, ports: Pick<UseCasePorts, 'directory'>): Promise<ReviewViewer> {
  const name = async (id: UserId | null, fallback: string) => (id ? (await ports.directory.getPerson(id))?.displayName ?? fallback : fallback);
  const isReviewer = viewer.userId === experiment.reviewerId;
  const lastReview = experiment.reviews.at(-1);
  return {
    canAct: experiment.state === 'submitted' && (isReviewer || canManageRound(round, viewer)) && viewer.userId !== experiment.participantId,
    participantName: await name(experiment.participantId, 'This person'),
    reviewerName: await name(experiment.reviewerId, 'their manager'),
    lastReviewerName: lastReview ? await name(lastReview.by, 'Their manager') : null,
  };
}
