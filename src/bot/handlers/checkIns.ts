import type { TurnContext } from 'botbuilder';
import { readDigestAction } from '../../cards/checkInDigest';
import { formatDateTime } from '../../cards/format';
import { renderNoticeCard } from '../../cards/notice';
import { isDomainError } from '../../domain/errors';
import { parseUserId } from '../../domain/ids';
import { parseRoundId } from '../../domain/roundIds';
import { proposeCheckIn, sendEncouragement } from '../../usecases/checkIns';
import { reviewPlan } from '../../usecases/experiments';
import type { BotDependencies } from '../dependencies';
import { callerOf, sendCard, sendNotice } from '../reply';
import { answerUnknownAction } from './unknownAction';

/** The digest's actions answer in a new message, so the digest stays as it was for the other reports. */
function digestAction(context: TurnContext, deps: BotDependencies) {
  const caller = callerOf(context, deps);
  const action = readDigestAction(context.activity.value);
  const roundId = action ? parseRoundId(action.roundId) : null;
  const userId = action ? parseUserId(action.userId) : null;
  return caller && action && roundId && userId ? { caller, roundId, userId, message: action.message } : null;
}

export async function onSendEncouragement(context: TurnContext, deps: BotDependencies): Promise<void> {
  const action = digestAction(context, deps);
  if (!action) return answerUnknownAction(context, deps);
  const sent = await sendEncouragement(action.roundId, action.userId, action.message, action.caller, deps.ports);
  if (isDomainError(sent)) return sendNotice(context, sent, 'Your note was not sent');
  await sendCard(context, renderNoticeCard({ title: 'Note sent', message: 'It is in their chat with Practice Loop.' }));
}

export async function onProposeCheckIn(context: TurnContext, deps: BotDependencies): Promise<void> {
  const action = digestAction(context, deps);
  if (!action) return answerUnknownAction(context, deps);
  const booked = await proposeCheckIn(action.roundId, action.userId, action.caller, deps.ports);
  if (isDomainError(booked)) return sendNotice(context, booked, 'No check-in booked');
  const zone = (await deps.directory.getTimeZone(action.caller.userId)) ?? 'UTC';
  await sendCard(context, renderNoticeCard({ title: 'Check-in booked', message: `15 minutes with ${booked.withName} on ${formatDateTime(booked.start, zone)}, in both calendars. Move it in Outlook if it does not suit.` }));
}

export async function onDigestExtendWindow(context: TurnContext, deps: BotDependencies): Promise<void> {
  const action = digestAction(context, deps);
  if (!action) return answerUnknownAction(context, deps);
  const changed = await reviewPlan(action.roundId, action.userId, { kind: 'extendWindow', days: 7 }, undefined, action.caller, deps.ports);
  if (isDomainError(changed)) return sendNotice(context, changed, 'The window was not extended');
  await sendCard(context, renderNoticeCard({ title: 'Window extended', message: `Their practice window is now ${changed.experiment.windowExtensionDays} days longer than the round's.` }));
}
