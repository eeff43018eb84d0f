import type { TurnContext } from 'botbuilder';
import { AI, type Application, type TurnState } from '@microsoft/teams-ai';
import { z } from 'zod';
import { basicChatIntent, isGreeting, quoteAsData, type ChatIntentName } from '../../domain/coach';
import { chatMayUseModel, redactChatText } from '../../usecases/coach';
import { openParticipantView } from '../../usecases/experiments';
import { newCallRecord, type CallRecord } from '../coach/openAIModel';
import type { BotDependencies } from '../dependencies';
import { callerOf, sendCard } from '../reply';
import { onSaveAssetCommand } from './assets';
import { onAskLibrary } from './coach';
import { onOpenJournal } from './journal';
import { nextStepCardFor } from './participant';
import { onNewRoundCommand } from './rounds';
import { sendHelp } from './showHelp';
import { sendWelcome } from './welcome';

/**
 * Free text in personal chat. A greeting gets the welcome at once, before anything else reads the text. With a
 * model configured, teams-ai's planner maps the rest to one of the actions below (`app.ai.action`); anything it
 * cannot map — no action, an action that does not exist, parameters that do not fit — and any model failure or
 * timeout gets the help card. With no model (or for someone in an open round whose owners switched the coach off, or
 * a sender with no Entra identity), the basic coach's rules map the text to the same actions, and text they do not
 * recognise gets the welcome with the person's next step, as it always has.
 */

/** The app's commands and cards as the planner's actions (src/prompts/chat/actions.json describes each to the model). */
export const CHAT_ACTIONS = ['start_plan', 'show_my_plan', 'open_journal', 'save_asset', 'ask_library', 'new_round', 'show_help'] as const;
export type ChatAction = (typeof CHAT_ACTIONS)[number];

const ACTION_OF_INTENT: Readonly<Record<ChatIntentName, ChatAction | null>> = {
  'help': 'show_help',
  'journal': 'open_journal',
  'save asset': 'save_asset',
  'new round': 'new_round',
  'start experiment': 'start_plan',
  'ask library': 'ask_library',
  'none': null,
};

const askLibraryParameters = z.object({ question: z.string().trim().min(3).max(500) });

/** How a natural-chat turn ended, for its log line (never the text). */
type ChatOutcome = ChatAction | 'unmapped' | 'unknown_action' | 'invalid_parameters' | 'rate_limited' | 'server_error' | 'timeout' | 'error';

const OUTCOME = Symbol('naturalChatOutcome');
const FAILURE = Symbol('naturalChatFailure');
const outcomeOf = (context: TurnContext): ChatOutcome | undefined => context.turnState.get(OUTCOME) as ChatOutcome | undefined;
const setOutcome = (context: TurnContext, outcome: ChatOutcome): void => { context.turnState.set(OUTCOME, outcome); };

/** The person's next step in their open round (selection, plan, or the plan's status); the help card when they have none. */
async function showOwnNextStep(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = callerOf(context, deps);
  if (!caller) return sendHelp(context);
  const view = await openParticipantView(caller, deps.ports);
  return view ? sendCard(context, await nextStepCardFor(view, deps)) : sendHelp(context);
}

/** Runs one action. `parameters` come from the model (or the rules) and are checked here; a misfit is the help card. */
async function runChatAction(action: ChatAction, parameters: unknown, context: TurnContext, deps: BotDependencies): Promise<ChatOutcome> {
  switch (action) {
    case 'start_plan':
    case 'show_my_plan':
      await showOwnNextStep(context, deps);
      return action;
    case 'open_journal':
      await onOpenJournal(context, deps);
      return action;
    case 'save_asset':
      await onSaveAssetCommand(context, deps);
      return action;
    case 'new_round':
      await onNewRoundCommand(context, deps);
      return action;
    case 'show_help':
      await sendHelp(context);
      return action;
    case 'ask_library': {
      const parsed = askLibraryParameters.safeParse(parameters);
      if (!parsed.success) {
        await sendHelp(context);
        return 'invalid_parameters';
      }
      await onAskLibrary(context, deps, parsed.data.question);
      return action;
    }
  }
}

/** What a failed planner call was, from what the HTTP layer saw (the planner passes on only the error). */
function failureOf(record: CallRecord, error: unknown): ChatOutcome {
  if (record.timedOut || /timed out/i.test(error instanceof Error ? error.message : '')) return 'timeout';
  if (record.status === 429) return 'rate_limited';
  if (record.status !== null && record.status >= 500) return 'server_error';
  return 'error';
}

/**
 * Registers the planner's actions and replaces teams-ai's defaults that would answer with the model's own text
 * (SAY), log to the console (an unknown action) or fail the turn (an HTTP error): each of those is the help card.
 * Every handler ends the plan (`AI.StopCommandName`), so one message costs one model call.
 */
export function registerChatActions(app: Application<TurnState>, deps: BotDependencies): void {
  for (const action of CHAT_ACTIONS) {
    app.ai.action(action, async (context, _state, parameters: Record<string, unknown> | undefined) => {
      setOutcome(context, await runChatAction(action, parameters ?? {}, context, deps));
      return AI.StopCommandName;
    });
  }
  app.ai.action(AI.SayCommandActionName, async (context) => {
    setOutcome(context, 'unmapped');
    await sendHelp(context);
    return AI.StopCommandName;
  });
  app.ai.action(AI.UnknownActionName, async (context) => {
    setOutcome(context, 'unknown_action');
    await sendHelp(context);
    return AI.StopCommandName;
  });
  app.ai.action(AI.HttpErrorActionName, async (context, _state, error: unknown) => {
    // An action that already answered and then failed (storage, the connector) fails the turn as any handler would.
    if (outcomeOf(context) !== undefined) throw error;
    setOutcome(context, 'error');
    context.turnState.set(FAILURE, error);
    await sendHelp(context);
    return AI.StopCommandName;
  });
}

/** Free text typed in personal chat (commands and card submits were routed before this). */
export async function onChatText(context: TurnContext, state: TurnState, deps: BotDependencies, app: Application<TurnState>): Promise<void> {
  const text = context.activity.text?.trim() ?? '';
  if (text === '') return sendHelp(context);
  if (isGreeting(text)) return sendWelcome(context, deps);
  const caller = callerOf(context, deps);
  const chat = deps.chat && caller && await chatMayUseModel(caller.userId, deps.ports) ? deps.chat : null;
  if (!chat) {
    const intent = basicChatIntent(text);
    const action = ACTION_OF_INTENT[intent.intent];
    if (!action) return sendWelcome(context, deps);
    await runChatAction(action, { question: intent.question ?? text }, context, deps);
    return;
  }

  // The text leaves the app only after the sensitive-data check, redacted, and quoted as data (never as instructions).
  const redacted = await redactChatText(text, deps.ports);
  state.temp.input = quoteAsData({ message: redacted.message });
  const record = newCallRecord();
  const started = performance.now();
  await chat.recording(record, { logger: chat.logger, feature: 'naturalChat' }, () => app.ai.run(context, state));
  if (outcomeOf(context) === undefined) {
    // The planner returned an empty plan: nothing answered yet.
    setOutcome(context, 'unmapped');
    await sendHelp(context);
  }
  const outcome = outcomeOf(context) === 'error' ? failureOf(record, context.turnState.get(FAILURE)) : outcomeOf(context);
  chat.logger.info({
    coach: { feature: 'naturalChat', outcome, attempts: 1, tokensIn: record.tokensIn, tokensOut: record.tokensOut, latencyMs: Math.round(performance.now() - started), redactions: redacted.redactions },
  }, 'coach call');
}
