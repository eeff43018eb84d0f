import type { TurnContext } from 'botbuilder';
import { renderAcknowledgementCard, readAcknowledgementSubmission, acknowledgeInputOf, type AcknowledgementValues } from '../../cards/acknowledgement';
import { formatDay, formatShortDateTime } from '../../cards/format';
import { renderHypothesisCard, readHypothesisSubmission, hypothesisInputFromValues, hypothesisValuesOf } from '../../cards/hypothesis';
import { renderPlanStatusCard } from '../../cards/planStatus';
import { renderSelectionCard, readSelectionSubmission, selectionInputFromValues, selectionValuesOf, type SelectionValues } from '../../cards/selection';
import { isDomainError, type DomainError } from '../../domain/errors';
import { loadRound } from '../../usecases/access';
import type { Experiment } from '../../domain/experiment';
import { currentPolicyVersion, type Round } from '../../domain/round';
import { parseRoundId } from '../../domain/roundIds';
import { fitOfSelection } from '../../domain/rubric';
import { acknowledgePolicy, participantView, saveSelection, submitPlan } from '../../usecases/experiments';
import type { Caller } from '../../usecases/ports';
import { coachIsOn } from '../../usecases/coach';
import type { BotDependencies } from '../dependencies';
import { callerOf, replaceCard, sendNotice } from '../reply';
import { answerUnknownAction } from './unknownAction';

/**
 * Steps 1–2 in personal chat: kickoff → safe-use acknowledgement → selection (with the rubric's fit) →
 * hypothesis → sent for review. Each handler parses the card, calls the use case, renders the next card;
 * an invalid submit comes back as the same card with the person's values and the error by the field.
 */

const fieldErrorsOf = (error: DomainError) => (error.kind === 'invalid_input' ? error.fieldErrors ?? {} : {});
const formErrorOf = (error: DomainError) => (error.kind === 'invalid_input' && error.fieldErrors && Object.keys(error.fieldErrors).length > 0 ? undefined : error.message);

function fitOf(experiment: Experiment, round: Round) {
  return experiment.selection ? fitOfSelection(experiment.selection, round) : null;
}

function acknowledgementCard(round: Round, deps: BotDependencies, extra: { values?: AcknowledgementValues; errors?: Record<string, string>; formError?: string; previousVersion?: number } = {}) {
  const policy = currentPolicyVersion(round);
  return renderAcknowledgementCard({
    roundId: round.id,
    roundName: round.name,
    policy: { version: policy?.version ?? 0, text: policy?.text ?? '', publishedOn: policy ? formatDay(policy.publishedAt.slice(0, 10)) : '' },
    fullPolicyUrl: deps.dashboardUrl,
    catalogue: round.catalogue,
    ...extra,
  });
}

export function selectionCardFor(round: Round, experiment: Experiment, extra: { values?: SelectionValues; errors?: Readonly<Record<string, string>>; formError?: string; withFit?: boolean } = {}) {
  return renderSelectionCard({
    roundId: round.id,
    expectedVersion: experiment.version,
    catalogue: round.catalogue,
    values: extra.values ?? (experiment.selection ? selectionValuesOf(experiment.selection) : undefined),
    assessment: extra.withFit ? fitOf(experiment, round) : null,
    errors: extra.errors,
    formError: extra.formError,
    coach: coachIsOn(round),
  });
}

export async function hypothesisCardFor(round: Round, experiment: Experiment, deps: BotDependencies, extra: { values?: ReturnType<typeof hypothesisValuesOf>; errors?: Readonly<Record<string, string>>; formError?: string } = {}) {
  const lastReview = experiment.reviews.at(-1);
  const changesRequested = experiment.state === 'changes_requested' && lastReview?.decision === 'changes_requested'
    ? { reviewerName: (await deps.directory.getPerson(lastReview.by))?.displayName ?? 'Your reviewer', on: formatShortDateTime(lastReview.at, round.shareback.timeZone, deps.clock.now().toISOString()), comment: lastReview.comment }
    : null;
  return renderHypothesisCard({
    roundId: round.id,
    expectedVersion: experiment.version,
    assessment: fitOf(experiment, round),
    values: extra.values ?? (experiment.hypothesis ? hypothesisValuesOf(experiment.hypothesis) : undefined),
    errors: extra.errors,
    formError: extra.formError,
    changesRequested,
    coach: coachIsOn(round),
  });
}

async function reviewerName(experiment: Experiment, deps: BotDependencies): Promise<string> {
  return experiment.reviewerId ? (await deps.directory.getPerson(experiment.reviewerId))?.displayName ?? 'your manager' : 'your manager';
}

/** Where the person is in steps 1–2 decides the card: acknowledge, select, plan, or wait for the review. */
export async function nextStepCardFor(view: { round: Round; experiment: Experiment | null; needsAcknowledgement: boolean; previousVersion?: number }, deps: BotDependencies) {
  const { round, experiment } = view;
  if (view.needsAcknowledgement || !experiment) return acknowledgementCard(round, deps, { previousVersion: view.previousVersion });
  if (experiment.state === 'draft') return selectionCardFor(round, experiment, { withFit: Boolean(experiment.selection) });
  if (experiment.state === 'changes_requested') return hypothesisCardFor(round, experiment, deps);
  if (experiment.state === 'submitted') return renderPlanStatusCard({ kind: 'submitted', reviewerName: await reviewerName(experiment, deps) });
  const lastReview = experiment.reviews.at(-1);
  return renderPlanStatusCard({ kind: 'approved', reviewerName: await reviewerName(experiment, deps), comment: lastReview?.comment || undefined });
}

