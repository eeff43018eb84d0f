import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { renderNoticeCard } from '../cards/notice';
import { matchCommand } from '../domain/commands';
import type { ChatMessenger } from '../ports/chatMessenger';
import { isCardSubmit } from './activity';
import type { BotDependencies } from './dependencies';
import { sendHelp } from './handlers/showHelp';
import { onAcknowledgePolicy, onBackToSelection, onSaveSelection, onSubmitPlan, showNextStep } from './handlers/participant';
import { onCreateRound, onNewRoundCommand, onRoundSummaryAction } from './handlers/rounds';
import { onRefreshReview, onReviewAction } from './handlers/review';
import { onUndoMove } from './handlers/practiceTime';
import { onDecideExperiment, onPickFollowUpTime, onRefreshUndecided, onSaveSummary } from './handlers/shareback';
import { onOpenJournal, onSaveJournal } from './handlers/journal';
import { onSaveAsset, onSaveAssetCommand, onShareAsset } from './handlers/assets';
import { onDigestExtendWindow, onProposeCheckIn, onSendEncouragement } from './handlers/checkIns';
import { answerUnknownAction } from './handlers/unknownAction';
import { onAskLibrary, onChatText, onCoachPlan, onCoachSummary, onCoachTools, onReturnToPlan, onUseSummaryDraft } from './handlers/coach';
import { sendWelcome } from './handlers/welcome';
import { createChatMessenger, type CreateChatMessengerOptions } from './messenger';

/**
 * The bot: a teams-ai Application on botbuilder's CloudAdapter (TeamsAdapter). Every botbuilder and
 * teams-ai import stays inside src/bot, so moving to another SDK touches this folder alone.
 */
export interface BotCredentials {
  readonly appId?: string;
  readonly appPassword?: string;
  readonly appTenantId?: string;
  readonly appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  /** Where the Bot Framework's signing keys are published; tests point it at a local issuer (botbuilder's default otherwise). */
  readonly openIdMetadataUrl?: string;
}

export interface Bot {
  /** Express handler for POST /api/messages. */
  handle(req: Request, res: Response): Promise<void>;
  /** Proactive cards into personal chats, on the same adapter and credentials as `handle`. */
  readonly messenger: ChatMessenger;
}

export interface CreateBotOptions {
  /** Pace and retries of proactive sends (defaults: 50/s per tenant, 5 attempts). */
  readonly messenger?: Omit<CreateChatMessengerOptions, 'botAppId' | 'logger'>;
}

// The smallest shape botbuilder needs to route an activity; anything less is a 400 before auth or routing.
const activityShape = z.object({ type: z.string().min(1) }).passthrough();

