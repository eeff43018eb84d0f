import { z } from 'zod';
import { RUBRIC_QUESTION_IDS, assessFit, rubricQuestion, type RubricQuestionId, type RubricScores } from './rubric';
import { draftSummary, type SummaryFacts } from './summary';
import { OTHER_TOOL_ID, toolsForRole, type Role, type ToolCatalogueEntry } from './toolCatalogue';

/**
 * The practice coach: help at the points where people get stuck — sharpening a plan, picking a
 * tool, drafting the shareback, finding what colleagues learned, and understanding free text in chat.
 * It helps and never grades: no output here holds a figure about a person or their work (no-grading test).
 *
 * This module holds what every coach shares: the answer shapes (zod, so a model's JSON is checked against
 * exactly what the basic coach produces), the checks that apply to any answer (tools outside the round's
 * catalogue are dropped, sources the asker may not see are dropped), and the basic coach's deterministic
 * rules, which answer when no model is configured, the owner switched the model off, or the model failed.
 */

export const COACH_FEATURES = ['sharpenPlan', 'suggestTools', 'draftSummary', 'askLibrary'] as const;
export type CoachFeature = (typeof COACH_FEATURES)[number];

/** Who answered: the deterministic rules, or the tenant's model. */
export type CoachSource = 'basic' | 'model';

export const BASIC_COACH_NOTE = 'This is the basic coach: suggestions from fixed rules, without an AI model.';

export interface CoachAnswer<T> {
  readonly value: T;
  readonly by: CoachSource;
  /** Why the basic coach answered when a model was expected ("the model is busy"), or the basic coach's own note. */
  readonly note: string;
  /** Tokens the model used for this answer (including a retry or a failed try); absent for the basic coach. */
  readonly usage?: { readonly tokensIn: number; readonly tokensOut: number };
}

/* ---------- answer shapes ---------- */

const text = (max: number) => z.string().trim().max(max);
const measurement = z.object({ value: z.number().finite(), unit: text(20).min(1) });

export const planAdviceSchema = z.object({
  /** What is vague in the plan, one point each. */
  vague: z.array(text(300).min(1)).max(5),
  suggestedMeasure: text(200),
  baseline: measurement.nullable(),
  target: measurement.nullable(),
  howYouWillKnow: text(500),
  /** Rubric answers that look risky, and why (about the fit of the idea, never about the person). */
  riskyAnswers: z.array(z.object({ question: z.enum(RUBRIC_QUESTION_IDS), why: text(400).min(1) })).max(5),
});
export type PlanAdvice = z.infer<typeof planAdviceSchema>;

export const toolSuggestionsSchema = z.object({
  suggestions: z.array(z.object({
    /** A catalogue id, or "other" with the person's own words in `otherName`. */
    toolId: text(80).min(1),
    otherName: text(80).optional(),
    why: text(300).min(1),
  })).max(6),
});
export type ToolSuggestions = z.infer<typeof toolSuggestionsSchema>;

export const summaryDraftSchema = z.object({
  worked: text(1500),
  failed: text(1500),
  keepTesting: text(1500),
  reuse: text(1500),
  /** The journal weeks (weekStart dates) the draft drew on. */
  weeksCited: z.array(text(10)).max(20),
});
export type SummaryDraft = z.infer<typeof summaryDraftSchema>;

export const libraryAnswerSchema = z.object({
  answer: text(1500),
  /** Ids of the sources the answer used; only ids that were offered survive (`keepOfferedSources`). */
  sourceIds: z.array(text(100)).max(5),
});
export type LibraryAnswer = z.infer<typeof libraryAnswerSchema>;

/** What free text in personal chat maps to: one of the existing commands or cards, or nothing. */
export const CHAT_INTENTS = ['help', 'journal', 'save asset', 'new round', 'start experiment', 'ask library', 'none'] as const;
export type ChatIntentName = (typeof CHAT_INTENTS)[number];
export const chatIntentSchema = z.object({
  intent: z.enum(CHAT_INTENTS),
  /** For "ask library": the question to ask. */
  question: text(500).optional(),
});
export type ChatIntent = z.infer<typeof chatIntentSchema>;

