import {
  BASIC_COACH_NOTE, basicChatIntent, basicLibraryAnswer, basicPlanAdvice, basicSummaryDraft, basicToolSuggestions, type CoachAnswer,
} from '../domain/coach';
import type { Coach } from '../ports/coach';

const basic = <T>(value: T): CoachAnswer<T> => ({ value, by: 'basic', note: BASIC_COACH_NOTE });

/**
 * The embedded coach: the domain's deterministic rules behind the `Coach` port. It needs no model, no key and
 * no network, so every coach feature answers with nothing configured, and a model coach falls back to it.
 */
export function createBasicCoach(): Coach {
  return {
    kind: 'basic',
    sharpenPlan: async (input) => basic(basicPlanAdvice(input)),
    suggestTools: async (input) => basic(basicToolSuggestions(input)),
    draftSummary: async (input) => basic(basicSummaryDraft(input)),
    askLibrary: async (input) => basic(basicLibraryAnswer(input)),
    interpretText: async (input) => basic(basicChatIntent(input.message)),
  };
}
