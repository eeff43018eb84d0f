import template from './summaryReview.json';
import type { SummaryContent } from '../domain/summary';
import { formatDay } from './format';
import { expandForm, hiddenId, numberOrNull, placeErrors, readFormValues, readHidden, topError, type FieldErrors, type FormValues } from './forms';
import type { AdaptiveCardJson } from './render';

/**
 * One to two weeks before the shareback: the participant reviews the drafted summary, edits it (their
 * words win) and marks it ready. Verb `saveSummary` (Action.Submit) with `{ roundId }`; input ids are the
 * summary's field names, so errors land beside them and the person's values come back as typed.
 */
export const SUMMARY_INPUT_IDS = ['resultNow', 'resultValue', 'worked', 'failed', 'keepTesting', 'ready'] as const;
export type SummaryInputId = (typeof SUMMARY_INPUT_IDS)[number];

export interface SummaryReviewCardData {
  readonly roundId: string;
  readonly roundName: string;
  readonly meetingDay: string;
  readonly summary: SummaryContent;
  readonly ready: boolean;
  readonly values?: FormValues<SummaryInputId>;
  readonly errors?: FieldErrors;
  readonly error?: string;
  readonly saved?: string;
  /** Offer "Draft with the coach" (off when the round's owners switched the coach off). */
  readonly coach?: boolean;
  /** Fields holding the coach's draft, labelled as drafted until the person changes them. */
  readonly coachDrafted?: readonly string[];
}

const SLOTS = { resultNow: ['resultNow'], resultValue: ['resultValue'], worked: ['worked'], failed: ['failed'], keepTesting: ['keepTesting'] } as const;

export function renderSummaryReviewCard(data: SummaryReviewCardData): AdaptiveCardJson {
  const s = data.summary;
  const { beside, rest } = placeErrors(SLOTS, data.errors);
  return expandForm(template, {
    roundId: data.roundId,
    coach: data.coach === true,
    labels: Object.fromEntries(([['worked', 'What worked'], ['failed', 'What failed'], ['keepTesting', 'What you would keep testing']] as const)
      .map(([field, label]) => [field, data.coachDrafted?.includes(field) ? `${label} (drafted by the coach: change it to make it yours)` : label])),
    intro: `The shareback of “${data.roundName}” is on ${data.meetingDay}. We drafted this from your plan and journal: change anything, it is your summary, then mark it ready.`,
    tool: s.tool || '—', task: s.task || '—', hypothesis: s.hypothesis || '—', hours: String(s.hoursPractised),
    assets: s.assets.length === 0 ? 'none yet' : s.assets.map((a) => a.title).join(', '),
    resultLabel: s.target ? `What you see now, in ${s.target.unit} (your target was ${s.target.value})` : 'What you see now, as a number (optional)',
    values: {
      resultNow: s.resultNow, resultValue: s.resultValue === null ? '' : String(s.resultValue), worked: s.worked, failed: s.failed, keepTesting: s.keepTesting,
      ready: data.ready ? 'true' : 'false', ...data.values,
    },
    resultValue: numberOrNull(data.values?.resultValue ?? (s.resultValue === null ? '' : String(s.resultValue))),
    errors: beside,
    error: topError(data.error, rest),
    saved: data.saved ?? '',
  });
}

/** The review request before the shareback: the card above, with the meeting's date (ISO, in the round's zone) formatted here. */
export type SummaryReviewRequestCardData = Omit<SummaryReviewCardData, 'meetingDay'> & { readonly meetingDate: string };

export function renderSummaryReviewRequestCard(data: SummaryReviewRequestCardData): AdaptiveCardJson {
  const { meetingDate, ...rest } = data;
  return renderSummaryReviewCard({ ...rest, meetingDay: formatDay(meetingDate) });
}

export function readSummarySubmission(raw: unknown): { roundId: string; values: FormValues<SummaryInputId> } | null {
  const hidden = readHidden(raw, { roundId: hiddenId });
  const values = readFormValues(raw, SUMMARY_INPUT_IDS);
  return hidden && values ? { roundId: hidden.roundId, values } : null;
}
