import template from './planStatus.json';
import { expandForm } from './forms';
import type { AdaptiveCardJson } from './render';

/**
 * A short proactive notice to the participant about their plan. Only "changes requested" has a button:
 * Action.Submit `{ verb: 'reviseExperiment', roundId }`, which brings the hypothesis card back with the
 * saved values and the reviewer's comment.
 */
export type PlanStatusCardData =
  | { readonly kind: 'submitted'; readonly reviewerName: string }
  | { readonly kind: 'approved'; readonly reviewerName: string; readonly comment?: string }
  | { readonly kind: 'changes_requested'; readonly reviewerName: string; readonly comment: string; readonly roundId: string }
  | { readonly kind: 'window_extended'; readonly reviewerName: string; readonly days: number; readonly newEnd: string };

function view(data: PlanStatusCardData) {
  const base = { comment: '', commentHeading: '', next: '', revisable: false, roundId: '' };
  switch (data.kind) {
    case 'submitted':
      return {
        ...base,
        title: 'Your plan is on its way',
        message: `Your plan was sent to ${data.reviewerName} for review.`,
        next: 'We will let you know here as soon as they decide. You can’t change the plan while it is being reviewed.',
      };
    case 'approved':
      return {
        ...base,
        title: 'Your plan is approved',
        message: `${data.reviewerName} approved your plan; your practice time gets booked in your calendar next.`,
        comment: data.comment ?? '',
        commentHeading: `${data.reviewerName} added:`,
        next: 'Look out for the practice blocks in Outlook. Move them if they clash, but keep the time.',
      };
    case 'changes_requested':
      return {
        ...base,
        title: `${data.reviewerName} asked for changes`,
        message: `${data.reviewerName} would like a few changes before you start.`,
        comment: data.comment,
        commentHeading: `${data.reviewerName} wrote:`,
        next: 'Your answers are kept: change what they asked for and send the plan again.',
        revisable: true,
        roundId: data.roundId,
      };
    case 'window_extended':
      return {
        ...base,
        title: 'You have more time',
        message: `${data.reviewerName} extended your practice window by ${data.days} ${data.days === 1 ? 'day' : 'days'}; it now ends on ${data.newEnd}.`,
      };
  }
}

export function renderPlanStatusCard(data: PlanStatusCardData): AdaptiveCardJson {
  return expandForm(template, view(data));
}