/* ---------- inputs (text already checked for sensitive data and redacted by the use case) ---------- */

export interface PlanCoachInput {
  readonly frictionPoint: string;
  readonly kpi: string;
  readonly minutesToday: number | null;
  readonly scores: RubricScores | null;
  readonly hoursPerWeek: number;
  readonly weeks: number;
  readonly supportNamed: boolean;
  readonly draft: {
    readonly measure: string;
    readonly baseline: { value: number; unit: string } | null;
    readonly target: { value: number; unit: string } | null;
    readonly howWeWillKnow: string;
  } | null;
}

export interface ToolCoachInput {
  readonly frictionPoint: string;
  readonly role: Role;
  readonly catalogue: readonly ToolCatalogueEntry[];
  /** The person's own words for a tool not on the list, if they gave one. */
  readonly otherToolName?: string;
}

export interface LibrarySource {
  /** An asset id, or `summary:<participantId>`. */
  readonly id: string;
  readonly kind: 'asset' | 'summary';
  readonly title: string;
  readonly tool: string;
  readonly text: string;
  readonly url: string | null;
}

export interface LibraryCoachInput {
  readonly question: string;
  /** Only what the asker may see: shared assets and summaries of the round (the use case decides). */
  readonly sources: readonly LibrarySource[];
}

/* ---------- checks every answer gets, whoever wrote it ---------- */

export const MAX_TOOL_SUGGESTIONS = 3;

/**
 * Keeps suggestions that name a tool in this round's catalogue (or "other" with the person's own words), at
 * most three, each tool once. "GPT-9 Turbo" from a model that is not in the catalogue is dropped.
 */
export function keepCatalogueTools(value: ToolSuggestions, catalogue: readonly ToolCatalogueEntry[], otherToolName?: string): ToolSuggestions {
  const ids = new Set(catalogue.map((entry) => entry.id));
  const seen = new Set<string>();
  const own = otherToolName?.trim().toLowerCase() ?? '';
  const suggestions = value.suggestions.filter((suggestion) => {
    if (seen.has(suggestion.toolId)) return false;
    const ok = ids.has(suggestion.toolId)
      || (suggestion.toolId === OTHER_TOOL_ID && own !== '' && suggestion.otherName?.trim().toLowerCase() === own);
    if (ok) seen.add(suggestion.toolId);
    return ok;
  });
  return { suggestions: suggestions.slice(0, MAX_TOOL_SUGGESTIONS) };
}

/** Source ids the answer cites that were not offered (a made-up or unseen asset) are dropped. */
export function keepOfferedSources(value: LibraryAnswer, sources: readonly LibrarySource[]): LibraryAnswer {
  const offered = new Set(sources.map((source) => source.id));
  return { ...value, sourceIds: [...new Set(value.sourceIds.filter((id) => offered.has(id)))] };
}

/** Weeks the draft cites that have no journal entry are dropped. */
export function keepJournalWeeks(value: SummaryDraft, facts: SummaryFacts): SummaryDraft {
  const weeks = new Set(facts.journals.map((entry) => entry.weekStart));
  return { ...value, weeksCited: [...new Set(value.weeksCited.filter((week) => weeks.has(week)))] };
}

/* ---------- the basic coach's rules ---------- */

const VAGUE_WORDS = /\b(better|faster|easier|improve[ds]?|more|less|quicker|efficient|efficiency|productive|productivity|stuff|things|somehow|optimi[sz]e)\b/i;
const HAS_NUMBER = /\d/;

/**
 * What is vague, a measure and how to know, and the rubric's warnings as "risky answers":
 * - a friction point with no number and a vague word ("make reports better") → one note;
 * - a KPI without a unit or number → one note; no measure yet → one note;
 * - baseline from the draft, or from the minutes the task takes today; target from the draft, or a third less (90 → 60 minutes).
 */
