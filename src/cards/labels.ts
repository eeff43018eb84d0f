import type { Fit } from '../domain/rubric';
import type { Frequency, PreferredTimes } from '../domain/experimentPlan';
import type { ExperimentState } from '../domain/experiment';

/** Words the cards show for the domain's codes (the domain keeps codes; people read these). */
export const FREQUENCY_LABELS: Readonly<Record<Frequency, string>> = {
  daily: 'Every day',
  'few-times-a-week': 'A few times a week',
  weekly: 'Every week',
  monthly: 'Every month',
};

export const PREFERRED_TIME_LABELS: Readonly<Record<PreferredTimes, string>> = {
  mornings: 'Mornings',
  afternoons: 'Afternoons',
  'no-preference': 'No preference',
};

export const FIT_LABELS: Readonly<Record<Fit, string>> = {
  strong: 'Strong fit',
  promising: 'Promising fit',
  reconsider: 'Worth another look',
};

/** Container style per band: green for strong, neutral for promising, amber for "worth another look". */
export const FIT_STYLES: Readonly<Record<Fit, 'good' | 'emphasis' | 'warning'>> = {
  strong: 'good',
  promising: 'emphasis',
  reconsider: 'warning',
};

export const UNIT_LABELS: Readonly<Record<string, string>> = {
  minutes: 'minutes',
  hours: 'hours',
  count: 'count (how many)',
  percent: 'percent',
  score: 'score',
};

export const STATE_LABELS: Readonly<Record<ExperimentState, string>> = {
  draft: 'Draft',
  submitted: 'Waiting for review',
  changes_requested: 'Changes requested',
  approved: 'Approved',
  practising: 'Practising',
  sharing: 'Sharing',
  decided: 'Decided',
  withdrawn: 'Withdrawn',
};

export function labelOr<K extends string>(labels: Readonly<Record<K, string>>, key: string): string {
  const table: Readonly<Record<string, string>> = labels;
  return table[key] ?? key;
}
