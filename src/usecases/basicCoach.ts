import {
  BASIC_COACH_NOTE, basicLibraryAnswer, basicPlanAdvice, basicSummaryDraft, basicToolSuggestions, type CoachAnswer, type CoachFeature,
} from '../domain/coach';
import type { Coach } from '../ports/coach';

const basic = <T>(value: T): CoachAnswer<T> => ({ value, by: 'basic', note: BASIC_COACH_NOTE });

/**
 * The embedded coach: the domain's deterministic rules behind the `Coach` port. It needs no model, no key and
 * no network, so every coach feature answers with nothing configured, and a model coach falls back to it.
 */
export function createBasicCoach(options: { readonly log?: (line: CoachLogLine) => void } = {}): Coach {
  const run = <T>(feature: CoachFeature, answer: () => T): Promise<CoachAnswer<T>> => {
    const started = performance.now();
    const value = answer();
    options.log?.({ feature, outcome: 'basic', attempts: 0, tokensIn: 0, tokensOut: 0, latencyMs: Math.round(performance.now() - started) });
    return Promise.resolve(basic(value));
  };
  return {
    kind: 'basic',
    sharpenPlan: (input) => run('sharpenPlan', () => basicPlanAdvice(input)),
    suggestTools: (input) => run('suggestTools', () => basicToolSuggestions(input)),
    draftSummary: (input) => run('draftSummary', () => basicSummaryDraft(input)),
    askLibrary: (input) => run('askLibrary', () => basicLibraryAnswer(input)),
  };
}

/** One log line per coach call: what, how it ended, how much, how long — never the text. */
export interface CoachLogLine {
  readonly feature: CoachFeature;
  readonly outcome: string;
  readonly attempts: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly latencyMs: number;
}