export function createBot(credentials: BotCredentials, deps: BotDependencies, options: CreateBotOptions = {}): Bot {
  // Empty MicrosoftAppId = anonymous (local emulators only; config refuses it when AUTH_MODE=entra).
  const adapter = new TeamsAdapter({
    MicrosoftAppId: credentials.appId ?? '',
    MicrosoftAppPassword: credentials.appPassword ?? '',
    MicrosoftAppTenantId: credentials.appTenantId ?? '',
    MicrosoftAppType: credentials.appType,
    ...(credentials.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: credentials.openIdMetadataUrl, ToBotFromEmulatorOpenIdMetadataUrl: credentials.openIdMetadataUrl } : {}),
  });
  const app = new Application<TurnState>({ adapter, botAppId: credentials.appId ?? '', removeRecipientMention: true });

  app.conversationUpdate('membersAdded', async (context) => {
    const botWasAdded = (context.activity.membersAdded ?? []).some((member) => member.id === context.activity.recipient.id);
    if (botWasAdded) await sendWelcome(context, deps);
  });

  // Card submits first (they are messages too), then typed commands, then the welcome as a fallback.
  app.adaptiveCards.actionSubmit('showHelp', async (context) => sendHelp(context));
  app.adaptiveCards.actionSubmit(['startExperiment', 'reviseExperiment'], async (context) => showNextStep(context, deps));
  app.adaptiveCards.actionSubmit('acknowledgePolicy', async (context) => onAcknowledgePolicy(context, deps));
  app.adaptiveCards.actionSubmit('saveSelection', async (context) => onSaveSelection(false)(context, deps));
  app.adaptiveCards.actionSubmit('continueToPlan', async (context) => onSaveSelection(true)(context, deps));
  app.adaptiveCards.actionSubmit('backToSelection', async (context) => onBackToSelection(context, deps));
  app.adaptiveCards.actionSubmit('submitPlan', async (context) => onSubmitPlan(context, deps));
  app.adaptiveCards.actionSubmit('createRound', async (context) => onCreateRound(context, deps));
  app.adaptiveCards.actionSubmit(['openRound', 'refreshRoundSummary'], async (context) => onRoundSummaryAction(context, deps));
  app.adaptiveCards.actionSubmit('undoMove', async (context) => onUndoMove(context, deps));
  app.adaptiveCards.actionSubmit('saveSummary', async (context) => onSaveSummary(context, deps));
  app.adaptiveCards.actionSubmit('pickFollowUpTime', async (context) => onPickFollowUpTime(context, deps));
  app.adaptiveCards.actionSubmit('openJournal', async (context) => onOpenJournal(context, deps));
  app.adaptiveCards.actionSubmit('saveJournal', async (context) => onSaveJournal(context, deps));
  app.adaptiveCards.actionSubmit('saveAsset', async (context) => onSaveAsset(context, deps));
  app.adaptiveCards.actionSubmit('shareAsset', async (context) => onShareAsset(context, deps));
  app.adaptiveCards.actionSubmit('sendEncouragement', async (context) => onSendEncouragement(context, deps));
  app.adaptiveCards.actionSubmit('proposeCheckIn', async (context) => onProposeCheckIn(context, deps));
  app.adaptiveCards.actionSubmit('digestExtendWindow', async (context) => onDigestExtendWindow(context, deps));
  app.adaptiveCards.actionSubmit('coachPlan', async (context) => onCoachPlan(context, deps));
  app.adaptiveCards.actionSubmit('coachTools', async (context) => onCoachTools(context, deps));
  app.adaptiveCards.actionSubmit(['useCoachSuggestion', 'backToPlan'], async (context) => onReturnToPlan(context, deps));
  app.adaptiveCards.actionSubmit('coachSummary', async (context) => onCoachSummary(context, deps));
  app.adaptiveCards.actionSubmit('useSummaryDraft', async (context) => onUseSummaryDraft(context, deps));
  // Action.Execute (Universal Actions): the invoke answers with the card as this viewer should now see it.
  for (const verb of ['approvePlan', 'requestChanges', 'extendWindow'] as const) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data: unknown) => onReviewAction(verb)(context, deps, data));
  }
  app.adaptiveCards.actionExecute('refreshReview', async (context, _state, data: unknown) => onRefreshReview(context, deps, data));
  app.adaptiveCards.actionExecute('decideExperiment', async (context, _state, data: unknown) => onDecideExperiment(context, deps, data));
  app.adaptiveCards.actionExecute('refreshUndecided', async (context, _state, data: unknown) => onRefreshUndecided(context, deps, data));
  app.addRoute(async (context) => isCardSubmit(context), async (context) => answerUnknownAction(context, deps));
  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === 'adaptiveCard/action',
    async (context) => {
      deps.logger.warn({ activityId: context.activity.id }, 'Action.Execute with an unknown verb');
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: renderNoticeCard({ title: 'That button is no longer available', message: 'Nothing was changed. Type help to see what you can do now.' }) } },
      });
    },
    true,
  );
  app.message(async (context) => matchCommand(context.activity.text ?? '')?.keyword === 'help', async (context) => sendHelp(context));
  app.message(async (context) => matchCommand(context.activity.text ?? '')?.keyword === 'new round', async (context) => onNewRoundCommand(context, deps));
  app.message(async (context) => matchCommand(context.activity.text ?? '')?.keyword === 'journal', async (context) => onOpenJournal(context, deps));
  app.message(async (context) => matchCommand(context.activity.text ?? '')?.keyword === 'save asset', async (context) => onSaveAssetCommand(context, deps));
  app.message(async (context) => matchCommand(context.activity.text ?? '')?.keyword === 'ask', async (context) => sendHelp(context));
  app.message(async (context) => /^\s*ask\s+\S/i.test(context.activity.text ?? ''), async (context) => onAskLibrary(context, deps, (context.activity.text ?? '').trim().replace(/^ask\s+/i, '')));
  // Anything else typed in personal chat: the coach maps it to a command, or answers with the help card.
  app.activity(ActivityTypes.Message, async (context) => ((context.activity.text ?? '').trim() !== '' && context.activity.conversation?.conversationType !== 'groupChat' && context.activity.conversation?.conversationType !== 'channel'
    ? onChatText(context, deps)
    : sendWelcome(context, deps)));

  app.error(async (context: TurnContext, error: Error) => {
    deps.logger.error({ activityId: context.activity.id, err: { message: error.message, cause: String((error as { cause?: unknown }).cause ?? '') } }, 'bot turn failed');
    if (context.activity.type === ActivityTypes.Message) {
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(
        renderNoticeCard({ title: 'Something went wrong on our side', message: 'Your message was not lost; please try again in a minute.' }))));
    }
  });

  return {
    messenger: createChatMessenger(adapter, { ...options.messenger, botAppId: credentials.appId ?? '', logger: deps.logger }),
    async handle(req, res) {
      const parsed = activityShape.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ error: 'The request body must be a Bot Framework activity: a JSON object with a "type".' });
        return;
      }
      await adapter.process(req, res, async (context) => {
        await app.run(context);
      });
    },
  };
}
