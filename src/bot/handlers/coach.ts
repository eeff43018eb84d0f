import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import {
  renderCoachThinkingCard, renderLibraryAnswerCard, renderPlanAdviceCard, renderSummaryDraftCard, renderToolSuggestionsCard, type CoachStep,
} from '../../cards/coach';
import { readFormValues } from '../../cards/forms';
import { renderNoticeCard } from '../../cards/notice';
import { formatDay } from '../../cards/format';
import { renderSummaryReviewCard } from '../../cards/summaryReview';
import { instantOrThrow } from '../../domain/time';
import { coachIsOn } from '../../usecases/coach';
import { HYPOTHESIS_INPUT_IDS, readHypothesisSubmission } from '../../cards/hypothesis';
import { readSelectionSubmission, SELECTION_INPUT_IDS } from '../../cards/selection';
import { isDomainError, type DomainError } from '../../domain/errors';
import type { RoundId } from '../../domain/roundIds';
import { parseRoundId } from '../../domain/roundIds';
import { RUBRIC_QUESTION_IDS } from '../../domain/rubric';
import type { CardContent } from '../../ports/chatMessenger';
import { askLibrary, draftSummaryWithCoach, libraryRoundOf, sharpenPlan, suggestTools, type PlanCoachRequest } from '../../usecases/coach';
import { loadRound } from '../../usecases/access';
import { participantView } from '../../usecases/experiments';
import type { Caller } from '../../usecases/ports';
import { useSummaryDraft } from '../../usecases/sharebackSession';
import type { BotDependencies } from '../dependencies';
import { callerOf, replaceCard, sendCard, sendNotice } from '../reply';
import { hypothesisCardFor, nextStepCardFor, selectionCardFor } from './participant';
import { answerUnknownAction } from './unknownAction';

/**
 * The practice coach in personal chat: "Help me sharpen this" and "Suggest tools" on the step 1–2 cards, "Use
 * this" / "Back to my plan", `ask <question>` for the library, a summary draft, and free text mapped to the
 * existing commands. The coach's answer goes only to the person who asked, on the card they pressed.
 */

/** A coach slower than this turns the card into "the coach is thinking" first, well inside Teams' deadline. */
export const THINKING_AFTER_MS = 1500;

/**
 * Shows `work`'s card in place of the pressed one. When the answer is late, the pressed card first becomes
 * "the coach is thinking…", and that card (whichever activity holds it) is replaced when the answer comes.
 */
async function answerInPlace(context: TurnContext, what: string, work: Promise<CardContent>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), THINKING_AFTER_MS); });
  const first = await Promise.race([work, late]);
  clearTimeout(timer);
  if (first !== 'late') return replaceCard(context, first);
  const thinkingId = await showCard(context, renderCoachThinkingCard(what), context.activity.replyToId);
  const card = await work;
  await showCard(context, card, thinkingId);
}

/** Replaces activity `id` with `card` (or sends it when that is not possible); returns the id now holding it. */
async function showCard(context: TurnContext, card: CardContent, id: string | undefined): Promise<string | undefined> {
  const attachment = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  if (id) {
    try {
      await context.updateActivity({ ...attachment, id });
      return id;
    } catch {
      // Some clients (the Playground among them) cannot update a card: a new message instead.
    }
  }
  return (await context.sendActivity(attachment))?.id;
}

