import type {
  CoachAnswer, LibraryAnswer, LibraryCoachInput, PlanAdvice, PlanCoachInput, SummaryDraft, ToolCoachInput, ToolSuggestions,
} from '../domain/coach';
import type { SummaryFacts } from '../domain/summary';

export interface CoachCallOptions {
  readonly abortSignal?: AbortSignal;
}

/**
 * The practice coach, one method per feature. Every input has been through the sensitive-data check and
 * redacted by the use case before it reaches a coach. Every answer says who wrote it (`by`): the basic
 * coach's rules, or the tenant's model; a model coach that fails answers from the basic coach with a note.
 * The use case applies the checks every answer gets (catalogue tools only, offered sources only).
 */
export interface Coach {
  /** 'model' when a model is configured (it may still answer from the rules on a failure). */
  readonly kind: 'basic' | 'model';
  sharpenPlan(input: PlanCoachInput, options?: CoachCallOptions): Promise<CoachAnswer<PlanAdvice>>;
  suggestTools(input: ToolCoachInput, options?: CoachCallOptions): Promise<CoachAnswer<ToolSuggestions>>;
  draftSummary(input: SummaryFacts, options?: CoachCallOptions): Promise<CoachAnswer<SummaryDraft>>;
  askLibrary(input: LibraryCoachInput, options?: CoachCallOptions): Promise<CoachAnswer<LibraryAnswer>>;
}
