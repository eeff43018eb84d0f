import template from './notice.json';
import { expandTemplate, type AdaptiveCardJson } from './render';

/** A short card for things that went sideways (an old button, a hiccup); always offers the way forward. */
export interface NoticeCardData {
  readonly title: string;
  readonly message: string;
  /**
   * A refusal that waits for a policy confirmation: a button that opens the confirmation card
   * of that round ("startExperiment" shows whatever the person owes first, here the policy).
   */
  readonly confirmPolicy?: { readonly roundId: string; readonly policyVersion: number };
}

export function renderNoticeCard(data: NoticeCardData): AdaptiveCardJson {
  return expandTemplate(template, {
    title: data.title, message: data.message,
    confirmRoundId: data.confirmPolicy?.roundId ?? '',
    confirmTitle: data.confirmPolicy ? `Confirm version ${data.confirmPolicy.policyVersion} of the policy` : '',
  });
}