const numberOrNull = (value: string | undefined): number | null => {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

function planRequestOf(step: CoachStep, values: Readonly<Record<string, string | undefined>>): PlanCoachRequest {
  if (step === 'selection') {
    return {
      frictionPoint: values['frictionPoint.description'],
      kpi: values.kpi,
      minutesToday: numberOrNull(values['frictionPoint.minutesToday']),
      scores: Object.fromEntries(RUBRIC_QUESTION_IDS.map((id) => [id, numberOrNull(values[`scores.${id}`])])),
      supportNamed: values.supportNamed,
    };
  }
  return {
    measure: values.measure,
    baseline: { value: numberOrNull(values['baseline.value']), unit: values['baseline.unit'] ?? '' },
    target: { value: numberOrNull(values['target.value']), unit: values['target.unit'] ?? '' },
    howWeWillKnow: values.howWeWillKnow,
  };
}

async function withCaller(context: TurnContext, deps: BotDependencies, run: (caller: Caller) => Promise<void>): Promise<void> {
  const caller = callerOf(context, deps);
  if (!caller) return sendNotice(context, { message: 'Open Practice Loop from Microsoft Teams with your work account to use the coach.' });
  await run(caller);
}

/** The step card again with the person's values and the coach's refusal on top (coach off, nothing to sharpen yet). */
async function stepCardWithError(deps: BotDependencies, caller: Caller, roundId: RoundId, step: CoachStep, values: Record<string, string>, error: DomainError): Promise<CardContent> {
  const view = await participantView(roundId, caller, deps.ports);
  if (isDomainError(view) || !view.experiment) return renderNoticeCard({ title: 'The coach could not help with that', message: error.message });
  const fieldErrors = error.kind === 'invalid_input' ? error.fieldErrors : undefined;
  return step === 'selection'
    ? selectionCardFor(view.round, view.experiment, { values, formError: error.message, errors: fieldErrors })
    : hypothesisCardFor(view.round, view.experiment, deps, { values, formError: error.message, errors: fieldErrors });
}

/** "Help me sharpen this" on step 1 or step 2. */
export async function onCoachPlan(context: TurnContext, deps: BotDependencies): Promise<void> {
  await withCaller(context, deps, async (caller) => {
    const step: CoachStep = (context.activity.value as { step?: unknown } | undefined)?.step === 'hypothesis' ? 'hypothesis' : 'selection';
    const submission = step === 'hypothesis' ? readHypothesisSubmission(context.activity.value) : readSelectionSubmission(context.activity.value);
    const roundId = parseRoundId(submission?.roundId);
    if (!submission || !roundId) return answerUnknownAction(context, deps);
    const values = { ...submission.values } as Record<string, string>;
    await answerInPlace(context, 'Reading your plan…', sharpenPlan(roundId, planRequestOf(step, values), caller, deps.ports).then((answer) => (isDomainError(answer)
      ? stepCardWithError(deps, caller, roundId, step, values, answer)
      : renderPlanAdviceCard({ roundId, expectedVersion: submission.expectedVersion, step, answer, values }))));
  });
}

/** "Suggest tools" on step 1. */
export async function onCoachTools(context: TurnContext, deps: BotDependencies): Promise<void> {
  await withCaller(context, deps, async (caller) => {
    const submission = readSelectionSubmission(context.activity.value);
    const roundId = parseRoundId(submission?.roundId);
    if (!submission || !roundId) return answerUnknownAction(context, deps);
    const values = { ...submission.values } as Record<string, string>;
    const request = { frictionPoint: values['frictionPoint.description'], role: values.role || undefined, otherToolName: values.otherToolName };
    const answer = await suggestTools(roundId, request, caller, deps.ports);
    if (isDomainError(answer)) return replaceCard(context, await stepCardWithError(deps, caller, roundId, 'selection', values, answer));
    const view = await participantView(roundId, caller, deps.ports);
    if (isDomainError(view)) return sendNotice(context, view);
    await replaceCard(context, renderToolSuggestionsCard({ roundId, expectedVersion: submission.expectedVersion, answer, catalogue: view.round.catalogue, values }));
  });
}

const returnSchema = z.object({
  roundId: z.string(),
  step: z.enum(['selection', 'hypothesis']),
  values: z.record(z.unknown()).default({}),
});

/** "Use this" (the person's values with the suggestion in place) or "Back to my plan" (their values as they were). Nothing is saved. */
export async function onReturnToPlan(context: TurnContext, deps: BotDependencies): Promise<void> {
  await withCaller(context, deps, async (caller) => {
    const parsed = returnSchema.safeParse(context.activity.value);
    const roundId = parsed.success ? parseRoundId(parsed.data.roundId) : null;
    if (!parsed.success || !roundId) return answerUnknownAction(context, deps);
    const view = await participantView(roundId, caller, deps.ports);
    if (isDomainError(view)) return sendNotice(context, view);
    if (!view.experiment) return replaceCard(context, await nextStepCardFor(view, deps));
    if (parsed.data.step === 'selection') {
      const values = readFormValues(parsed.data.values, SELECTION_INPUT_IDS) ?? {};
      return replaceCard(context, selectionCardFor(view.round, view.experiment, { values }));
    }
    const values = readFormValues(parsed.data.values, HYPOTHESIS_INPUT_IDS) ?? {};
    await replaceCard(context, await hypothesisCardFor(view.round, view.experiment, deps, { values }));
  });
}

/** `ask <question>` in chat (or a question the chat recognised). */
export async function onAskLibrary(context: TurnContext, deps: BotDependencies, question: string): Promise<void> {
  await withCaller(context, deps, async (caller) => {
    const roundId = await libraryRoundOf(caller, deps.ports);
    if (!roundId) return sendNotice(context, { message: 'The library opens with your first round: colleagues share prompts and workflows there during practice.' }, 'No library yet');
    const answer = await askLibrary(roundId, question, caller, deps.ports);
    if (isDomainError(answer)) return sendNotice(context, answer, 'The library could not answer');
    await sendCard(context, renderLibraryAnswerCard({ question, answer, sources: answer.sources, libraryUrl: deps.dashboardUrl }));
  });
}

/** "Draft with the coach" for the shareback summary. */
export async function onCoachSummary(context: TurnContext, deps: BotDependencies): Promise<void> {
  await withCaller(context, deps, async (caller) => {
    const roundId = parseRoundId((context.activity.value as { roundId?: unknown } | undefined)?.roundId);
    if (!roundId) return answerUnknownAction(context, deps);
    const work = draftSummaryWithCoach(roundId, caller, deps.ports);
    await answerInPlace(context, 'Reading your journal…', work.then((answer) => (isDomainError(answer)
      ? renderNoticeCard({ title: 'The coach could not draft this', message: answer.message })
      : renderSummaryDraftCard({ roundId, answer }))));
  });
}

const summaryDraftSchema = z.object({
  roundId: z.string(),
  draft: z.object({ worked: z.string().max(1500), failed: z.string().max(1500), keepTesting: z.string().max(3100) }),
});

/**
 * "Use this" on a summary draft: fills the parts the person has not written themselves (their words win field
 * by field), and keeps the draft text as their edit, so they can change it like anything they wrote.
 */
export async function onUseSummaryDraft(context: TurnContext, deps: BotDependencies): Promise<void> {
  await withCaller(context, deps, async (caller) => {
    const parsed = summaryDraftSchema.safeParse(context.activity.value);
    const roundId = parsed.success ? parseRoundId(parsed.data.roundId) : null;
    if (!parsed.success || !roundId) return answerUnknownAction(context, deps);
    const used = await useSummaryDraft(roundId, parsed.data.draft, caller, deps.ports);
    if (isDomainError(used)) return sendNotice(context, used, 'The draft was not used');
    const { view: saved, filled: kept } = used;
    const round = await loadRound(roundId, deps.ports);
    if (isDomainError(round)) return answerUnknownAction(context, deps);
    await replaceCard(context, renderSummaryReviewCard({
      roundId, roundName: round.name, ready: saved.ready, summary: saved.summary, coach: coachIsOn(round), coachDrafted: saved.coachDrafted,
      meetingDay: formatDay(instantOrThrow(round.shareback.startsAt).setZone(round.shareback.timeZone).toISODate()!),
      saved: kept === 0 ? 'You had written every part yourself, so nothing was changed.' : 'The coach’s draft fills the parts you had not written, marked as drafted. Change anything, then save.',
    }));
  });
}
