import template from './kickoff.json';
import { LOOP_STEPS } from '../domain/loop';
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
   * the card then says the round has started, not that it is about to.
   */
  readonly started?: boolean;
  /** Sent again by an owner after a failed or interrupted delivery: the card says so. */
  readonly resent?: boolean;
}

export function renderKickoffCard(data: KickoffCardData): AdaptiveCardJson {
  return expandTemplate(template, {
    heading: data.resent
      ? `Hi ${data.firstName}, in case you missed it: your practice round${data.started ? ' has started' : ''}`
      : data.started
        ? `Hi ${data.firstName}, your practice round has started: there is still time to join`
        : `Hi ${data.firstName}, your practice round is about to start`,
    roundName: data.roundName,
    roundId: data.roundId,
    windowText: `${data.windowStart} to ${data.windowEnd} (${data.weeks} ${data.weeks === 1 ? 'week' : 'weeks'})`,
    hoursText: `${formatHours(data.hoursPerWeek)} a week, booked in your calendar`,
    sharebackText: data.shareback,
    // What the participant is asked to do in each step of the loop.
    asks: LOOP_STEPS.map(({ number, name, ask }) => ({ number, name, what: ask })),
  });
}
