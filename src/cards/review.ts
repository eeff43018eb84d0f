import template from './review.json';
import { MAX_WINDOW_EXTENSION_DAYS, type ExperimentState } from '../domain/experiment';
import type { Hypothesis, Selection } from '../domain/experimentPlan';
import { RUBRIC_QUESTIONS, type FitAssessment } from '../domain/rubric';
import { ROLE_LABELS, toolName } from '../domain/toolCatalogue';
import { expandForm, hiddenId, hiddenInt, placeErrors, readFormValues, readHidden, submittedNumber, topError, type FieldErrors, type FormValues } from './forms';
import { formatMinutes } from './format';
import { FIT_LABELS, FIT_STYLES, FREQUENCY_LABELS, labelOr, PREFERRED_TIME_LABELS } from './labels';
import type { AdaptiveCardJson } from './render';

/**
 * The manager's review, sent proactively and updated in place with Universal Actions (Action.Execute).
 * Inputs (only while it can be acted on): `comment` (the domain's `approve` / `requestChanges` comment)
 * and `days` (`extendWindow`'s days) — the keys the domain reports errors under.
 * Verbs (Action.Execute `verb`): `approvePlan`, `requestChanges`, `extendWindow`, all with data
 * `{ experimentId, expectedVersion }` + the inputs; `refreshReview` with `{ experimentId }` as the card's
 * `refresh` action, run automatically for `refreshUserIds` (Teams' limit: 60).
 */
export const REVIEW_INPUT_IDS = ['comment', 'days'] as const;
export type ReviewInputId = (typeof REVIEW_INPUT_IDS)[number];
export type ReviewValues = FormValues<ReviewInputId>;

/** Teams runs a card's refresh automatically for at most 60 listed users. */
export const MAX_REFRESH_USER_IDS = 60;

export interface ReviewCardData {
  readonly experimentId: string;
  readonly expectedVersion: number;
  readonly state: ExperimentState;
  /** The viewer may decide: the experiment's reviewer (or an owner/admin), worked out from the directory and the round. */
  readonly canAct: boolean;
  readonly participantName: string;
  readonly roundName: string;
  /** Who the plan is waiting on, for viewers who cannot act ("Waiting for Maria Garcia's review"). */
  readonly reviewerName: string;
  readonly selection: Selection;
  readonly assessment: FitAssessment;
  readonly hypothesis: Hypothesis;
  /** The latest review, with the reviewer's name and the time formatted for the viewer ("3 March at 10:04"). */
  readonly lastReview?: {
    readonly decision: 'approved' | 'changes_requested';
    readonly byName: string;
    readonly at: string;
    readonly comment: string;
  } | null;
  readonly windowExtensionDays: number;
  /** Who gets the automatic refresh: the reviewer, the participant, owners who may see it (first 60 used). */
  readonly refreshUserIds: readonly string[];
  readonly values?: ReviewValues;
  readonly errors?: FieldErrors;
  /** A line at the top, e.g. "This plan changed after this card was sent: here is the current version." */
  readonly error?: string;
}

const ERROR_SLOTS: Readonly<Record<string, readonly string[]>> = { comment: ['comment'], days: ['days'] };

type StatusStyle = 'default' | 'emphasis' | 'good' | 'warning' | 'attention';

function statusOf(data: ReviewCardData): { line: string; comment: string; style: StatusStyle } {
  const review = data.lastReview ?? null;
  const approvedLine = review !== null && review.decision === 'approved'
    ? `Approved by ${review.byName} on ${review.at}`
    : 'Approved';
  switch (data.state) {
    case 'draft':
      return { line: 'Not sent for review yet.', comment: '', style: 'default' };
    case 'submitted':
      return { line: data.canAct ? 'Waiting for your review.' : `Waiting for ${data.reviewerName}'s review.`, comment: '', style: 'emphasis' };
    case 'changes_requested':
      return review !== null && review.decision === 'changes_requested'
        ? { line: `Changes requested by ${review.byName} on ${review.at}:`, comment: review.comment, style: 'warning' }
        : { line: 'Changes requested.', comment: '', style: 'warning' };
    case 'approved':
    case 'practising':
    case 'sharing':
    case 'decided': {
      const later = data.state === 'approved' ? '' : ` · now ${data.state === 'practising' ? 'practising' : data.state === 'sharing' ? 'sharing' : 'decided'}`;
      return { line: `${approvedLine}${later}`, comment: review?.decision === 'approved' ? review.comment : '', style: 'good' };
    }
    case 'withdrawn':
      return { line: 'Withdrawn', comment: '', style: 'default' };
  }
}

