import template from './notice.json';
import { expandTemplate, type AdaptiveCardJson } from './render';

/** A short card for things that went sideways (an old button, a hiccup); always offers the way forward. */
export interface NoticeCardData {
  readonly title: string;
  readonly message: string;
}

export function renderNoticeCard(data: NoticeCardData): AdaptiveCardJson {
  return expandTemplate(template, data);
}
