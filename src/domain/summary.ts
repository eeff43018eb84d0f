import { z } from 'zod';
import { DateTime } from 'luxon';
import { instantOrThrow, type IsoInstant } from './time';
import { characterCount, optionalText } from './validation';

/**
 * The shareback summary of one experiment (step 5). The app drafts it from the records (the plan, the
 * weekly journal, the saved assets, the hours); the participant edits it and marks it ready. Their words
 * win: an edited field replaces the draft's, and a re-draft (new journal entries) never overwrites an edit.
 * Nothing here rates the work: the summary says what the person reports, in their words.
 *
 * The drafting input is a small structural type so it does not depend on how journals and assets are stored.
 */
export interface SummaryJournalFacts {
  readonly weekStart: string;
  readonly improved: string;
  readonly broke: string;
  readonly surprised: string;
  readonly taught: string;
  readonly hoursPractised: number;
}

export interface SummaryAssetFacts {
  readonly title: string;
  readonly url: string | null;
  readonly kind: string;
  readonly shared: boolean;
}

export interface SummaryFacts {
  readonly tool: string;
  /** The friction point: the task the tool was tried on. */
  readonly task: string;
  /** The role/use-case label and the KPI it could move. */
  readonly useCase: string;
  readonly hypothesis: { readonly measure: string; readonly baseline: { value: number; unit: string }; readonly target: { value: number; unit: string } } | null;
  readonly journals: readonly SummaryJournalFacts[];
  readonly assets: readonly SummaryAssetFacts[];
}

/** The parts a participant can edit (all text, each at most SUMMARY_FIELD_MAX characters). */
export const SUMMARY_TEXT_FIELDS = ['worked', 'failed', 'keepTesting', 'resultNow'] as const;
export type SummaryTextField = (typeof SUMMARY_TEXT_FIELDS)[number];
export const SUMMARY_FIELD_MAX = 1500;

export interface SummaryContent {
  readonly tool: string;
  readonly task: string;
  readonly useCase: string;
  /** "Minutes per weekly report: 90 minutes → 45 minutes" or '' without a hypothesis. */
  readonly hypothesis: string;
  readonly baseline: { value: number; unit: string } | null;
  readonly target: { value: number; unit: string } | null;
  /** What the participant reports now, as a number in the hypothesis' unit (null: not said). */
  readonly resultValue: number | null;
  readonly resultNow: string;
  readonly worked: string;
  readonly failed: string;
  readonly keepTesting: string;
  readonly assets: readonly { readonly title: string; readonly url: string | null; readonly kind: string }[];
  readonly hoursPractised: number;
}

function clamp(text: string): string {
  const chars = [...text];
  return chars.length <= SUMMARY_FIELD_MAX ? text : `${chars.slice(0, SUMMARY_FIELD_MAX - 1).join('')}…`;
}

/** One line per week that has something to say, oldest first: "Week of 2 Mar: cut the first draft to 20 min". */
function weekly(journals: readonly SummaryJournalFacts[], field: 'improved' | 'broke' | 'surprised' | 'taught'): string {
  return [...journals]
    .sort((a, b) => a.weekStart.localeCompare(b.weekStart))
    .filter((entry) => entry[field].trim() !== '')
    .map((entry) => `Week of ${DateTime.fromISO(entry.weekStart, { zone: 'UTC' }).toFormat('d LLL')}: ${entry[field].trim()}`)
    .join('\n');
}

export function draftSummary(facts: SummaryFacts): SummaryContent {
  const h = facts.hypothesis;
  const surprised = weekly(facts.journals, 'surprised');
  return {
    tool: facts.tool,
    task: facts.task,
    useCase: facts.useCase,
    hypothesis: h ? `${h.measure}: ${h.baseline.value} ${h.baseline.unit} → ${h.target.value} ${h.target.unit}` : '',
    baseline: h ? h.baseline : null,
    target: h ? h.target : null,
    resultValue: null,
    resultNow: '',
    worked: clamp(weekly(facts.journals, 'improved')),
    failed: clamp(weekly(facts.journals, 'broke')),
    keepTesting: clamp(surprised === '' ? '' : `What surprised me and I would test further:\n${surprised}`),
    // Only what the person chose to share is linked in a meeting everyone sees.
    assets: facts.assets.filter((asset) => asset.shared).map((asset) => ({ title: asset.title, url: asset.url, kind: asset.kind })),
    hoursPractised: Math.round(facts.journals.reduce((sum, entry) => sum + Math.max(0, entry.hoursPractised), 0) * 4) / 4,
  };
}

