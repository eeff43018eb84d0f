import { DateTime, IANAZone } from 'luxon';
import type { TurnContext } from 'botbuilder';
import { readFollowUpPick, renderFollowUpNeedsTimeCard } from '../../cards/followUpNeedsTime';
import { renderNoticeCard } from '../../cards/notice';
import { loadRound, REFUSALS, roundFor } from '../../usecases/access';
import type { AdaptiveCardJson } from '../../cards/render';
import { readSummarySubmission, renderSummaryReviewCard } from '../../cards/summaryReview';
import { decisionFromCard, readUndecidedSubmission, renderUndecidedCard } from '../../cards/undecided';
import { submittedNumber } from '../../cards/forms';
import { formatDay } from '../../cards/format';
import { isDomainError } from '../../domain/errors';
import { parseUserId } from '../../domain/ids';
import { parseRoundId } from '../../domain/roundIds';
import { instantOrThrow } from '../../domain/time';
import { toolName } from '../../domain/toolCatalogue';
import { pickFollowUpTime, recordDecision, undecidedDecisionContext, undecidedViewFor } from '../../usecases/decisions';
import { editSummary, getSummary } from '../../usecases/sharebackSession';
import type { BotDependencies } from '../dependencies';
import { callerOf, replaceCard, sendNotice } from '../reply';
import { answerUnknownAction } from './unknownAction';
import { coachIsOn } from '../../usecases/coach';

/**
 * Step 5–6 cards: the participant's summary review (Action.Submit `saveSummary`), the owner's one-click
 * decision on an experiment left undecided (Action.Execute `decideExperiment` / `refreshUndecided`: the
 * card becomes the decision for every owner who sees it), and "pick a time" for a follow-up (`pickFollowUpTime`).
 * Each calls the same use case as the meeting tab and the REST API.
 */
const notice = (message: string): AdaptiveCardJson => renderNoticeCard({ title: 'This card is out of date', message });
const notForYou = (): AdaptiveCardJson => renderNoticeCard({ title: 'This card is for the round’s owners', message: 'Only the owners of this round can see and record its decisions. Nothing was changed.' });

export async function onDecideExperiment(context: TurnContext, deps: BotDependencies, data: unknown): Promise<AdaptiveCardJson> {
  const submission = readUndecidedSubmission(data);
  const caller = callerOf(context, deps);
  const roundId = submission ? parseRoundId(submission.roundId) : null;
  const participantId = submission ? parseUserId(submission.participantId) : null;
  if (!submission || !caller || !roundId || !participantId) return notice('This card is not linked to an experiment any more.');
  // The undecided card names the person, their tool and any decision: only the round's owners get it back.
  const decided = await undecidedDecisionContext(roundId, participantId, caller, deps.ports);
  if (isDomainError(decided)) return decided.kind === 'forbidden' ? notForYou() : notice(decided.message);
  const { round, experiment } = decided;
  const tool = experiment.selection ? toolName(experiment.selection.tool) : '';
  const decision = decisionFromCard(submission.values, caller.userId, participantId, tool);
  // The card was sent for an undecided experiment: it decides, it does not overwrite (no expectedVersion once decided).
  const expected = experiment.decision ? undefined : submission.expectedVersion;
  const outcome = await recordDecision(roundId, participantId, decision, expected, caller, deps.ports);
  if (isDomainError(outcome)) {
    deps.logger.info({ activityId: context.activity.id, kind: outcome.kind }, 'decision from the undecided card refused');
    return renderUndecidedCard({
      ...(await undecidedViewFor(round, participantId, deps.ports)),
      values: submission.values,
      errors: outcome.kind === 'invalid_input' ? outcome.fieldErrors : undefined,
      error: outcome.kind === 'invalid_input' ? undefined : outcome.message,
    });
  }
  return renderUndecidedCard(await undecidedViewFor(round, participantId, deps.ports));
}

export async function onRefreshUndecided(context: TurnContext, deps: BotDependencies, data: unknown): Promise<AdaptiveCardJson> {
  const raw = (data ?? {}) as { roundId?: unknown; participantId?: unknown };
  const roundId = parseRoundId(raw.roundId);
  const participantId = parseUserId(raw.participantId);
  const caller = callerOf(context, deps);
  if (!roundId || !participantId || !caller) return notice('This card is not linked to an experiment any more.');
  const round = await roundFor(roundId, 'manageRound', REFUSALS.manageRound, caller, deps.ports);
  if (isDomainError(round)) return round.kind === 'forbidden' ? notForYou() : notice('This card is not linked to an experiment any more.');
  return renderUndecidedCard(await undecidedViewFor(round, participantId, deps.ports));
}

