import template from './followUpNeedsTime.json';
import { expandForm, hiddenId, readFormValues, readHidden } from './forms';
import type { AdaptiveCardJson } from './render';

/**
 * To the owner when a manager follow-up found no common free half hour: pick a day and a start (UTC).
 * Verb `pickFollowUpTime` (Action.Submit) with `{ roundId, participantId }` and inputs `date`, `time`;
 * an invalid pick comes back on the same card with the values kept and the error under the inputs.
 */
export interface FollowUpNeedsTimeCardData {
  readonly roundId: string;
  readonly participantId: string;
  readonly participantName: string;
  readonly reason: string;
  readonly suggestedDate: string;
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

export function readFollowUpPick(raw: unknown): { roundId: string; participantId: string; date: string; time: string } | null {
  const hidden = readHidden(raw, { roundId: hiddenId, participantId: hiddenId });
  const values = readFormValues(raw, ['date', 'time'] as const);
  return hidden && values ? { ...hidden, date: values.date ?? '', time: values.time ?? '' } : null;
}
