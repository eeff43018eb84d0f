import Bottleneck from 'bottleneck';
import { CardFactory, MessageFactory, TurnContext, type CloudAdapter, type ConversationReference, type Activity } from 'botbuilder';
import { silentLogger, type Logger } from '../logging';
import { DeliveryError, type CardContent, type ChatMessenger, type SendCardOptions } from '../ports/chatMessenger';
import type { PersonalConversation } from '../ports/memberRepo';
import { sleep } from '../adapters/sleep';

/**
 * Proactive cards into a person's personal chat, through the Bot Connector, on the bot's own adapter.
 *
 * The one retry/throttle policy for the Bot Connector (one place decides how hard the app may push Teams):
 * - a process-wide pace per bot and tenant (Teams documents about 50 requests/s per app per tenant):
 *   every messenger for the same bot app id and rate in this process shares it, and so does every
 *   retry, so N concurrent jobs never add up to more than the limit;
 * - 429, 412 and 5xx (and a request that never got an answer) are retried in place after
 *   `Retry-After` or a jittered backoff, up to `maxAttempts`, then `DeliveryError(retryable: true)`;
 * - 403 (blocked, uninstalled, not in the tenant) and 404 (the conversation is gone) are final:
 *   `DeliveryError(retryable: false)` with a reason an owner can read;
 * - every attempt has a deadline; an aborted caller stops waiting at once (the promise rejects with
 *   the signal's reason), whether it is queued, waiting to retry or waiting for the connector.
 */
export interface CreateChatMessengerOptions {
  /** The bot's Microsoft App Id; '' for an anonymous bot (local connector stand-in, Agents Playground). */
  readonly botAppId: string;
  /** Sends per second per bot and tenant, across this process. Default 50 (Teams' per-app limit per tenant). */
  readonly requestsPerSecond?: number;
  /** Attempts per card, the first included. Default 5. */
  readonly maxAttempts?: number;
  readonly requestTimeoutInMs?: number;
  /** Backoff base when the connector gives no Retry-After: attempt n waits between base·2^(n-2) and base·2^(n-1). */
  readonly backoffBaseInMs?: number;
  readonly logger?: Logger;
  /** Tells the caller how often the connector pushed back (benchmarks report it). */
  readonly onThrottled?: (event: { readonly status: number; readonly conversationId: string; readonly waitInMs: number }) => void;
}

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
// Statuses worth trying again: throttled (429), Teams' "try again" precondition failure (412), server side (5xx).
const isRetryableStatus = (status: number): boolean => status === 429 || status === 412 || status >= 500;
// bottleneck runs lower priorities first, so a retried card goes ahead of cards not yet tried and is not starved.
const FIRST_TRY_PRIORITY = 5;
const RETRY_PRIORITY = 4;

// Process-wide limiters, by bot app id and rate, then by tenant (bottleneck drops idle tenants after 5 minutes).
const paces = new Map<string, Bottleneck.Group>();

function paceFor(botAppId: string, requestsPerSecond: number, tenantId: string): Bottleneck {
  const key = `${botAppId}\u0000${requestsPerSecond}`;
  let group = paces.get(key);
  if (!group) {
    // Evenly spaced starts (50/s → one every 20 ms) rather than a burst of 50 at the top of each second,
    // which could land 100 requests in one of the connector's 1-second windows.
    group = new Bottleneck.Group({ minTime: Math.ceil(1000 / requestsPerSecond) });
    paces.set(key, group);
  }
  return group.key(tenantId);
}

/** The part of botframework-connector's ConnectorClient this messenger uses (checked at run time). */
interface ConnectorConversations {
  sendToConversation(conversationId: string, activity: Partial<Activity>, options?: { abortSignal?: AbortSignal }): Promise<{ id?: string }>;
}

function conversationsOf(connector: unknown): ConnectorConversations {
  const conversations: unknown = connector && typeof connector === 'object' ? Reflect.get(connector, 'conversations') : undefined;
  if (conversations && typeof conversations === 'object' && typeof Reflect.get(conversations, 'sendToConversation') === 'function') {
    return conversations as ConnectorConversations; // shape checked just above; botbuilder types turnState values as any
  }
  throw new Error('the turn has no Bot Connector client (botbuilder changed how it exposes ConnectorClientKey)');
}

