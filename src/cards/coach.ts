import template from './coach.json';
import type { CoachAnswer, LibraryAnswer, PlanAdvice, SummaryDraft, ToolSuggestions } from '../domain/coach';
import { rubricLabel } from '../domain/coach';
import type { ToolCatalogueEntry } from '../domain/toolCatalogue';
import { clip, expandForm, firstThatFits } from './forms';
import type { AdaptiveCardJson } from './render';

/**
 * The coach's cards, all from one template: a title, who answered (the AI coach, or the basic coach and why),
 * sections of lines, source links, and actions. Nothing the coach suggests is filled in until the person
 * chooses "Use this"; "Back to my plan" returns their own values untouched. These cards go only to the person
 * who asked: the coach's text is never stored, so a manager's review shows the plan, never the coach.
 *
 * Verbs: `useCoachSuggestion` and `backToPlan` carry `{ roundId, expectedVersion, step, values }`, the values of
 * the step's card to render (the person's own, or theirs with the suggestion applied); `useSummaryDraft`
 * carries `{ roundId, draft }`.
 */
export type CoachStep = 'selection' | 'hypothesis';

interface Section { readonly heading: string; readonly lines: readonly { readonly text: string }[] }
interface CardAction { readonly title: string; readonly style: 'positive' | 'default'; readonly data: Record<string, unknown> }

interface CoachCardView {
  readonly title: string;
  readonly byline: string;
  readonly redactionNote?: string;
  readonly intro?: string;
  readonly sections?: readonly Section[];
  readonly links?: readonly { readonly title: string; readonly url: string }[];
  readonly actions?: readonly CardAction[];
}

const lines = (texts: readonly string[], max = 600) => texts.filter((t) => t.trim() !== '').map((text) => ({ text: clip(text, max) }));

function render(view: CoachCardView): AdaptiveCardJson {
  return firstThatFits([
    () => expandForm(template, { redactionNote: '', intro: '', sections: [], links: [], actions: [], ...view }),
    // A very long answer: shorter lines rather than no card.
    () => expandForm(template, { redactionNote: '', intro: '', links: [], actions: [], ...view, sections: (view.sections ?? []).map((s) => ({ ...s, lines: s.lines.map((l) => ({ text: clip(l.text, 200) })) })) }),
  ]);
}

/** Who answered, in the person's words: the AI coach, or the basic coach (with the reason when a model failed). */
export function bylineOf(answer: Pick<CoachAnswer<unknown>, 'by' | 'note'>): string {
  return answer.by === 'model' ? `🤖 ${answer.note}` : `🧭 ${answer.note}`;
}

function redactionNoteOf(redactions: number): string {
  return redactions === 0 ? '' : `🔒 ${redactions === 1 ? 'One thing that looked sensitive was' : `${redactions} things that looked sensitive were`} replaced with a placeholder before the coach read your text.`;
}

export function renderCoachThinkingCard(what: string): AdaptiveCardJson {
  return render({ title: 'The coach is thinking…', byline: 'This card updates by itself when the answer is ready.', intro: what });
}

export interface PlanAdviceCardData {
  readonly roundId: string;
  readonly expectedVersion: number;
  readonly step: CoachStep;
  readonly answer: CoachAnswer<PlanAdvice> & { readonly redactions: number };
  /** The card's values as the person left them. */
  readonly values: Readonly<Record<string, string>>;
}

/** Step 2's values with the coach's measure, baseline, target and "how you will know" in place of the person's. */
export function valuesWithPlanAdvice(values: Readonly<Record<string, string>>, advice: PlanAdvice): Record<string, string> {
  return {
    ...values,
    ...(advice.suggestedMeasure ? { measure: advice.suggestedMeasure } : {}),
    ...(advice.baseline ? { 'baseline.value': String(advice.baseline.value), 'baseline.unit': advice.baseline.unit } : {}),
    ...(advice.target ? { 'target.value': String(advice.target.value), 'target.unit': advice.target.unit } : {}),
    ...(advice.howYouWillKnow ? { howWeWillKnow: advice.howYouWillKnow } : {}),
  };
}

export function renderPlanAdviceCard(data: PlanAdviceCardData): AdaptiveCardJson {
  const advice = data.answer.value;
  const hidden = { roundId: data.roundId, expectedVersion: data.expectedVersion, step: data.step };
  const measureLines = [
    advice.suggestedMeasure ? `Measure: ${advice.suggestedMeasure}` : '',
    advice.baseline && advice.target ? `Baseline → target: ${advice.baseline.value} ${advice.baseline.unit} → ${advice.target.value} ${advice.target.unit}` : '',
    advice.howYouWillKnow ? `How you will know: ${advice.howYouWillKnow}` : '',
  ];
  return render({
    title: 'Sharpen your plan',
    byline: bylineOf(data.answer),
    redactionNote: redactionNoteOf(data.answer.redactions),
    sections: [
      { heading: 'What is still vague', lines: lines(advice.vague.length > 0 ? advice.vague : ['Nothing stands out as vague.']) },
      { heading: 'A measure you could use', lines: lines(measureLines) },
      ...(advice.riskyAnswers.length > 0 ? [{ heading: 'Rubric answers worth a second look', lines: lines(advice.riskyAnswers.map((r) => `${rubricLabel(r.question)}: ${r.why}`)) }] : []),
    ],
    actions: [
      // At step 1 there is no measure to fill in yet: the advice is there to read, and step 2 asks for it.
      ...(data.step === 'hypothesis' ? [{ title: 'Use this', style: 'positive' as const, data: { verb: 'useCoachSuggestion', ...hidden, values: valuesWithPlanAdvice(data.values, advice) } }] : []),
      { title: 'Back to my plan', style: 'default', data: { verb: 'backToPlan', ...hidden, values: data.values } },
    ],
  });
}

