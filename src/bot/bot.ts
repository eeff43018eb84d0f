import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { renderNoticeCard } from '../cards/notice';
import { matchCommand } from '../domain/commands';
import { withoutControlCharacters } from '../domain/text';
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
import { onAskLibrary, onCoachPlan, onCoachSummary, onCoachTools, onReturnToPlan, onUseSummaryDraft } from './handlers/coach';
import { sendWelcome } from './handlers/welcome';
import { onChatText, registerChatActions } from './handlers/chat';
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
  /** Local dev only: accept activities whose serviceUrl is plain http on loopback (the Playground, test connectors). */
  readonly allowLoopbackHttp?: boolean;
}

/**
 * What an activity must carry before anything reads or stores it: a type, who sent it and to whom, the
 * conversation, and a serviceUrl replies can go to. The serviceUrl becomes the person's stored conversation
 * reference, so it must be https (Teams' connector always is); plain http only to loopback, and only in local dev.
 */
export function serviceUrlAllowed(raw: string, options: { allowLoopbackHttp: boolean }): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return url.hostname.length > 0;
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  return url.protocol === 'http:' && loopback && options.allowLoopbackHttp;
}

function activitySchema(options: { allowLoopbackHttp: boolean }) {
  const party = z.object({ id: z.string().min(1).max(1024) }).passthrough();
  return z.object({
    type: z.string().min(1).max(64),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.string().max(2048).refine((url) => serviceUrlAllowed(url, options), {
      message: options.allowLoopbackHttp ? 'serviceUrl must be an https URL (or http on loopback)' : 'serviceUrl must be an https URL',
    }),
    from: party,
    recipient: party,
    conversation: party,
  }).passthrough();
}

/**
 * Every route of the bot on a teams-ai Application. `createBot` runs it behind the TeamsAdapter; tests run whole
 * turns through it with botbuilder's TestAdapter (tests/usecases/bot-turns.test.ts), no HTTP or connector needed.
 */
export function createBotApplication(adapter: TeamsAdapter, botAppId: string, deps: BotDependencies): Application<TurnState> {
  const app = new Application<TurnState>({ adapter, botAppId, removeRecipientMention: true, ...(deps.chat ? { ai: { planner: deps.chat.planner } } : {}) });
  if (deps.chat) registerChatActions(app, deps);

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
  app.adaptiveCards.actionSubmit(['openRound', 'refreshRoundSummary', 'resendKickoff'], async (context) => onRoundSummaryAction(context, deps));
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
  // Anything else typed in personal chat: a greeting gets the welcome; the rest is mapped to a command or card by
  // the planner (else the help card) or, with no model, the basic coach's rules (else the welcome). This route takes
  // every message, so teams-ai never runs the planner on its own: onChatText decides when a model is asked.
  app.activity(ActivityTypes.Message, async (context, state) => ((context.activity.text ?? '').trim() !== '' && context.activity.conversation?.conversationType !== 'groupChat' && context.activity.conversation?.conversationType !== 'channel'
    ? onChatText(context, state, deps, app)
    : sendWelcome(context, deps)));

  app.error(async (context: TurnContext, error: Error) => {
    deps.logger.error({ activityId: context.activity.id, err: { message: error.message, cause: String((error as { cause?: unknown }).cause ?? '') } }, 'bot turn failed');
    if (context.activity.type === ActivityTypes.Message) {
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(
        renderNoticeCard({ title: 'Something went wrong on our side', message: 'Your message was not lost; please try again in a minute.' }))));
    }
  });
  return app;
}

export function createBot(credentials: BotCredentials, deps: BotDependencies, options: CreateBotOptions = {}): Bot {
  // Empty MicrosoftAppId = anonymous (local emulators only; config refuses it when AUTH_MODE=entra).
  const adapter = new TeamsAdapter({
    MicrosoftAppId: credentials.appId ?? '',
    MicrosoftAppPassword: credentials.appPassword ?? '',
    MicrosoftAppTenantId: credentials.appTenantId ?? '',
    MicrosoftAppType: credentials.appType,
    ...(credentials.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: credentials.openIdMetadataUrl, ToBotFromEmulatorOpenIdMetadataUrl: credentials.openIdMetadataUrl } : {}),
  });
  const app = createBotApplication(adapter, credentials.appId ?? '', deps);
  const activityShape = activitySchema({ allowLoopbackHttp: options.allowLoopbackHttp ?? false });

  return {
    messenger: createChatMessenger(adapter, { ...options.messenger, botAppId: credentials.appId ?? '', logger: deps.logger }),
    async handle(req, res) {
      const parsed = activityShape.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.path.join('.') || 'body';
        res.status(400).json({ error: `The request body must be a Bot Framework activity: ${field} ${issue?.code === 'invalid_type' && issue.received === 'undefined' ? 'is missing' : `is not valid (${issue?.message ?? 'unreadable'})`}.` });
        return;
      }
      // Card submissions and typed text lose control characters (other than tab and line breaks) before any handler reads them.
      if (req.body.value !== undefined) req.body.value = withoutControlCharacters(req.body.value);
      if (typeof req.body.text === 'string') req.body.text = withoutControlCharacters(req.body.text);
      // botbuilder's process() answers a failure with the error's own message as the body (a network error, a
      // key-fetch URL): it answers into this capture instead, and the person gets a plain status and sentence.
      const captured: { status: number; body: unknown } = { status: 200, body: undefined };
      const capture = {
        status(code: number) { captured.status = code; return capture; },
        send(body: unknown) { captured.body = body; return capture; },
        header(name: string, value: string) { res.header(name, value); return capture; },
        end() { return capture; },
      };
      await adapter.process(req, capture as unknown as Response, async (context) => {
        await app.run(context);
      });
      if (captured.status === 401) {
        deps.logger.info({ activityId: parsed.data.id }, 'bot activity refused: not authenticated by the Bot Framework');
        res.status(401).json({ error: 'This endpoint only accepts activities from the Bot Framework.' });
        return;
      }
      if (captured.status >= 500) {
        // The Bot Framework's signing keys could not be fetched, or the connector could not be reached to answer.
        deps.logger.error({ activityId: parsed.data.id, err: { message: typeof captured.body === 'string' ? captured.body.slice(0, 500) : 'unknown' } }, 'bot activity could not be processed');
        res.status(503).json({ error: 'The bot cannot take this activity right now; try again shortly.' });
        return;
      }
      res.status(captured.status);
      if (captured.body !== undefined) res.send(captured.body);
      res.end();
    },
  };
}
