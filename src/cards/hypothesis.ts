import template from './hypothesis.json';
import type { DomainError } from '../domain/errors';
import { hypothesisSchema, PREFERRED_TIMES, SUGGESTED_UNITS, type Hypothesis, type HypothesisInput } from '../domain/experimentPlan';
import type { FitAssessment } from '../domain/rubric';
import { fieldErrorsOf, invalidInput } from '../domain/validation';
import {
  expandForm, hiddenId, hiddenInt, numberOrNull, placeErrors, readFormValues, readHidden, submittedNumber, topError,
  type FieldErrors, type FormValues,
} from './forms';
import { formatMinutes } from './format';
import { FIT_LABELS, labelOr, PREFERRED_TIME_LABELS, UNIT_LABELS } from './labels';
import type { AdaptiveCardJson } from './render';

/**
 * Step 2: the hypothesis. Input ids are the domain's field paths (`hypothesisSchema`): `measure`,
 * `baseline.value`, `baseline.unit`, `target.value`, `target.unit`, `howWeWillKnow`, `preferredTimes`,
 * `blockMinutes`, `deadlineConflicts`.
 *
 * Units are two choice sets of `SUGGESTED_UNITS` (a unit saved through the tab that is not in the list is
 * offered too, so the value is kept); the domain's "same unit" rule reports under `target.unit`, beside it.
 * No `isRequired` here: "Back to step 1" must work with a half-filled card, so the server checks all.
 * Action.Submit data: `{ verb: 'submitPlan' | 'backToSelection', roundId, expectedVersion }` + the inputs.
 */
export const HYPOTHESIS_INPUT_IDS = [
  'measure', 'baseline.value', 'baseline.unit', 'target.value', 'target.unit',
  'howWeWillKnow', 'preferredTimes', 'blockMinutes', 'deadlineConflicts',
] as const;
export type HypothesisInputId = (typeof HYPOTHESIS_INPUT_IDS)[number];
export type HypothesisValues = FormValues<HypothesisInputId>;

/** 30, 45 … 120: the block lengths the domain accepts. */
export const BLOCK_MINUTES = [30, 45, 60, 75, 90, 105, 120] as const;

export interface HypothesisCardData {
  readonly roundId: string;
  readonly expectedVersion: number;
  /** Step 1's rubric result, as context: "From step 1: Promising fit (20 of 25)" and its warnings; null when not assessed. */
  readonly assessment: FitAssessment | null;
  readonly values?: HypothesisValues;
  readonly errors?: FieldErrors;
  readonly formError?: string;
  /** Offer the practice coach ("Help me sharpen this"); off when the round's owners switched it off. */
  readonly coach?: boolean;
  /** When the reviewer asked for changes: who, when (formatted, e.g. "3 March at 10:04") and what they said. */
  readonly changesRequested?: { readonly reviewerName: string; readonly on: string; readonly comment: string } | null;
}

const ERROR_SLOTS: Readonly<Record<string, readonly string[]>> = {
  measure: ['measure'],
  baselineValue: ['baseline.value', 'baseline'],
  baselineUnit: ['baseline.unit'],
  targetValue: ['target.value', 'target'],
  targetUnit: ['target.unit'],
  howWeWillKnow: ['howWeWillKnow'],
  preferredTimes: ['preferredTimes'],
  blockMinutes: ['blockMinutes'],
  deadlineConflicts: ['deadlineConflicts'],
};

function unitChoices(current: string) {
  const known = SUGGESTED_UNITS.some((unit) => unit === current.toLowerCase());
  return [
    ...SUGGESTED_UNITS.map((unit) => ({ title: labelOr(UNIT_LABELS, unit), value: unit })),
    ...(current.trim() !== '' && !known ? [{ title: current, value: current }] : []),
  ];
}

export function renderHypothesisCard(data: HypothesisCardData): AdaptiveCardJson {
  const values = data.values ?? {};
  const { beside, rest } = placeErrors(ERROR_SLOTS, data.errors);
  const baselineUnit = values['baseline.unit'] ?? '';
  const targetUnit = values['target.unit'] ?? '';
  const changes = data.changesRequested ?? null;
  return expandForm(template, {
    roundId: data.roundId,
    expectedVersion: data.expectedVersion,
    coach: data.coach === true,
    fit: {
      shown: data.assessment !== null,
      line: data.assessment === null ? '' : `${FIT_LABELS[data.assessment.fit]} (${data.assessment.total} of 25)`,
      warnings: (data.assessment?.warnings ?? []).map((warning) => ({ message: warning.message })),
    },
    formError: topError(data.formError, rest),
    changes: {
      shown: changes !== null,
      heading: changes === null ? '' : `${changes.reviewerName} asked for changes on ${changes.on}:`,
      comment: changes?.comment ?? '',
    },
    baselineUnits: unitChoices(baselineUnit),
    targetUnits: unitChoices(targetUnit),
    times: PREFERRED_TIMES.map((time) => ({ title: PREFERRED_TIME_LABELS[time], value: time })),
    blocks: BLOCK_MINUTES.map((minutes) => ({ title: formatMinutes(minutes), value: String(minutes) })),
    v: {
      measure: values.measure ?? '',
      baselineValue: numberOrNull(values['baseline.value']),
      baselineUnit,
      targetValue: numberOrNull(values['target.value']),
      targetUnit,
      howWeWillKnow: values.howWeWillKnow ?? '',
      preferredTimes: values.preferredTimes ?? '',
      blockMinutes: values.blockMinutes ?? '',
      deadlineConflicts: values.deadlineConflicts ?? '',
    },
    e: beside,
  });
}

/** A saved hypothesis as card values. */
export function hypothesisValuesOf(hypothesis: Hypothesis): HypothesisValues {
  return {
    measure: hypothesis.measure,
    'baseline.value': String(hypothesis.baseline.value),
    'baseline.unit': hypothesis.baseline.unit,
    'target.value': String(hypothesis.target.value),
    'target.unit': hypothesis.target.unit,
    howWeWillKnow: hypothesis.howWeWillKnow,
    preferredTimes: hypothesis.preferredTimes,
    blockMinutes: String(hypothesis.blockMinutes),
    deadlineConflicts: hypothesis.deadlineConflicts ?? '',
  };
}

export interface HypothesisSubmission {
  readonly roundId: string;
  readonly expectedVersion: number;
  readonly values: HypothesisValues;
}

export function readHypothesisSubmission(raw: unknown): HypothesisSubmission | null {
  const hidden = readHidden(raw, { roundId: hiddenId, expectedVersion: hiddenInt });
  const values = readFormValues(raw, HYPOTHESIS_INPUT_IDS);
  return hidden === null || values === null ? null : { ...hidden, values };
}

/**
 * The card's values as the domain's `HypothesisInput` for `saveHypothesis`, or the field errors to show.
 * Numbers: empty → missing, not a number → NaN, so the schema's own message appears beside the field.
 */
export function hypothesisInputFromValues(values: HypothesisValues): HypothesisInput | DomainError {
  const parsed = hypothesisSchema.safeParse({
    measure: values.measure ?? '',
    baseline: { value: submittedNumber(values['baseline.value']), unit: values['baseline.unit'] ?? '' },
    target: { value: submittedNumber(values['target.value']), unit: values['target.unit'] ?? '' },
    howWeWillKnow: values.howWeWillKnow ?? '',
    preferredTimes: values.preferredTimes ?? '',
    blockMinutes: submittedNumber(values.blockMinutes),
    deadlineConflicts: values.deadlineConflicts ?? '',
  });
  return parsed.success ? parsed.data : invalidInput(fieldErrorsOf(parsed.error.issues));
}
