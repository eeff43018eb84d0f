import type { Experiment } from '../domain/experiment';
import type { UserId } from '../domain/ids';
import type { Round } from '../domain/round';
import { fitOfSelection } from '../domain/rubric';
import { formatShortDateTime } from './format';
import { renderReviewCard, type ReviewCardData } from './review';
import type { AdaptiveCardJson } from './render';

/** Whether the viewer may act, and the names to show: decided by the caller (src/usecases/reviewView.ts), never by the card. */
export interface ReviewViewerData {
  readonly canAct: boolean;
  readonly participantName: string;
  readonly reviewerName: string;
  readonly lastReviewerName: string | null;
}

/** The manager's review card as one viewer sees it (the same card is refreshed per viewer). */
export function reviewCardFor(
  round: Round,
  experiment: Experiment,
  viewer: ReviewViewerData,
  now: string,
  extra: Pick<ReviewCardData, 'values' | 'errors' | 'error'> = {},
): AdaptiveCardJson {
  const { selection, hypothesis } = experiment;
  if (!selection || !hypothesis) throw new Error(`experiment ${experiment.id} has no plan to review`);
  const lastReview = experiment.reviews.at(-1);
  return renderReviewCard({
    experimentId: experiment.id,
    expectedVersion: experiment.version,
    state: experiment.state,
    canAct: viewer.canAct,
    participantName: viewer.participantName,
    roundName: round.name,
    reviewerName: viewer.reviewerName,
    selection,
    hypothesis,
    assessment: fitOfSelection(selection, round),
    lastReview: lastReview ? { decision: lastReview.decision, byName: viewer.lastReviewerName ?? 'Their manager', at: formatShortDateTime(lastReview.at, round.shareback.timeZone, now), comment: lastReview.comment } : null,
    windowExtensionDays: experiment.windowExtensionDays,
    refreshUserIds: [experiment.reviewerId, experiment.participantId, ...round.ownerIds].filter((id): id is UserId => Boolean(id)),
    ...extra,
  });
}

/** The review request a manager gets in chat: the review card as they see it when the request goes out. */
export interface ReviewRequestCardData {
  readonly round: Round;
  readonly experiment: Experiment;
  readonly viewer: ReviewViewerData;
  readonly now: string;
}

export function renderReviewRequestCard(data: ReviewRequestCardData): AdaptiveCardJson {
  return reviewCardFor(data.round, data.experiment, data.viewer, data.now);
}