export function basicPlanAdvice(input: PlanCoachInput): PlanAdvice {
  const vague: string[] = [];
  if (!HAS_NUMBER.test(input.frictionPoint) && VAGUE_WORDS.test(input.frictionPoint)) {
    vague.push('The friction point says what should improve but not by how much: name the task and how long or how often it takes today.');
  }
  if (!HAS_NUMBER.test(input.kpi) && !/\b(minutes?|hours?|count|percent|%|per|rate|number of)\b/i.test(input.kpi)) {
    vague.push('The KPI has no unit: say what you count or time (minutes per report, replies per week).');
  }
  const draft = input.draft;
  if (!draft || draft.measure.trim() === '') vague.push('There is no measure yet: pick one number you can record each week.');
  else if (VAGUE_WORDS.test(draft.measure) && !/\b(minutes?|hours?|count|number|percent|per)\b/i.test(draft.measure)) {
    vague.push('The measure reads as a wish rather than a number: say what you will count or time.');
  }
  if (draft && draft.howWeWillKnow.trim().length > 0 && draft.howWeWillKnow.trim().length < 25) {
    vague.push('"How you will know" is short: say when you will record the number and where.');
  }

  const task = firstWords(input.frictionPoint, 8);
  const minutes = input.minutesToday;
  const baseline = draft?.baseline ?? (minutes !== null ? { value: minutes, unit: 'minutes' } : null);
  const target = draft?.target ?? (baseline !== null ? { value: Math.max(1, Math.round((baseline.value * 2) / 3)), unit: baseline.unit } : null);
  const suggestedMeasure = draft && draft.measure.trim() !== '' && vague.length === 0 ? draft.measure.trim() : `Minutes per ${task}`;

  const riskyAnswers = input.scores
    ? assessFit({ scores: input.scores, hoursPerWeek: input.hoursPerWeek, weeks: input.weeks, supportNamed: input.supportNamed })
      .warnings.map((warning) => ({ question: warning.question, why: warning.message }))
    : [];
  return {
    vague,
    suggestedMeasure: suggestedMeasure.slice(0, 200),
    baseline,
    target,
    howYouWillKnow: `Time each ${task} for a week before you start, then note the minutes in your weekly journal.`.slice(0, 500),
    riskyAnswers,
  };
}

const STOP_WORDS = new Set(('a an and are as at be by can do for from how i in is it me my of on or so that the this to use used using want we what which who with would you your ' +
  'did people anyone has have there any about').split(' '));

/** Lower-cased words of 3+ letters, stop words out: "What prompts did people use for call notes?" → prompts, call, notes. */
export function keywordsOf(textIn: string): string[] {
  return [...new Set(textIn.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 3 && !STOP_WORDS.has(word)))];
}

function overlap(keywords: readonly string[], haystack: string): number {
  const lower = haystack.toLowerCase();
  return keywords.filter((word) => lower.includes(word.replace(/s$/, ''))).length;
}

/**
 * Up to three tools for the role, ranked by words shared between the friction point and what each tool is
 * good for (ties keep the catalogue's order): "summarise call notes" for sales → recap, Otter, Fireflies first.
 */
export function basicToolSuggestions(input: ToolCoachInput): ToolSuggestions {
  const words = keywordsOf(input.frictionPoint);
  const ranked = toolsForRole(input.catalogue, input.role)
    .map((entry, index) => ({ entry, index, hits: overlap(words, `${entry.name} ${entry.goodFor}`) }))
    .sort((a, b) => b.hits - a.hits || a.index - b.index)
    .slice(0, MAX_TOOL_SUGGESTIONS);
  return { suggestions: ranked.map(({ entry }) => ({ toolId: entry.id, why: `Good for: ${entry.goodFor}`.slice(0, 300) })) };
}

/** Today's drafting rules (the journal's own lines per week), with the weeks that had an entry cited. */
export function basicSummaryDraft(facts: SummaryFacts): SummaryDraft {
  const draft = draftSummary(facts);
  const shared = draft.assets.map((asset) => asset.title);
  return {
    worked: draft.worked,
    failed: draft.failed,
    keepTesting: draft.keepTesting,
    reuse: shared.length === 0 ? '' : `Shared for reuse: ${shared.join('; ')}`.slice(0, 1500),
    weeksCited: [...new Set(facts.journals.map((entry) => entry.weekStart))].sort(),
  };
}

