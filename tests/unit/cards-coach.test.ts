import {
  renderCoachThinkingCard, renderLibraryAnswerCard, renderPlanAdviceCard, renderSummaryDraftCard, renderToolSuggestionsCard, valuesWithPlanAdvice,
} from '../../src/cards/coach';
import { basicLibraryAnswer, basicPlanAdvice, basicSummaryDraft, basicToolSuggestions, BASIC_COACH_NOTE, type PlanAdvice } from '../../src/domain/coach';
import { DEFAULT_TOOL_CATALOGUE } from '../../src/domain/toolCatalogue';
import { cardBytes, cardSchemaErrors, MAX_CARD_BYTES } from '../support/cardSchema';

const basic = { by: 'basic' as const, note: BASIC_COACH_NOTE, redactions: 0 };
const advice: PlanAdvice = basicPlanAdvice({
  frictionPoint: 'Make my weekly client reports better', kpi: 'happiness', minutesToday: 90,
  scores: { relevance: 1, kpiImpact: 1, learningCurve: 1, interest: 1, riskSupport: 1 }, hoursPerWeek: 1, weeks: 2, supportNamed: false, draft: null,
});
const long = 'x'.repeat(1500);

const cards = {
  thinking: renderCoachThinkingCard('Reading your plan…'),
  advice: renderPlanAdviceCard({ roundId: 'r-1', expectedVersion: 3, step: 'hypothesis', values: { measure: 'mine' }, answer: { ...basic, value: advice } }),
  tools: renderToolSuggestionsCard({ roundId: 'r-1', expectedVersion: 3, catalogue: DEFAULT_TOOL_CATALOGUE, values: {}, answer: { ...basic, redactions: 2, value: basicToolSuggestions({ frictionPoint: 'call notes', role: 'sales', catalogue: DEFAULT_TOOL_CATALOGUE }) } }),
  library: renderLibraryAnswerCard({
    question: 'call notes?', libraryUrl: 'http://127.0.0.1:3978/tab/',
    answer: { ...basic, value: basicLibraryAnswer({ question: 'call notes', sources: [{ id: 'a', kind: 'asset', title: 'Call notes', tool: 'Otter.ai', text: 'notes', url: null }] }) },
    sources: [{ title: 'Call notes', tool: 'Otter.ai', url: null }],
  }),
  summary: renderSummaryDraftCard({ roundId: 'r-1', answer: { ...basic, value: basicSummaryDraft({ tool: 't', task: 't', useCase: 'u', hypothesis: null, assets: [], journals: [{ weekStart: '2026-03-02', improved: long, broke: long, surprised: long, taught: '', hoursPractised: 1 }] }) } }),
  longAdvice: renderPlanAdviceCard({ roundId: 'r-1', expectedVersion: 3, step: 'selection', values: Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`k${i}`, long])), answer: { ...basic, value: { ...advice, vague: [long, long, long, long, long] } } }),
};

describe('the coach cards', () => {
  it.each(Object.entries(cards))('%s validates against Adaptive Card 1.5 and stays under 28 KB', (_name, card) => {
    expect(cardSchemaErrors(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
  });

  it('says who answered: the basic coach says so; a fallback names the reason', () => {
    expect(JSON.stringify(cards.advice)).toContain('This is the basic coach');
    const fallback = renderPlanAdviceCard({ roundId: 'r', expectedVersion: 1, step: 'selection', values: {}, answer: { by: 'basic', note: 'The AI coach is busy right now, so these are the basic coach’s suggestions.', redactions: 0, value: advice } });
    expect(JSON.stringify(fallback)).toContain('busy right now');
  });

  it('"Use this" carries the person’s values with the suggestion in place; "Back to my plan" their own', () => {
    const actions = cards.advice.actions as { data: { verb: string; values: Record<string, string> } }[];
    const use = actions.find((a) => a.data.verb === 'useCoachSuggestion')!;
    const back = actions.find((a) => a.data.verb === 'backToPlan')!;
    expect(use.data.values).toEqual(valuesWithPlanAdvice({ measure: 'mine' }, advice));
    expect(use.data.values['baseline.value']).toBe('90');
    expect(back.data.values).toEqual({ measure: 'mine' });
  });

  it('links a text source to the library in the dashboard, and says what was redacted', () => {
    expect(JSON.stringify(cards.library)).toContain('http://127.0.0.1:3978/tab/');
    expect(JSON.stringify(cards.tools)).toContain('2 things that looked sensitive were replaced');
  });
});