export async function onSaveSummary(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = callerOf(context, deps);
  const submission = readSummarySubmission(context.activity.value);
  const roundId = submission ? parseRoundId(submission.roundId) : null;
  if (!caller || !submission || !roundId) return answerUnknownAction(context, deps);
  const { ready, resultValue, ...text } = submission.values;
  const edits: Record<string, unknown> = { ...text };
  if (resultValue !== undefined) edits.resultValue = resultValue.trim() === '' ? null : submittedNumber(resultValue);
  const saved = await editSummary(roundId, { edits, ready: ready === 'true' }, caller, deps.ports);
  const round = await loadRound(roundId, deps.ports);
  if (isDomainError(round)) return answerUnknownAction(context, deps);
  const meetingDay = formatDay(instantOrThrow(round.shareback.startsAt).setZone(round.shareback.timeZone).toISODate()!);
  if (isDomainError(saved)) {
    const current = await getSummary(roundId, caller.userId, caller, deps.ports);
    if (isDomainError(current)) return replaceCard(context, renderNoticeCard({ title: 'Your summary could not be saved', message: saved.message }));
    return replaceCard(context, renderSummaryReviewCard({
      roundId, roundName: round.name, meetingDay, summary: current.summary, ready: current.ready, values: submission.values, coach: coachIsOn(round), coachDrafted: current.coachDrafted,
      errors: saved.kind === 'invalid_input' ? saved.fieldErrors : undefined, error: saved.kind === 'invalid_input' ? undefined : saved.message,
    }));
  }
  await replaceCard(context, renderSummaryReviewCard({
    roundId, roundName: round.name, meetingDay, summary: saved.summary, ready: saved.ready, coach: coachIsOn(round), coachDrafted: saved.coachDrafted,
    saved: saved.ready ? 'Saved and marked ready. You can still change it until the meeting.' : 'Saved. Mark it ready when you are happy with it.',
  }));
}

export async function onPickFollowUpTime(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = callerOf(context, deps);
  const pick = readFollowUpPick(context.activity.value);
  const roundId = pick ? parseRoundId(pick.roundId) : null;
  const participantId = pick ? parseUserId(pick.participantId) : null;
  if (!caller || !pick || !roundId || !participantId) return answerUnknownAction(context, deps);
  // The owner picked a wall-clock time in the zone the card named; an unknown zone falls back to UTC.
  const timeZone = IANAZone.isValidZone(pick.timeZone) ? pick.timeZone : 'UTC';
  const local = /^\d{4}-\d{2}-\d{2}$/.test(pick.date) && /^\d{2}:\d{2}$/.test(pick.time) ? DateTime.fromISO(`${pick.date}T${pick.time}`, { zone: timeZone }) : null;
  const start = local?.isValid ? local.toUTC().toISO()! : '';
  const outcome = await pickFollowUpTime(roundId, participantId, start, caller, deps.ports);
  // A refusal for someone who may not book it re-renders nothing of the person it names.
  if (isDomainError(outcome) && (outcome.kind === 'forbidden' || outcome.kind === 'not_found')) return sendNotice(context, outcome, 'No follow-up booked');
  const name = (await deps.directory.getPerson(participantId))?.displayName ?? 'your colleague';
  const base = { roundId, participantId, participantName: name, timeZone, reason: '', suggestedDate: pick.date, dashboardUrl: deps.dashboardUrl, values: { date: pick.date, time: pick.time } };
  if (isDomainError(outcome)) {
    return replaceCard(context, renderFollowUpNeedsTimeCard({ ...base, errorStart: outcome.kind === 'invalid_input' ? (outcome.fieldErrors?.start ?? outcome.message) : '', error: outcome.kind === 'invalid_input' ? '' : outcome.message }));
  }
  await replaceCard(context, renderFollowUpNeedsTimeCard({ ...base, booked: outcome.status === 'done' ? outcome.detail : '', errorStart: outcome.status === 'done' ? '' : outcome.detail }));
}