/** Keyword search: sources ranked by words from the question found in title, tool and text; the top three. */
export function basicLibraryAnswer(input: LibraryCoachInput): LibraryAnswer {
  const words = keywordsOf(input.question);
  const ranked = input.sources
    .map((source) => ({ source, hits: overlap(words, `${source.title} ${source.tool} ${source.text}`) }))
    .filter((hit) => hit.hits > 0)
    .sort((a, b) => b.hits - a.hits)
    .slice(0, 3);
  if (ranked.length === 0) {
    return { answer: 'Nothing shared in this round matches those words yet. Try other words, or ask in the shareback.', sourceIds: [] };
  }
  const lines = ranked.map(({ source }) => `• ${source.title} (${source.tool}): ${firstWords(source.text, 25)}`);
  return { answer: `What colleagues shared that matches:\n${lines.join('\n')}`.slice(0, 1500), sourceIds: ranked.map(({ source }) => source.id) };
}

/**
 * A greeting, a thank-you or "what is this?": answered with the welcome (what the app does and the person's next
 * step) before anything else reads the text, so saying hello never waits for a model or the sensitive-data check.
 */
const GREETING = /^(?:(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)|morning|evening|thanks|thank you|thx|cheers)(?: (?:there|all|everyone|bot|coach|practice loop|again))?|what is this|what's this|who are you|what are you)$/;

export function isGreeting(message: string): boolean {
  const t = message.trim().toLowerCase().replace(/[\s!.?,:;)(]+$/g, '').replace(/^[\s/]+/, '').replace(/\s+/g, ' ');
  return t.length <= 40 && GREETING.test(t);
}

/**
 * Free text → an existing command: "I want to try Copilot on my call notes" → start experiment;
 * "log my week" → journal; "what prompts did people use for call notes?" → ask library; "hello" or "what is this?" → none.
 */
export function basicChatIntent(message: string): ChatIntent {
  const t = message.trim().toLowerCase();
  if (/\b(help|what can you do|commands?)\b/.test(t) && t.length < 40) return { intent: 'help' };
  if (/\b(new round|set ?up a round|create a round|run a round)\b/.test(t)) return { intent: 'new round' };
  if (/\b(journal|log (my|this) week|write up (my|this) week|weekly (entry|notes))\b/.test(t)) return { intent: 'journal' };
  if (/\b(save|keep|store)\b.*\b(prompt|asset|workflow|context file|link)\b/.test(t)) return { intent: 'save asset' };
  // A question with something to look for ("what is this?" has nothing: the welcome explains the app).
  const asks = /\?$/.test(t) || /^(what|which|how|who|has anyone|did anyone|does anyone|any)\b/.test(t);
  if (asks && keywordsOf(t).length >= 2) return { intent: 'ask library', question: message.trim().slice(0, 500) };
  if (/\b(want to|like to|going to|plan to|try|trial|experiment|start|pick a tool|friction)\b/.test(t)) return { intent: 'start experiment' };
  return { intent: 'none' };
}

function firstWords(textIn: string, count: number): string {
  const words = textIn.trim().split(/\s+/).filter(Boolean);
  const head = words.slice(0, count).join(' ').replace(/[.,;:!?]+$/, '');
  return words.length > count ? `${head}…` : head || 'task';
}

/* ---------- quoting data for a prompt ---------- */

/**
 * Text from people (journals, assets, plans) goes into a prompt as quoted data, never as instructions: one
 * JSON string per field inside a fenced block the prompt names as data. JSON escaping keeps quotes and line
 * breaks inside the string, and a fence in the text cannot close the block: "```" becomes "'''".
 */
export function quoteAsData(fields: Readonly<Record<string, unknown>>): string {
  const body = JSON.stringify(fields, (_key, value: unknown) => (typeof value === 'string' ? value.replace(/```/g, "'''") : value), 2);
  return `\`\`\`json\n${body}\n\`\`\``;
}

export function rubricLabel(id: RubricQuestionId): string {
  return rubricQuestion(id).label;
}