/**
 * botframework-connector's client runs on @azure/core-client, whose default pipeline retries 429/503 and
 * 5xx up to three times by itself: outside the pace above, deaf to `maxAttempts`, and for a 5xx on a POST
 * a likely duplicate. One policy per service: take the SDK's Retry phase out of this client's pipeline
 * (the client is created per continueConversation, so nothing else is affected). Returns false when the
 * pipeline is not where botbuilder 4.23 keeps it.
 */
function disableSdkRetries(connector: unknown): boolean {
  const client: unknown = connector && typeof connector === 'object' ? Reflect.get(connector, 'client') : undefined;
  const pipeline: unknown = client && typeof client === 'object' ? Reflect.get(client, 'pipeline') : undefined;
  if (!pipeline || typeof pipeline !== 'object' || !('removePolicy' in pipeline) || typeof pipeline.removePolicy !== 'function') return false;
  pipeline.removePolicy({ phase: 'Retry' });
  return true;
}

interface ConnectorFailure {
  readonly status: number | null;
  readonly code: string | null;
  readonly detail: string;
  readonly retryAfter: string | null;
}

function failureOf(error: unknown): ConnectorFailure {
  const field = (source: unknown, name: string): unknown => (source && typeof source === 'object' ? Reflect.get(source, name) : undefined);
  const status = field(error, 'statusCode');
  const code = field(error, 'code');
  const headers = field(field(error, 'response'), 'headers');
  const get = field(headers, 'get');
  const retryAfter: unknown = typeof get === 'function' ? Reflect.apply(get, headers, ['retry-after']) : undefined;
  return {
    status: typeof status === 'number' ? status : null,
    code: typeof code === 'string' ? code : null,
    detail: error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300),
    retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
  };
}

/** `Retry-After` is seconds or an HTTP date; without one, a jittered exponential backoff. */
export function retryDelayInMs(retryAfter: string | null, attempt: number, backoffBaseInMs: number, now = Date.now()): number {
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const exponential = backoffBaseInMs * 2 ** (attempt - 1);
  return exponential / 2 + Math.random() * (exponential / 2);
}

/** The sentence stored as the delivery's failure reason. */
function finalReason(failure: ConnectorFailure): string {
  const said = failure.code ? ` (${failure.status} ${failure.code})` : ` (${failure.status})`;
  switch (failure.status) {
    case 403:
      if (failure.code === 'ConversationBlockedByUser') return `The person has blocked the app in Teams${said}.`;
      if (failure.code === 'BotDisabledByAdmin') return `A Teams admin has blocked the app for this person${said}.`;
      return `Teams does not let the app message this person: they may have blocked or removed it, or left the organisation${said}.`;
    case 404:
      return `The chat with this person no longer exists: they may have removed the app or left the organisation${said}.`;
    case 401:
      return `The Bot Connector refused the bot's credentials; check MicrosoftAppId and MicrosoftAppPassword${said}.`;
    default:
      return `The Bot Connector rejected the card${said}: ${failure.detail}`;
  }
}


