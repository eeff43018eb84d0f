import template from './kickoff.json';
import { formatHours } from './format';
import { expandTemplate, type AdaptiveCardJson } from './render';

/** The proactive start-of-round message (one per participant). Dates arrive formatted in the person's zone. */
export interface KickoffCardData {
  readonly roundId: string;
  readonly roundName: string;
  readonly firstName: string;
  /** First and last day of practice, e.g. "Monday 10 March 2025" (`formatDay`). */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly weeks: number;
  readonly hoursPerWeek: number;
  /** The shareback start in the person's zone, e.g. "Monday 31 March 2025 at 15:00 (UK time)" (`formatDateTime`). */
  readonly shareback: string;
  /**
   * True when the window had already opened when the card was sent (a round opened late, a person added later):
   * the card then says the round has started, not that it is about to (issue 15).
   */
  readonly started?: boolean;
}

// What a participant is asked to do, in the product's own words (the loop's steps as actions).
const ASKS = [
  { number: 1, name: 'Pick', what: 'one task that slows you down, an AI tool to try on it, and the number it should move' },
  { number: 2, name: 'Plan', what: 'what you expect to change, from a baseline to a target' },
  { number: 3, name: 'Agree', what: 'get your manager’s OK before you start' },
  { number: 4, name: 'Practise', what: 'use the protected time on your real work' },
  { number: 5, name: 'Journal', what: 'a few lines a week: what worked, what broke, what surprised you' },
  { number: 6, name: 'Share', what: 'what you learned at the shareback' },
] as const;

export function renderKickoffCard(data: KickoffCardData): AdaptiveCardJson {
  return expandTemplate(template, {
    headline: data.started
      ? `Hi ${data.firstName}, your practice round has started: there is still time to join`
      : `Hi ${data.firstName}, your practice round is about to start`,
    firstName: data.firstName,
    roundName: data.roundName,
    roundId: data.roundId,
    windowText: `${data.windowStart} to ${data.windowEnd} (${data.weeks} ${data.weeks === 1 ? 'week' : 'weeks'})`,
    hoursText: `${formatHours(data.hoursPerWeek)} a week, booked in your calendar`,
    sharebackText: data.shareback,
    asks: ASKS,
  });
}
