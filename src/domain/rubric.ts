import { z } from 'zod';

/**
 * The selection rubric: five questions a person answers about an IDEA (a friction point plus a tool),
 * 1 to 5, where 5 is always the favourable end. The result describes how well the idea fits the
 * time and support available; it never rates the person (docs/decisions/0006-never-rate-the-person.md).
 */
export const RUBRIC_QUESTION_IDS = ['relevance', 'kpiImpact', 'learningCurve', 'interest', 'riskSupport'] as const;
export type RubricQuestionId = (typeof RUBRIC_QUESTION_IDS)[number];

export interface RubricQuestion {
  readonly id: RubricQuestionId;
  readonly label: string;
  readonly question: string;
  /** What a 1 means. */
  readonly low: string;
  /** What a 5 means (always the favourable end). */
  readonly high: string;
}

export const RUBRIC_QUESTIONS: readonly RubricQuestion[] = [
  {
    id: 'relevance',
    label: 'Relevance',
    question: 'Does this tackle a real problem you run into often?',
    low: 'It rarely comes up in my work.',
    high: 'A problem I hit every day.',
  },
  {
    id: 'kpiImpact',
    label: 'KPI impact',
    question: 'If it works, how far could it move a number you are already measured on?',
    low: 'Hardly any visible change to my KPIs.',
    high: 'A big move on my KPI.',
  },
  {
    id: 'learningCurve',
    label: 'Learning curve',
    question: 'Can you learn this with the time and skills you have right now?',
    low: 'Out of reach in the time I have.',
    high: 'Realistic to learn in the time I have.',
  },
  {
    id: 'interest',
    label: 'Interest',
    question: 'How keen are you to dig into this tool or idea?',
    low: 'I would only do it because I was asked to.',
    high: 'I really want to explore this.',
  },
  {
    id: 'riskSupport',
    label: 'Risk and support',
    question: 'If it goes wrong, how much is at stake, and is there help at hand?',
    low: 'High stakes and nobody to turn to.',
    high: 'Low risk, and support is in place.',
  },
];

export function rubricQuestion(id: RubricQuestionId): RubricQuestion {
  const found = RUBRIC_QUESTIONS.find((question) => question.id === id);
  if (found === undefined) throw new Error(`unknown rubric question ${id}`);
  return found;
}

function scoreSchema(id: RubricQuestionId) {
  const message = `Score "${rubricQuestion(id).label}" with a whole number from 1 to 5.`;
  return z.number({ required_error: message, invalid_type_error: message }).int({ message }).min(1, { message }).max(5, { message });
}

export const rubricScoresSchema = z.object({
  relevance: scoreSchema('relevance'),
  kpiImpact: scoreSchema('kpiImpact'),
  learningCurve: scoreSchema('learningCurve'),
  interest: scoreSchema('interest'),
  riskSupport: scoreSchema('riskSupport'),
});
export type RubricScores = z.infer<typeof rubricScoresSchema>;

export type Fit = 'strong' | 'promising' | 'reconsider';

export type FitWarningId =
  | 'steepForHours'
  | 'steepEvenWithTime'
  | 'riskWithoutSupport'
  | 'lowRelevance'
  | 'hardToShowResult'
  | 'lowInterest';

export interface FitWarning {
  readonly id: FitWarningId;
  readonly question: RubricQuestionId;
  readonly message: string;
}

export interface FitInput {
  readonly scores: RubricScores;
  /** The round's protected practice time. */
  readonly hoursPerWeek: number;
  readonly weeks: number;
  /** True when the person named someone they can turn to (a colleague, their manager, an expert). */
  readonly supportNamed: boolean;
}

export interface FitAssessment {
  /** 5–25: the sum of the five scores. */
  readonly total: number;
  readonly fit: Fit;
  readonly summary: string;
  readonly warnings: readonly FitWarning[];
}

/** A score at or below this is a concern worth a note; 3 is "neither here nor there" and passes quietly. */
export const CONCERN_AT_OR_BELOW = 2;
/** At or below this many hours a week, a hard-to-learn tool leaves little time for real practice. */
export const FEW_HOURS_PER_WEEK = 2;
/** Totals that decide the band (see `fitBand`). */
export const STRONG_FROM_TOTAL = 20;
export const RECONSIDER_UP_TO_TOTAL = 12;
export const RECONSIDER_FROM_WARNINGS = 3;

function hours(value: number): string {
  return `${value} ${value === 1 ? 'hour' : 'hours'}`;
}

/**
 * Warnings, each about one question and only when that question scored 2 or less:
 * - learningCurve ≤ 2 with ≤ 2 h/week → steepForHours ("steep for 2 hours a week (6 hours over 3 weeks)").
 *   learningCurve 2 with 2.5 h/week → no note; learningCurve 1 with 2.5 h/week → steepEvenWithTime,
 *   because a 1 says "out of reach" whatever the hours.
 * - riskSupport ≤ 2 and nobody named → riskWithoutSupport; riskSupport 2 with someone named → no note.
 * - relevance ≤ 2 → lowRelevance; kpiImpact ≤ 2 → hardToShowResult; interest ≤ 2 → lowInterest.
 */
