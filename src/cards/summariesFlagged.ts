import template from './summariesFlagged.json';
import { expandForm } from './forms';
import type { AdaptiveCardJson } from './render';

/** To the round's owners the day before the shareback: whose summary is not marked ready. */
export function renderSummariesFlaggedCard(data: { roundName: string; people: readonly { name: string }[] }): AdaptiveCardJson {
  return expandForm(template, { intro: `In “${data.roundName}”, ${data.people.length} ${data.people.length === 1 ? 'person has' : 'people have'} not marked their summary ready:`, people: data.people });
}
