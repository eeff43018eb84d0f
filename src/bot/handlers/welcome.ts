import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { renderWelcomeCard } from '../../cards/welcome';
import { firstNameOf, rememberMember, welcomeMember } from '../../usecases/welcomeMember';
import { displayNameOf, memberFromActivity } from '../activity';
import type { BotDependencies } from '../dependencies';

/** Install, or a message we did not recognise: greet them, say what is next, then remember the person. */
export async function sendWelcome(context: TurnContext, deps: BotDependencies): Promise<void> {
  const member = memberFromActivity(context);
  const welcome = member
    ? await welcomeMember({ member }, deps)
    : { firstName: firstNameOf(displayNameOf(context)), nextStep: 'Open me in a personal chat to take part in a round.', seen: null };
  const card = renderWelcomeCard({ firstName: welcome.firstName, nextStep: welcome.nextStep, dashboardUrl: deps.dashboardUrl });
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  // After the reply, so the person does not wait for storage. A failure here is logged, not answered with an error
  // card after a welcome that did arrive; nothing was recorded, so the next turn tries again.
  if (!welcome.seen) return;
  try {
    await rememberMember(welcome.seen, deps);
  } catch (error) {
    deps.logger.error({ activityId: context.activity.id, err: { message: error instanceof Error ? error.message : String(error), cause: String((error as { cause?: unknown }).cause ?? '') } }, 'could not remember where to reach a person');
  }
}