function roundIdFrom(context: TurnContext) {
  const value = context.activity.value as { roundId?: unknown } | undefined;
  return parseRoundId(value?.roundId);
}

async function withCaller(context: TurnContext, deps: BotDependencies, run: (caller: Caller) => Promise<void>) {
  const caller = callerOf(context, deps);
  if (!caller) return sendNotice(context, { message: 'Open Practice Loop from Microsoft Teams with your work account to take part.' });
  await run(caller);
}

/** "Start" on the kickoff card, or "change what they asked for" on a plan-status card. */
export async function showNextStep(context: TurnContext, deps: BotDependencies): Promise<void> {
  await withCaller(context, deps, async (caller) => {
    const roundId = roundIdFrom(context);
    if (!roundId) return answerUnknownAction(context, deps);
    const view = await participantView(roundId, caller, deps.ports);
    if (isDomainError(view)) return sendNotice(context, view);
    await replaceCard(context, await nextStepCardFor({ ...view, previousVersion: view.needsAcknowledgement ? view.acknowledgement?.policyVersion : undefined }, deps));
  });
}

export async function onAcknowledgePolicy(context: TurnContext, deps: BotDependencies): Promise<void> {
  await withCaller(context, deps, async (caller) => {
    const submission = readAcknowledgementSubmission(context.activity.value);
    const roundId = parseRoundId(submission?.roundId);
    if (!submission || !roundId) return answerUnknownAction(context, deps);
    const { input, role, roleError } = acknowledgeInputOf(submission, caller.userId);
    const view = roleError ? null : await acknowledgePolicy(roundId, input, caller, deps.ports);
    if (view === null || isDomainError(view)) {
      const round = await loadRound(roundId, deps.ports);
      if (isDomainError(round)) return sendNotice(context, round);
      const errors = { ...(view ? fieldErrorsOf(view) : {}), ...(roleError ? { role: roleError } : {}) };
      return replaceCard(context, acknowledgementCard(round, deps, { values: submission.values, errors, formError: view ? formErrorOf(view) : undefined }));
    }
    if (!view.experiment) return sendNotice(context, { message: 'Your confirmation is saved, but your experiment could not be started; press Start again.' });
    // Carry the role and tool chosen here into step 1, unless step 1 already has its own.
    const saved = view.experiment.selection ? selectionValuesOf(view.experiment.selection) : { role: role ?? undefined, toolId: submission.values.toolId, otherToolName: submission.values.otherToolName, otherToolTermsUrl: submission.values.otherToolTermsUrl };
    await replaceCard(context, view.experiment.state === 'draft' ? selectionCardFor(view.round, view.experiment, { values: saved }) : await nextStepCardFor(view, deps));
  });
}

/** "Check my fit" (stay on step 1 with the assessment) and "Next: my hypothesis" (save, then step 2). */
export function onSaveSelection(moveOn: boolean) {
  return async (context: TurnContext, deps: BotDependencies): Promise<void> => withCaller(context, deps, async (caller) => {
    const submission = readSelectionSubmission(context.activity.value);
    const roundId = parseRoundId(submission?.roundId);
    if (!submission || !roundId) return answerUnknownAction(context, deps);
    const view = await participantView(roundId, caller, deps.ports);
    if (isDomainError(view)) return sendNotice(context, view);
    if (!view.experiment || view.needsAcknowledgement) return replaceCard(context, await nextStepCardFor(view, deps));
    const input = selectionInputFromValues(submission.values, view.round.catalogue);
    const saved = isDomainError(input) ? input : await saveSelection(roundId, input, submission.expectedVersion, caller, deps.ports);
    if (isDomainError(saved)) {
      return replaceCard(context, selectionCardFor(view.round, view.experiment, { values: submission.values, errors: fieldErrorsOf(saved), formError: formErrorOf(saved) }));
    }
    await replaceCard(context, moveOn ? await hypothesisCardFor(saved.round, saved.experiment, deps) : selectionCardFor(saved.round, saved.experiment, { withFit: true }));
  });
}

export async function onBackToSelection(context: TurnContext, deps: BotDependencies): Promise<void> {
  await withCaller(context, deps, async (caller) => {
    const roundId = roundIdFrom(context);
    if (!roundId) return answerUnknownAction(context, deps);
    const view = await participantView(roundId, caller, deps.ports);
    if (isDomainError(view)) return sendNotice(context, view);
    if (!view.experiment) return replaceCard(context, await nextStepCardFor(view, deps));
    await replaceCard(context, selectionCardFor(view.round, view.experiment, { withFit: true }));
  });
}

export async function onSubmitPlan(context: TurnContext, deps: BotDependencies): Promise<void> {
  await withCaller(context, deps, async (caller) => {
    const submission = readHypothesisSubmission(context.activity.value);
    const roundId = parseRoundId(submission?.roundId);
    if (!submission || !roundId) return answerUnknownAction(context, deps);
    const view = await participantView(roundId, caller, deps.ports);
    if (isDomainError(view)) return sendNotice(context, view);
    if (!view.experiment) return replaceCard(context, await nextStepCardFor(view, deps));
    const input = hypothesisInputFromValues(submission.values);
    const submitted = isDomainError(input) ? input : await submitPlan(roundId, input, submission.expectedVersion, caller, deps.ports);
    if (isDomainError(submitted)) {
      return replaceCard(context, await hypothesisCardFor(view.round, view.experiment, deps, { values: submission.values, errors: fieldErrorsOf(submitted), formError: formErrorOf(submitted) }));
    }
    await replaceCard(context, renderPlanStatusCard({ kind: 'submitted', reviewerName: await reviewerName(submitted.experiment, deps) }));
  });
}