function warningsFor(input: FitInput): FitWarning[] {
  const { scores, hoursPerWeek, weeks, supportNamed } = input;
  const warnings: FitWarning[] = [];
  const concern = (score: number): boolean => score <= CONCERN_AT_OR_BELOW;

  if (concern(scores.relevance)) {
    warnings.push({
      id: 'lowRelevance',
      question: 'relevance',
      message: 'This problem may not come up often enough to practise on: a friction point you meet every week gives you more chances to try the tool.',
    });
  }
  if (concern(scores.kpiImpact)) {
    warnings.push({
      id: 'hardToShowResult',
      question: 'kpiImpact',
      message: 'It may be hard to show a result: pick a measure this work can move within the practice window, or tie it to a different KPI.',
    });
  }
  if (concern(scores.learningCurve) && hoursPerWeek <= FEW_HOURS_PER_WEEK) {
    warnings.push({
      id: 'steepForHours',
      question: 'learningCurve',
      message: `The learning curve looks steep for ${hours(hoursPerWeek)} a week (${hours(hoursPerWeek * weeks)} over ${weeks} weeks): start with one small task, or ask your manager for more protected time.`,
    });
  } else if (scores.learningCurve === 1) {
    warnings.push({
      id: 'steepEvenWithTime',
      question: 'learningCurve',
      message: `You rated this hard to learn even with ${hours(hoursPerWeek)} a week: narrow the first task so real practice starts in the first week.`,
    });
  }
  if (concern(scores.interest)) {
    warnings.push({
      id: 'lowInterest',
      question: 'interest',
      message: 'This idea does not sound like one you are keen on: something you want to explore is easier to keep going for the whole window.',
    });
  }
  if (concern(scores.riskSupport) && !supportNamed) {
    warnings.push({
      id: 'riskWithoutSupport',
      question: 'riskSupport',
      message: 'The stakes look high and nobody is named for support: name a colleague, your manager or an expert you can turn to, or choose a lower-stakes task.',
    });
  }
  return warnings;
}

/**
 * Bands, checked in this order:
 * - reconsider: total ≤ 12, or 3 or more warnings.   2,2,2,3,3 → 12 → reconsider; 2,2,5,2,5 → 16 with 3 notes → reconsider
 * - strong: total ≥ 20 and no warnings.              4,4,4,4,4 → 20 → strong; 5,5,5,5,2 with support named → 22 → strong
 * - promising: everything else.                      3,3,3,3,3 → 15; 5,5,2,5,5 at 2 h/week → 22 with 1 note → promising
 */
function fitBand(total: number, warningCount: number): Fit {
  if (total <= RECONSIDER_UP_TO_TOTAL || warningCount >= RECONSIDER_FROM_WARNINGS) return 'reconsider';
  if (total >= STRONG_FROM_TOTAL && warningCount === 0) return 'strong';
  return 'promising';
}

function summaryOf(fit: Fit, total: number, warningCount: number): string {
  const notes = warningCount === 1 ? 'the note below' : `the ${warningCount} notes below`;
  switch (fit) {
    case 'strong':
      return `A strong fit (${total} of 25): this idea matches the time and support you have, with nothing that needs a second look.`;
    case 'promising':
      return warningCount === 0
        ? `A promising fit (${total} of 25): nothing stands out as a risk, and a sharper problem or measure could make it stronger.`
        : `A promising fit (${total} of 25): read ${notes} before you send your plan.`;
    case 'reconsider':
      return warningCount === 0
        ? `Worth another look (${total} of 25): a different friction point or tool may give you a better practice window.`
        : `Worth another look (${total} of 25): ${notes} show where this idea may struggle, and a different friction point or tool may suit you better.`;
  }
}

export function assessFit(input: FitInput): FitAssessment {
  const { scores } = input;
  const total = scores.relevance + scores.kpiImpact + scores.learningCurve + scores.interest + scores.riskSupport;
  const warnings = warningsFor(input);
  const fit = fitBand(total, warnings.length);
  return { total, fit, summary: summaryOf(fit, total, warnings.length), warnings };
}

/**
 * The fit of a saved or typed selection in a round: the one call behind the chat card, the REST answers
 * (`PUT …/me/selection`, the manager's team row, the experiment deep link) and the tab's plan editor, so
 * every surface shows the same band and notes. Support counts as named when the field has any text.
 */
export function fitOfSelection(
  selection: { readonly scores: RubricScores; readonly supportNamed?: string | null },
  round: { readonly hoursPerWeek: number; readonly window: { readonly weeks: number } },
): FitAssessment {
  return assessFit({ scores: selection.scores, hoursPerWeek: round.hoursPerWeek, weeks: round.window.weeks, supportNamed: Boolean(selection.supportNamed?.trim()) });
}
