import type { TurnContext } from 'botbuilder';
import { readReviewRefresh, readReviewSubmission } from '../../cards/review';
import { reviewCardFor } from '../../cards/reviewView';
import { reviewCardView } from '../../usecases/reviewView';
import { renderNoticeCard } from '../../cards/notice';
import type { AdaptiveCardJson } from '../../cards/render';
import { isDomainError, type DomainError } from '../../domain/errors';
import { experimentKeyOf } from '../../domain/roundIds';
import { reviewPlan, type ReviewAction } from '../../usecases/experiments';
import type { BotDependencies } from '../dependencies';
import { callerOf } from '../reply';

/**
 * The manager's review card (Action.Execute): approve, request changes, extend, and the refresh every
 * viewer's client asks for. The answer is the card as this viewer should now see it; a second click
 * is a no-op in the domain and just shows the current state.
 */
type ReviewVerb = 'approvePlan' | 'requestChanges' | 'extendWindow';

const notice = (message: string): AdaptiveCardJson => renderNoticeCard({ title: 'This plan could not be updated', message });

async function currentCard(experimentId: string, context: TurnContext, deps: BotDependencies, extra: { errors?: Record<string, string>; error?: string; values?: Record<string, string> } = {}): Promise<AdaptiveCardJson> {
  const key = experimentKeyOf(experimentId);
  const caller = callerOf(context, deps);
  if (!key || !caller) return notice('This card is not linked to a plan any more.');
  const view = await reviewCardView(key.roundId, key.participantId, caller, deps.ports);
  if (isDomainError(view)) return notice(view.message);
  return reviewCardFor(view.round, view.experiment, view.viewer, deps.clock.now().toISOString(), extra);
}

export function onReviewAction(verb: ReviewVerb) {
  return async (context: TurnContext, deps: BotDependencies, data: unknown): Promise<AdaptiveCardJson> => {
    const submission = readReviewSubmission(data);
    const key = submission ? experimentKeyOf(submission.experimentId) : null;
    const caller = callerOf(context, deps);
    if (!submission || !key || !caller) return notice('This card is not linked to a plan any more.');
    const comment = (submission.values.comment ?? '').trim();
    const action: ReviewAction = verb === 'approvePlan' ? { kind: 'approve', comment: comment || undefined }
      : verb === 'requestChanges' ? { kind: 'requestChanges', comment }
        : { kind: 'extendWindow', days: submission.days ?? Number.NaN };
    const outcome = await reviewPlan(key.roundId, key.participantId, action, submission.expectedVersion, caller, deps.ports);
    if (isDomainError(outcome)) {
      const error: DomainError = outcome;
      deps.logger.info({ activityId: context.activity.id, verb, kind: error.kind }, 'review action refused');
      return currentCard(submission.experimentId, context, deps, {
        values: submission.values as Record<string, string>,
        errors: error.kind === 'invalid_input' ? error.fieldErrors : undefined,
        error: error.kind === 'invalid_input' && error.fieldErrors && Object.keys(error.fieldErrors).length > 0 ? undefined : error.message,
      });
    }
    return currentCard(submission.experimentId, context, deps);
  };
}

export async function onRefreshReview(context: TurnContext, deps: BotDependencies, data: unknown): Promise<AdaptiveCardJson> {
  const refresh = readReviewRefresh(data);
  return refresh ? currentCard(refresh.experimentId, context, deps) : notice('This card is not linked to a plan any more.');
}
