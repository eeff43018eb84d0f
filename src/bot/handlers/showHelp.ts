import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { renderHelpCard } from '../../cards/help';
import { CHAT_COMMANDS } from '../../domain/commands';

export async function sendHelp(context: TurnContext): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(renderHelpCard({ commands: CHAT_COMMANDS }))));
}
