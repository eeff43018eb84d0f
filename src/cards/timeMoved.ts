import template from './timeMoved.json';
import { expandForm } from './forms';
import type { AdaptiveCardJson } from './render';

/** After the daily check: what moved (each with "Put it back") and what found no room. Times formatted for the reader. */
export interface TimeMovedCardData {
  readonly roundId: string;
  readonly moves: readonly { readonly from: string; readonly to: string; readonly week: number; readonly index: number; readonly fromStart: string; readonly fromEnd: string }[];
  readonly unplaced: readonly { readonly when: string }[];
}

export function renderTimeMovedCard(data: TimeMovedCardData): AdaptiveCardJson {
  // expandForm drops what an empty `$data` list leaves behind (null), so the card stays valid.
  return expandForm(template, data);
}
