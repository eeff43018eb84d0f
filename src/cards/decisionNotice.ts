import template from './decisionNotice.json';
import { expandForm } from './forms';
import type { AdaptiveCardJson } from './render';

/** Tells a participant what was decided on their experiment (and again when an owner edits it). */
export interface DecisionNoticeCardData {
  readonly roundName: string;
  readonly tool: string;
  readonly revised: boolean;
  /** One line from describeDecision. */
  readonly decision: string;
  readonly note: string;
  readonly dashboardUrl: string;
}

export function renderDecisionNoticeCard(data: DecisionNoticeCardData): AdaptiveCardJson {
  const about = data.tool ? `your experiment with ${data.tool}` : 'your experiment';
  return expandForm(template, {
    ...data,
    title: data.revised ? 'The decision on your experiment was updated' : 'What happens next with your experiment',
    intro: `At the shareback of “${data.roundName}”, the owners decided on ${about}:`,
  });
}