export interface ToolSuggestionsCardData {
  readonly roundId: string;
  readonly expectedVersion: number;
  readonly answer: CoachAnswer<ToolSuggestions> & { readonly redactions: number };
  readonly catalogue: readonly ToolCatalogueEntry[];
  readonly values: Readonly<Record<string, string>>;
}

export function renderToolSuggestionsCard(data: ToolSuggestionsCardData): AdaptiveCardJson {
  const hidden = { roundId: data.roundId, expectedVersion: data.expectedVersion, step: 'selection' as const };
  const named = data.answer.value.suggestions.map((s) => ({
    ...s, name: s.toolId === 'other' ? s.otherName ?? 'Your own tool' : data.catalogue.find((t) => t.id === s.toolId)?.name ?? s.toolId,
  }));
  return render({
    title: 'Tools that could fit',
    byline: bylineOf(data.answer),
    redactionNote: redactionNoteOf(data.answer.redactions),
    intro: named.length === 0 ? 'Nothing in this round’s list stands out for this; pick the closest, or choose Other and name your own tool.' : 'From this round’s list of tools:',
    sections: named.map((s) => ({ heading: s.name, lines: lines([s.why]) })),
    actions: [
      ...named.map((s) => ({
        title: clip(`Use ${s.name}`, 40), style: 'positive' as const,
        data: { verb: 'useCoachSuggestion', ...hidden, values: { ...data.values, toolId: s.toolId, ...(s.toolId === 'other' ? { otherToolName: s.otherName ?? '' } : {}) } },
      })),
      { title: 'Back to my plan', style: 'default', data: { verb: 'backToPlan', ...hidden, values: data.values } },
    ],
  });
}

export interface LibraryAnswerCardData {
  readonly question: string;
  readonly answer: CoachAnswer<LibraryAnswer> & { readonly redactions: number };
  readonly sources: readonly { readonly title: string; readonly tool: string; readonly url: string | null }[];
  /** Where the library is in the dashboard, for sources that are text rather than a link. */
  readonly libraryUrl: string;
}

export function renderLibraryAnswerCard(data: LibraryAnswerCardData): AdaptiveCardJson {
  const links = data.sources.map((s) => ({ title: clip(`${s.title} (${s.tool})`, 60), url: s.url ?? data.libraryUrl })).filter((l) => /^https?:\/\//.test(l.url));
  return render({
    title: 'From the library',
    byline: bylineOf(data.answer),
    redactionNote: redactionNoteOf(data.answer.redactions),
    intro: `You asked: “${clip(data.question, 300)}”`,
    sections: [
      { heading: 'Answer', lines: lines(data.answer.value.answer.split('\n')) },
      ...(data.sources.length > 0 ? [{ heading: 'Sources', lines: lines(data.sources.map((s) => `${s.title} (${s.tool})`)) }] : []),
    ],
    links,
    actions: [{ title: 'Show commands', style: 'default', data: { verb: 'showHelp' } }],
  });
}

export interface SummaryDraftCardData {
  readonly roundId: string;
  readonly answer: CoachAnswer<SummaryDraft> & { readonly redactions: number };
}

export function renderSummaryDraftCard(data: SummaryDraftCardData): AdaptiveCardJson {
  const draft = data.answer.value;
  return render({
    title: 'A draft of your shareback summary',
    byline: bylineOf(data.answer),
    redactionNote: redactionNoteOf(data.answer.redactions),
    intro: `Drawn from your journal${draft.weeksCited.length > 0 ? ` (weeks of ${draft.weeksCited.join(', ')})` : ''}. "Use this" fills only the parts you have not written yourself; your own words stay.`,
    sections: [
      { heading: 'What worked', lines: lines(draft.worked.split('\n')) },
      { heading: 'What did not', lines: lines(draft.failed.split('\n')) },
      { heading: 'What I would keep testing', lines: lines(draft.keepTesting.split('\n')) },
      { heading: 'What others could reuse', lines: lines(draft.reuse.split('\n')) },
    ].filter((s) => s.lines.length > 0),
    actions: [
      { title: 'Use this', style: 'positive', data: { verb: 'useSummaryDraft', roundId: data.roundId, draft: { worked: draft.worked, failed: draft.failed, keepTesting: [draft.keepTesting, draft.reuse].filter(Boolean).join('\n\n') } } },
    ],
  });
}
