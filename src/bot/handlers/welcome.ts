import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { renderWelcomeCard } from '../../cards/welcome';
import { firstNameOf, welcomeMember } from '../../usecases/welcomeMember';
import { displayNameOf, memberFromActivity } from '../activity';
import type { BotDependencies } from '../dependencies';

/** Install, or a message we did not recognise: remember the person, greet them, say what is next. */
export async function sendWelcome(context: TurnContext, deps: BotDependencies): Promise<void> {
  const member = memberFromActivity(context);
  const welcome = member
    ? await welcomeMember({ member }, deps)
    : { firstName: firstNameOf(displayNameOf(context)), nextStep: 'Open me in a personal chat to take part in a round.' };
  const card = renderWelcomeCard({ firstName: welcome.firstName, nextStep: welcome.nextStep, dashboardUrl: deps.dashboardUrl });
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
