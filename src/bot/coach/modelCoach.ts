import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import { GPTTokenizer, PromptManager, type Memory } from '@microsoft/teams-ai';
import type { z } from 'zod';
import {
  keepCatalogueTools, keepJournalWeeks, keepOfferedSources, libraryAnswerSchema, planAdviceSchema, quoteAsData, summaryDraftSchema, toolSuggestionsSchema,
  type CoachAnswer, type CoachFeature,
} from '../../domain/coach';
import type { Logger } from '../../logging';
import type { Coach } from '../../ports/coach';
import { createRecordedOpenAIModel, newCallRecord, type CallRecord, type ModelSettings } from './openAIModel';

/**
 * The model-backed coach: teams-ai's `OpenAIModel` (Azure OpenAI with a key or an Entra token, or any
 * OpenAI-compatible endpoint) with one prompt template per feature under src/prompts/<feature>
 * (skprompt.txt + config.json: model settings, max tokens, temperature, JSON output), loaded by `PromptManager`.
 *
 * Every answer is checked against the feature's zod schema. Invalid JSON or a schema mismatch: asked once
 * more, then the basic coach answers with a note. 429 or 5xx: one wait (Retry-After, capped), then the basic
 * coach. A timeout or any other failure: the basic coach at once. Each call logs one line — feature, tokens
 * in and out, latency, outcome — and never the text.
 */
export interface ModelCoachOptions extends ModelSettings {
  /** The wait before the one retry after a 429/5xx when the answer gives no Retry-After; the wait is capped at 4× this. */
  readonly backoffInMs?: number;
  readonly fallback: Coach;
  readonly logger: Logger;
  /** Where the prompt templates are; defaults to src/prompts beside this folder. */
  readonly promptsFolder?: string;
}

export type CoachOutcome = 'model' | 'rate_limited' | 'server_error' | 'timeout' | 'invalid_answer' | 'too_long' | 'error';

const NOTES: Readonly<Record<Exclude<CoachOutcome, 'model'>, string>> = {
  rate_limited: 'The AI coach is busy right now, so these are the basic coach’s suggestions. Try again in a minute.',
  server_error: 'The AI coach is not answering right now, so these are the basic coach’s suggestions.',
  timeout: 'The AI coach took too long, so these are the basic coach’s suggestions.',
  invalid_answer: 'The AI coach’s answer could not be used, so these are the basic coach’s suggestions.',
  too_long: 'That was too much text for the AI coach, so these are the basic coach’s suggestions.',
  error: 'The AI coach is not available, so these are the basic coach’s suggestions.',
};

/** A turn context for calls made outside a bot turn (the tab's REST calls): the model never sends activities. */
class DetachedAdapter extends BotAdapter {
  sendActivities(): Promise<ResourceResponse[]> { return Promise.reject(new Error('the coach does not send activities')); }
  updateActivity(): Promise<ResourceResponse | void> { return Promise.reject(new Error('the coach does not update activities')); }
  deleteActivity(): Promise<void> { return Promise.reject(new Error('the coach does not delete activities')); }
  continueConversation(_reference: Partial<ConversationReference>, _logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return Promise.reject(new Error('the coach does not continue conversations'));
  }
}

/** Template variables for one call (`{{$input}}` reads `temp.input`). */
export class CallMemory implements Memory {
  private readonly values = new Map<string, unknown>();
  private key(path: string): string { return path.includes('.') ? path : `temp.${path}`; }
  deleteValue(path: string): void { this.values.delete(this.key(path)); }
  hasValue(path: string): boolean { return this.values.has(this.key(path)); }
  getValue<TValue = unknown>(path: string): TValue { return this.values.get(this.key(path)) as TValue; }
  setValue(path: string, value: unknown): void { this.values.set(this.key(path), value); }
}

/** A turn context for a model call outside a bot turn (nothing can be sent through it). */
export function detachedTurnContext(): TurnContext {
  return new TurnContext(new DetachedAdapter(), { type: 'message', channelId: 'coach', conversation: { id: 'coach' } } as Partial<Activity> as Activity);
}

export function defaultPromptsFolder(): string {
  // src/bot/coach → src/prompts; a build in dist/ has no copy of the templates, so the repository's are used.
  const beside = join(__dirname, '..', '..', 'prompts');
  return existsSync(beside) ? beside : join(__dirname, '..', '..', '..', '..', 'src', 'prompts');
}

/** "```json\n{…}\n```" or "{…}" → the parsed value; null when it is not JSON. */
export function parseModelJson(content: string): unknown {
  const trimmed = content.trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '');
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return null; // not JSON: the caller asks again once, then falls back
  }
}

