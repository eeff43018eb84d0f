import type { Experiment } from '../domain/experiment';
import type { UserId } from '../domain/ids';
import { canManageRound, type Round } from '../domain/round';
import { fitOfSelection } from '../domain/rubric';
import type { DirectoryPort } from '../ports/directory';
import { formatShortDateTime } from './format';
import { renderReviewCard, type ReviewCardData } from './review';
import type { AdaptiveCardJson } from './render';

/**
 * The manager's review card as one viewer sees it (the same card is refreshed per viewer): whether they
 * may act is worked out from the round and the experiment, never from the card.
 */
export async function reviewCardFor(
  round: Round,
  experiment: Experiment,
  viewer: { userId: UserId; isAdmin: boolean },
  context: { directory: DirectoryPort; now: string },
  extra: Pick<ReviewCardData, 'values' | 'errors' | 'error'> = {},
): Promise<AdaptiveCardJson> {
  const { selection, hypothesis } = experiment;
  if (!selection || !hypothesis) throw new Error(`experiment ${experiment.id} has no plan to review`);
  const name = async (id: UserId | null, fallback: string) => (id ? (await context.directory.getPerson(id))?.displayName ?? fallback : fallback);
  const lastReview = experiment.reviews.at(-1);
  const isReviewer = viewer.userId === experiment.reviewerId;
  return renderReviewCard({
    experimentId: experiment.id,
    expectedVersion: experiment.version,
    state: experiment.state,
    canAct: experiment.state === 'submitted' && (isReviewer || canManageRound(round, viewer)) && viewer.userId !== experiment.participantId,
    participantName: await name(experiment.participantId, 'This person'),
    roundName: round.name,
    reviewerName: await name(experiment.reviewerId, 'their manager'),
    selection,
    hypothesis,
    assessment: fitOfSelection(selection, round),
    lastReview: lastReview ? { decision: lastReview.decision, byName: await name(lastReview.by, 'Their manager'), at: formatShortDateTime(lastReview.at, round.shareback.timeZone, context.now), comment: lastReview.comment } : null,
    windowExtensionDays: experiment.windowExtensionDays,
    refreshUserIds: [experiment.reviewerId, experiment.participantId, ...round.ownerIds].filter((id): id is UserId => Boolean(id)),
    ...extra,
  });
}
