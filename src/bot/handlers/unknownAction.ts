import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { renderNoticeCard } from '../../cards/notice';
import { submittedVerb } from '../activity';
import type { BotDependencies } from '../dependencies';

export const UNKNOWN_ACTION_NOTICE = {
  title: 'That button is no longer available',
  message: 'The card it came from may be out of date. Nothing was changed. Type help to see what you can do now.',
};

/** A card submit whose verb no handler knows (an old card, a tampered payload): say so kindly, log it. */
export async function answerUnknownAction(context: TurnContext, deps: BotDependencies): Promise<void> {
  deps.logger.warn({ activityId: context.activity.id, verb: submittedVerb(context) ?? null }, 'card action with an unknown verb');
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(renderNoticeCard(UNKNOWN_ACTION_NOTICE))));
}
