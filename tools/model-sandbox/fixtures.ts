import type { ChatCompletionRequest } from './requestSchema';

/**
 * Scripted answers, one per coach feature, chosen by a phrase of the feature's system prompt
 * (src/prompts/<feature>/skprompt.txt). Some read the quoted data in the user message so the answer fits the
 * request; each also carries one thing the app must refuse (a tool not in the catalogue, a source that was
 * not offered, a week without an entry), so the checks are exercised on every run.
 */
export interface ModelFixture {
  readonly feature: string;
  readonly whenSystemIncludes: string;
  /** A JSON value (sent as the message content), or a function giving the content or the tool calls to answer with. */
  readonly reply: unknown | ((request: ChatCompletionRequest) => string | ToolCallsReply);
}

/** An answer that calls tools (functions) instead of writing text, as a model does for teams-ai's tools augmentation. */
export interface ToolCallsReply {
  readonly toolCalls: readonly { readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }[];
}

export function isToolCallsReply(value: unknown): value is ToolCallsReply {
  return typeof value === 'object' && value !== null && Array.isArray((value as { toolCalls?: unknown }).toolCalls);
}

const call = (name: string, args: Record<string, unknown> = {}): ToolCallsReply => ({ toolCalls: [{ name, arguments: args }] });

/** The JSON object inside the user message's ```json block (the app quotes its data that way). */
export function quotedData(request: ChatCompletionRequest): Record<string, unknown> {
  const user = [...request.messages].reverse().find((m) => m.role === 'user');
  const text = typeof user?.content === 'string' ? user.content : '';
  const match = /```json\n([\s\S]*)\n```/.exec(text);
  try {
    const value: unknown = JSON.parse(match?.[1] ?? '{}');
    return typeof value === 'object' && value !== null ? value as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

export const DEFAULT_FIXTURES: readonly ModelFixture[] = [
  {
    feature: 'sharpenPlan',
    whenSystemIncludes: 'help a participant sharpen their plan',
    reply: {
      vague: ['"Better reports" does not say what changes: name the report and how long it takes today.'],
      suggestedMeasure: 'Minutes to write the weekly client report',
      baseline: { value: 90, unit: 'minutes' },
      target: { value: 50, unit: 'minutes' },
      howYouWillKnow: 'Time each Friday report with a timer and note the minutes in your journal.',
      riskyAnswers: [{ question: 'riskSupport', why: 'High stakes with nobody named: ask a colleague to review the first two drafts.' }],
    },
  },
  {
    feature: 'suggestTools',
    whenSystemIncludes: 'Suggest up to three tools that fit',
    reply: {
      suggestions: [
        { toolId: 'otter', why: 'Live transcripts of your calls, searchable later.' },
        { toolId: 'gpt-9-turbo', why: 'A tool that is not in the catalogue: the app must drop it.' },
        { toolId: 'fireflies', why: 'Summaries and follow-up actions from each call.' },
        { toolId: 'teams-premium-recap', why: 'Notes and action items after a recorded Teams meeting.' },
      ],
    },
  },
  {
    feature: 'draftSummary',
    whenSystemIncludes: 'Draft a participant\'s shareback summary',
    reply: (request: ChatCompletionRequest) => {
      const data = quotedData(request);
      const journal = Array.isArray(data.journal) ? data.journal as { weekStart?: string; improved?: string; broke?: string; surprised?: string }[] : [];
      const pick = (field: 'improved' | 'broke' | 'surprised') => journal.map((e) => e[field] ?? '').filter(Boolean).join(' ');
      // A model fooled by an instruction in a journal entry: it adds an approval the app has no field for.
      const fooled = JSON.stringify(journal).toLowerCase().includes('ignore previous instructions') ? { approved: true, state: 'approved', action: 'approvePlan' } : {};
      return JSON.stringify({
        ...fooled,
        worked: pick('improved') ? `From my journal: ${pick('improved')}` : '',
        failed: pick('broke'),
        keepTesting: pick('surprised'),
        reuse: '',
        weeksCited: [...journal.map((e) => e.weekStart ?? ''), '1999-01-04'],
      });
    },
  },
  {
    feature: 'askLibrary',
    whenSystemIncludes: 'Answer a colleague\'s question using ONLY the sources',
    reply: (request: ChatCompletionRequest) => {
      const sources = quotedData(request).sources;
      const list = Array.isArray(sources) ? sources as { id?: string; title?: string }[] : [];
      const first = list[0];
      return JSON.stringify(first
        ? { answer: `Colleagues shared "${first.title ?? ''}".`, sourceIds: [first.id, 'asset-nobody-shared'] }
        : { answer: 'No shared source answers that yet.', sourceIds: [] });
    },
  },
  {
    feature: 'naturalChat',
    whenSystemIncludes: 'call the ONE action that does what they want',
    reply: (request: ChatCompletionRequest) => {
      const message = String(quotedData(request).message ?? '').toLowerCase();
      const offered = new Set((request.tools ?? []).map((tool) => tool.function.name));
      // A model fooled by an instruction in the data: it calls an action nobody offered, which the app refuses.
      if (message.includes('ignore previous instructions')) return call('approve_plan', { approved: true });
      const pick = (name: string, args: Record<string, unknown> = {}) => (offered.has(name) ? call(name, args) : 'unmapped');
      if (/journal|my week/.test(message)) return pick('open_journal');
      if (/\b(save|keep)\b.*\b(prompt|workflow|link)\b/.test(message)) return pick('save_asset');
      if (/\?$/.test(message.trim())) return pick('ask_library', { question: message.trim() });
      if (/my plan|next step|where am i/.test(message)) return pick('show_my_plan');
      if (/try|want to/.test(message)) return pick('start_plan');
      if (/set up a round|new round/.test(message)) return pick('new_round');
      if (/help|commands/.test(message)) return pick('show_help');
      return 'unmapped';
    },
  },
];