export function createModelCoach(options: ModelCoachOptions): Coach {
  const backoffInMs = options.backoffInMs ?? 1000;
  const { model, recording } = createRecordedOpenAIModel(options);
  const prompts = new PromptManager({ promptsFolder: options.promptsFolder ?? defaultPromptsFolder() });
  const tokenizer = new GPTTokenizer();
  const context = detachedTurnContext();

  async function completeOnce(feature: CoachFeature, data: string, record: CallRecord): Promise<{ status: 'success'; content: string } | { status: 'failed'; outcome: Exclude<CoachOutcome, 'model' | 'invalid_answer'> }> {
    const template = await prompts.getPrompt(feature);
    const memory = new CallMemory();
    memory.setValue('temp.input', data);
    record.status = null;
    record.timedOut = false;
    const response = await recording(record, { logger: options.logger, feature }, () => model.completePrompt(context, memory, prompts, tokenizer, template));
    if (response.status === 'success') return { status: 'success', content: typeof response.message?.content === 'string' ? response.message.content : '' };
    if (response.status === 'too_long') return { status: 'failed', outcome: 'too_long' };
    if (record.timedOut || /timed out/i.test(String(response.error?.message ?? ''))) return { status: 'failed', outcome: 'timeout' };
    if (response.status === 'rate_limited' || record.status === 429) return { status: 'failed', outcome: 'rate_limited' };
    if (record.status !== null && record.status >= 500) return { status: 'failed', outcome: 'server_error' };
    return { status: 'failed', outcome: 'error' };
  }

  async function ask<T>(feature: CoachFeature, data: Record<string, unknown>, schema: z.ZodType<T>, fallback: () => Promise<CoachAnswer<T>>, check: (value: T) => T = (v) => v): Promise<CoachAnswer<T>> {
    const started = performance.now();
    const record = newCallRecord();
    let attempts = 0;
    let backedOff = false;
    let invalidAnswers = 0;
    let outcome: CoachOutcome = 'error';
    let value: T | null = null;
    const quoted = quoteAsData(data);
    while (value === null) {
      attempts += 1;
      const result = await completeOnce(feature, quoted, record);
      if (result.status === 'success') {
        const parsed = schema.safeParse(parseModelJson(result.content));
        if (parsed.success) {
          value = check(parsed.data);
          outcome = 'model';
          break;
        }
        invalidAnswers += 1;
        outcome = 'invalid_answer';
        if (invalidAnswers >= 2) break; // asked once more already
        continue;
      }
      outcome = result.outcome;
      if ((result.outcome === 'rate_limited' || result.outcome === 'server_error') && !backedOff) {
        backedOff = true;
        await sleep(Math.min(record.retryAfterInMs ?? backoffInMs, backoffInMs * 4));
        continue;
      }
      break;
    }
    const latencyMs = Math.round(performance.now() - started);
    options.logger.info({ coach: { feature, outcome, attempts, tokensIn: record.tokensIn, tokensOut: record.tokensOut, latencyMs } }, 'coach call');
    const usage = { tokensIn: record.tokensIn, tokensOut: record.tokensOut };
    if (value !== null) return { value, by: 'model', note: 'Suggested by the AI coach. Check it before you use it.', usage };
    const basic = await fallback();
    return { ...basic, note: NOTES[outcome === 'model' ? 'error' : outcome], usage };
  }

  const fb = options.fallback;
  return {
    kind: 'model',
    sharpenPlan: (input) => ask('sharpenPlan', { ...input }, planAdviceSchema, () => fb.sharpenPlan(input)),
    suggestTools: (input) => ask('suggestTools', {
      frictionPoint: input.frictionPoint, role: input.role, otherToolName: input.otherToolName ?? '',
      catalogue: input.catalogue.filter((entry) => entry.roles.includes(input.role)).map((entry) => ({ id: entry.id, name: entry.name, goodFor: entry.goodFor })),
    }, toolSuggestionsSchema, () => fb.suggestTools(input), (value) => keepCatalogueTools(value, input.catalogue, input.otherToolName)),
    draftSummary: (input) => ask('draftSummary', {
      tool: input.tool, task: input.task, hypothesis: input.hypothesis,
      journal: input.journals.map((entry) => ({ weekStart: entry.weekStart, improved: entry.improved, broke: entry.broke, surprised: entry.surprised, taught: entry.taught })),
      sharedAssets: input.assets.filter((asset) => asset.shared).map((asset) => ({ title: asset.title, kind: asset.kind })),
    }, summaryDraftSchema, () => fb.draftSummary(input), (value) => keepJournalWeeks(value, input)),
    askLibrary: (input) => ask('askLibrary', {
      question: input.question,
      sources: input.sources.map((source) => ({ id: source.id, kind: source.kind, title: source.title, tool: source.tool, text: source.text.slice(0, 2000) })),
    }, libraryAnswerSchema, () => fb.askLibrary(input), (value) => keepOfferedSources(value, input.sources)),
  };
}