const resultMessage = 'Give what you see now as a number, or leave it empty.';
export const summaryEditSchema = z.object({
  worked: optionalText(SUMMARY_FIELD_MAX, `Keep “what worked” to ${SUMMARY_FIELD_MAX.toLocaleString('en-GB')} characters.`),
  failed: optionalText(SUMMARY_FIELD_MAX, `Keep “what failed” to ${SUMMARY_FIELD_MAX.toLocaleString('en-GB')} characters.`),
  keepTesting: optionalText(SUMMARY_FIELD_MAX, `Keep “what you would keep testing” to ${SUMMARY_FIELD_MAX.toLocaleString('en-GB')} characters.`),
  resultNow: optionalText(SUMMARY_FIELD_MAX, `Keep “where it stands now” to ${SUMMARY_FIELD_MAX.toLocaleString('en-GB')} characters.`),
  resultValue: z.number({ invalid_type_error: resultMessage }).finite({ message: resultMessage }).nullable().optional(),
});
export type SummaryEdits = { -readonly [K in SummaryTextField]?: string } & { resultValue?: number | null };

/** The participant's version: each field they wrote replaces the draft's (an empty edit clears the field on purpose). */
export function effectiveSummary(draft: SummaryContent, edits: SummaryEdits): SummaryContent {
  const merged: Record<string, unknown> = { ...draft };
  for (const field of SUMMARY_TEXT_FIELDS) if (edits[field] !== undefined) merged[field] = edits[field];
  if (edits.resultValue !== undefined) merged.resultValue = edits.resultValue;
  return merged as unknown as SummaryContent;
}

export type HypothesisOutcome = 'met' | 'partly' | 'not' | 'unknown';

/**
 * Where the participant's own reported figure stands against their baseline → target: met when it reached
 * the target (either direction: 90 → 45 minutes, now 40 = met), partly when it moved toward it, not otherwise.
 * This reads the hypothesis, not the person: it is their own number.
 */
export function hypothesisOutcome(summary: Pick<SummaryContent, 'baseline' | 'target' | 'resultValue'>): HypothesisOutcome {
  const { baseline, target, resultValue } = summary;
  if (!baseline || !target || resultValue === null) return 'unknown';
  const wanted = target.value - baseline.value;
  if (wanted === 0) return 'unknown';
  const progress = (resultValue - baseline.value) / wanted;
  return progress >= 1 ? 'met' : progress > 0 ? 'partly' : 'not';
}

/* ---------- review timing ---------- */

export const SUMMARY_REVIEW = {
  /** The review card goes out this many days before the meeting (one to two weeks: the first check from 14 days on). */
  opensDaysBefore: 14,
  /** Not ready by this many days before → flagged to the owner. */
  flagDaysBefore: 1,
} as const;

export interface SummaryReviewState {
  readonly ready: boolean;
  readonly reviewRequestedAt: IsoInstant | null;
  readonly flaggedAt: IsoInstant | null;
}

/** What the daily summary check should do for one summary now: ask for review, flag to the owner, or nothing. */
export function summaryReviewStep(state: SummaryReviewState | null, meetingStartsAt: IsoInstant, now: IsoInstant): 'request-review' | 'flag' | 'none' {
  const start = instantOrThrow(meetingStartsAt);
  const at = instantOrThrow(now);
  if (at >= start) return 'none';
  // Ready, or already flagged to the owner (a review card the day before helps nobody).
  if (state?.ready || state?.flaggedAt) return 'none';
  if (at >= start.minus({ days: SUMMARY_REVIEW.flagDaysBefore })) return 'flag';
  if (at >= start.minus({ days: SUMMARY_REVIEW.opensDaysBefore }) && !state?.reviewRequestedAt) return 'request-review';
  return 'none';
}

export function summaryLength(content: SummaryContent): number {
  return SUMMARY_TEXT_FIELDS.reduce((sum, field) => sum + characterCount(content[field]), 0);
}
