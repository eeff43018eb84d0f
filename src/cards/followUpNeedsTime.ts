import { z } from 'zod';
import template from './followUpNeedsTime.json';
import { expandForm, hiddenId, readFormValues, readHidden } from './forms';
import { renderNoticeCard } from './notice';
import type { AdaptiveCardJson } from './render';

/**
 * To the owner when a manager follow-up found no common free half hour: pick a day and a start in their own
 * time zone (named on the card and carried back, so the pick means what the owner saw).
 * Verb `pickFollowUpTime` (Action.Submit) with `{ roundId, participantId, timeZone }` and inputs `date`, `time`;
 * an invalid pick comes back on the same card with the values kept and the error under the inputs.
 */
export interface FollowUpNeedsTimeCardData {
  readonly roundId: string;
  readonly participantId: string;
  readonly participantName: string;
  readonly reason: string;
  readonly suggestedDate: string;
  /** The owner's IANA zone: the day and time on the card are read in it. */
  readonly timeZone: string;
  readonly dashboardUrl: string;
  readonly values?: { date?: string; time?: string };
  readonly errorStart?: string;
  readonly error?: string;
  readonly booked?: string;
}

export function renderFollowUpNeedsTimeCard(data: FollowUpNeedsTimeCardData): AdaptiveCardJson {
  return expandForm(template, {
    ...data, date: data.values?.date ?? data.suggestedDate, time: data.values?.time ?? '10:00',
    errorStart: data.errorStart ?? '', error: data.error ?? '', booked: data.booked ?? '',
  });
}

/**
 * What the owner gets when a decision's effect needs them: the follow-up's time to pick (the card above), or word
 * that the carry-over is waiting for a next round (a notice with the effect's reason).
 */
export type NeedsOwnerCardData =
  | ({ readonly effect: 'book-follow-up' } & FollowUpNeedsTimeCardData)
  | { readonly effect: 'carry-over'; readonly participantName: string; readonly reason: string };

export function renderNeedsOwnerCard(data: NeedsOwnerCardData): AdaptiveCardJson {
  if (data.effect === 'carry-over') return renderNoticeCard({ title: `${data.participantName}'s next round is waiting`, message: data.reason });
  const { effect: _effect, ...followUp } = data;
  return renderFollowUpNeedsTimeCard(followUp);
}

export function readFollowUpPick(raw: unknown): { roundId: string; participantId: string; timeZone: string; date: string; time: string } | null {
  const hidden = readHidden(raw, { roundId: hiddenId, participantId: hiddenId, timeZone: z.string().max(64).catch('UTC') });
  const values = readFormValues(raw, ['date', 'time'] as const);
  return hidden && values ? { ...hidden, date: values.date ?? '', time: values.time ?? '' } : null;
}