function measurement(value: number, unit: string): string {
  return `${value} ${unit}`;
}

export function renderReviewCard(data: ReviewCardData): AdaptiveCardJson {
  const { selection, hypothesis, assessment } = data;
  const { beside, rest } = placeErrors(ERROR_SLOTS, data.errors);
  const values = data.values ?? {};
  const status = statusOf(data);
  const daysLeft = Math.max(0, MAX_WINDOW_EXTENSION_DAYS - data.windowExtensionDays);
  const actionable = data.canAct && data.state === 'submitted';
  const tool = selection.tool.kind === 'catalogue'
    ? `${selection.tool.entry.name} (${selection.tool.entry.vendor})`
    : `${toolName(selection.tool)} (not on the round's list)`;
  return expandForm(template, {
    experimentId: data.experimentId,
    expectedVersion: data.expectedVersion,
    refreshUserIds: data.refreshUserIds.slice(0, MAX_REFRESH_USER_IDS),
    participantName: data.participantName,
    subtitle: `${ROLE_LABELS[selection.role]} · ${data.roundName}`,
    error: topError(data.error, rest),
    status: {
      ...status,
      extension: data.windowExtensionDays > 0
        ? `The practice window is extended by ${data.windowExtensionDays} ${data.windowExtensionDays === 1 ? 'day' : 'days'}.`
        : '',
    },
    selectionDetails: [
      { label: 'What slows them down', text: selection.frictionPoint.description },
      { label: 'How often', text: FREQUENCY_LABELS[selection.frictionPoint.frequency] },
      { label: 'Time it takes today', text: `${formatMinutes(selection.frictionPoint.minutesToday)} each time` },
      { label: 'Tool', text: tool },
      { label: 'KPI it should move', text: selection.kpi },
      { label: 'Support', text: selection.supportNamed ?? 'Nobody named yet' },
    ],
    fit: {
      label: FIT_LABELS[assessment.fit],
      style: FIT_STYLES[assessment.fit],
      total: assessment.total,
      summary: assessment.summary,
      warnings: assessment.warnings.map((warning) => ({ message: warning.message })),
      scores: RUBRIC_QUESTIONS.map((q) => ({ label: q.label, score: selection.scores[q.id] })),
    },
    hypothesisDetails: [
      { label: 'Measure', text: hypothesis.measure },
      { label: 'Today → target', text: `${measurement(hypothesis.baseline.value, hypothesis.baseline.unit)} → ${measurement(hypothesis.target.value, hypothesis.target.unit)}` },
      { label: 'How they will know', text: hypothesis.howWeWillKnow },
      { label: 'Practice time', text: `${labelOr(PREFERRED_TIME_LABELS, hypothesis.preferredTimes)}, blocks of ${formatMinutes(hypothesis.blockMinutes)}` },
      { label: 'Deadlines to keep clear', text: hypothesis.deadlineConflicts ?? 'None given' },
    ],
    actionable,
    canExtend: daysLeft > 0,
    dayChoices: Array.from({ length: daysLeft }, (_, i) => ({ title: `${i + 1} ${i === 0 ? 'day' : 'days'}`, value: String(i + 1) })),
    v: { comment: values.comment ?? '', days: values.days ?? '' },
    e: beside,
  });
}

export interface ReviewSubmission {
  readonly experimentId: string;
  readonly expectedVersion: number;
  readonly values: ReviewValues;
  /** `days` as a number for `extendWindow` (undefined when empty, NaN when not a number: the domain says so). */
  readonly days: number | undefined;
}

/** Reads `activity.value.action.data` of an approve / request-changes / extend invoke; null when it is not this card's. */
export function readReviewSubmission(raw: unknown): ReviewSubmission | null {
  const hidden = readHidden(raw, { experimentId: hiddenId, expectedVersion: hiddenInt });
  const values = readFormValues(raw, REVIEW_INPUT_IDS);
  return hidden === null || values === null ? null : { ...hidden, values, days: submittedNumber(values.days) };
}

/** Reads the `refreshReview` data. */
export function readReviewRefresh(raw: unknown): { experimentId: string } | null {
  return readHidden(raw, { experimentId: hiddenId });
}