/** Stops waiting for `promise` when `signal` aborts (the work itself checks the signal when it starts). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createChatMessenger(adapter: CloudAdapter, options: CreateChatMessengerOptions): ChatMessenger {
  const requestsPerSecond = options.requestsPerSecond ?? 50;
  const maxAttempts = options.maxAttempts ?? 5;
  const requestTimeoutInMs = options.requestTimeoutInMs ?? 15_000;
  const backoffBaseInMs = options.backoffBaseInMs ?? 500;
  const logger = options.logger ?? silentLogger;
  if (!(requestsPerSecond > 0 && Number.isFinite(requestsPerSecond))) throw new RangeError('requestsPerSecond must be a positive number');
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) throw new RangeError('maxAttempts must be a whole number ≥ 1');
  let warnedAboutSdkRetries = false;

  async function deliver(connector: unknown, conversation: PersonalConversation, activity: Partial<Activity>, signal: AbortSignal | undefined): Promise<string> {
    const conversations = conversationsOf(connector);
    if (!disableSdkRetries(connector) && !warnedAboutSdkRetries) {
      warnedAboutSdkRetries = true;
      logger.warn('could not turn off the Bot Connector client\'s own retries: a throttled card may be retried by both the SDK and the messenger');
    }
    const pace = paceFor(options.botAppId, requestsPerSecond, conversation.tenantId);
    const { conversationId } = conversation;
    for (let attempt = 1; ; attempt++) {
      const send = async () => {
        signal?.throwIfAborted();
        const deadline = AbortSignal.timeout(requestTimeoutInMs);
        return conversations.sendToConversation(conversationId, activity, { abortSignal: signal ? AbortSignal.any([signal, deadline]) : deadline });
      };
      let failure: ConnectorFailure;
      try {
        const response = await untilAborted(pace.schedule({ priority: attempt === 1 ? FIRST_TRY_PRIORITY : RETRY_PRIORITY }, send), signal);
        // Delivered (2xx). Teams always answers { id }; a connector that does not still delivered the card,
        // so this is not a failure to retry (that would send it twice).
        return response.id ?? '';
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        failure = failureOf(error);
        const retryable = failure.status === null ? true : isRetryableStatus(failure.status);
        if (!retryable) {
          const reason = finalReason(failure);
          logger.warn({ conversationId, status: failure.status, code: failure.code }, 'card not delivered');
          throw new DeliveryError(reason, false, { cause: error });
        }
        if (attempt >= maxAttempts) {
          const what = failure.status === null ? `no answer (${failure.detail})` : `${failure.status}${failure.code ? ` ${failure.code}` : ''}`;
          logger.warn({ conversationId, status: failure.status, attempts: attempt }, 'card not delivered; giving up for now');
          throw new DeliveryError(`The Bot Connector was not ready after ${attempt} attempts (last: ${what}); try again later.`, true, { cause: error });
        }
      }
      const waitInMs = retryDelayInMs(failure.retryAfter, attempt, backoffBaseInMs);
      if (failure.status !== null) options.onThrottled?.({ status: failure.status, conversationId, waitInMs });
      logger.debug({ conversationId, status: failure.status, attempt, waitInMs }, 'Bot Connector pushed back; retrying');
      await sleep(waitInMs, signal);
    }
  }

  return {
    async sendCard(conversation, card: CardContent, sendOptions: SendCardOptions = {}) {
      const signal = sendOptions.abortSignal;
      signal?.throwIfAborted();
      const reference: Partial<ConversationReference> = {
        conversation: { id: conversation.conversationId, tenantId: conversation.tenantId, conversationType: 'personal', isGroup: false, name: '' },
        serviceUrl: conversation.serviceUrl,
        channelId: conversation.channelId,
        bot: { id: conversation.botId, name: '' },
      };
      // from = the bot, conversation, channel and service URL, as a reply in that chat would carry them.
      const activity = TurnContext.applyConversationReference(MessageFactory.attachment(CardFactory.adaptiveCard(card)), reference);
      if (activity.attachments?.[0]?.contentType !== ADAPTIVE_CARD) throw new Error(`CardFactory no longer makes ${ADAPTIVE_CARD} attachments`);

      // Errors thrown inside the turn would go to the Application's onTurnError (which logs and swallows
      // them), so the turn only records the outcome and this function rethrows it.
      let outcome: { ok: true; activityId: string } | { ok: false; error: unknown } | undefined;
      try {
        await adapter.continueConversationAsync(options.botAppId, reference, async (context) => {
          try {
            outcome = { ok: true, activityId: await deliver(context.turnState.get(context.adapter.ConnectorClientKey), conversation, activity, signal) };
          } catch (error) {
            outcome = { ok: false, error };
          }
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        // Before any send (e.g. no token for the bot's credentials): an infrastructure failure, not a verdict on this person.
        throw new Error(`could not open the conversation ${conversation.conversationId} at ${conversation.serviceUrl}`, { cause: error });
      }
      if (!outcome) throw new Error('the proactive turn ended without running (botbuilder skipped the logic)');
      if (!outcome.ok) {
        if (outcome.error instanceof DeliveryError || (signal?.aborted && outcome.error === signal.reason)) throw outcome.error;
        throw new Error(`could not send a card to conversation ${conversation.conversationId}`, { cause: outcome.error });
      }
      return { activityId: outcome.activityId };
    },
  };
}
