import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { renderNoticeCard } from '../cards/notice';
import type { DomainError, PolicyToConfirm } from '../domain/errors';
import type { CardContent } from '../ports/chatMessenger';
import type { Caller } from '../usecases/ports';
import { identityFromActivity } from './activity';
import type { BotDependencies } from './dependencies';

export async function sendCard(context: TurnContext, card: CardContent): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}

/**
 * A form's answer replaces the card it came from (the person's values stay where they typed them);
 * when the client gives no card to replace (or refuses the update), it comes as a new message.
 */
export async function replaceCard(context: TurnContext, card: CardContent): Promise<void> {
  const replyToId = context.activity.replyToId;
  if (replyToId) {
    try {
      await context.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id: replyToId });
      return;
    } catch {
      // Some clients (the Playground among them) cannot update a card: fall through to a new message.
    }
  }
  await sendCard(context, card);
}

export async function sendNotice(context: TurnContext, error: Pick<DomainError, 'message'> & { readonly confirmPolicy?: PolicyToConfirm }, title = 'That did not work'): Promise<void> {
  await sendCard(context, renderNoticeCard({ title, message: error.message, confirmPolicy: error.confirmPolicy }));
}

/** The caller behind an activity: Entra id and tenant from Teams, roles from configuration. Null for a non-Teams sender. */
export function callerOf(context: TurnContext, deps: BotDependencies): Caller | null {
  const identity = identityFromActivity(context);
  return identity ? deps.callerFor(identity) : null;
}
