import { randomUUID } from 'node:crypto';
import type { DemoPerson } from '../../tools/demo-org';

/**
 * Bot Framework activities as Teams sends them, for tests that POST to /api/messages.
 * `serviceUrl` points at the connector stand-in, so the bot's replies can be read there.
 */
export interface ActivityContext {
  readonly serviceUrl: string;
  readonly tenantId: string;
  readonly person: Pick<DemoPerson, 'id' | 'displayName'>;
  readonly conversationId?: string;
}

const BOT = { id: '28:practice-loop-test-bot', name: 'Practice Loop' };

function base(context: ActivityContext) {
  const conversationId = context.conversationId ?? `a:${context.person.id}`;
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: context.serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: `29:${context.person.id}`, name: context.person.displayName, aadObjectId: context.person.id },
    recipient: BOT,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: context.tenantId },
    channelData: { tenant: { id: context.tenantId } },
  };
}

export function messageActivity(context: ActivityContext, text: string) {
  return { ...base(context), type: 'message', text, textFormat: 'plain' };
}

export function cardSubmitActivity(context: ActivityContext, value: Record<string, unknown>) {
  return { ...base(context), type: 'message', value };
}

export function installActivity(context: ActivityContext) {
  const activity = base(context);
  return { ...activity, type: 'conversationUpdate', membersAdded: [{ id: BOT.id }, { id: activity.from.id }] };
}

export async function postActivity(serviceUrl: string, activity: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${serviceUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
}

/** The Adaptive Card content of a captured reply. */
export function cardOf(activity: Record<string, unknown>): Record<string, unknown> {
  const attachments = activity.attachments as Array<{ contentType: string; content: Record<string, unknown> }> | undefined;
  const card = attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  if (!card) throw new Error(`the activity has no Adaptive Card: ${JSON.stringify(activity).slice(0, 300)}`);
  return card.content;
}

/** An Action.Execute (Universal Actions) invoke, as Teams sends it when a card button is pressed. */
export function executeActivity(context: ActivityContext, verb: string, data: Record<string, unknown>) {
  // Teams names the message that holds the card (replyToId); a refresh with `refresh.userIds` replaces it for everyone.
  return { ...base(context), type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-message-1', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } };
}

/** The card in an invoke's HTTP response (`{ statusCode, type, value }`). */
export async function invokeCardOf(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as { statusCode?: number; type?: string; value?: Record<string, unknown> };
  if (body.type !== 'application/vnd.microsoft.card.adaptive' || !body.value) throw new Error(`the invoke did not answer with a card: ${JSON.stringify(body).slice(0, 300)}`);
  return body.value;
}

/** Every text in a card, joined: for "does the card say X" checks. */
export function cardText(card: unknown): string {
  const texts: string[] = [];
  (function visit(node: unknown) {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'text' || key === 'title' || key === 'value' || key === 'label') && typeof value === 'string') texts.push(value);
      else visit(value);
    }
  })(card);
  return texts.join('\n');
}

/** The value an input shows (what the person typed is kept on re-render). */
export function inputValue(card: unknown, id: string): unknown {
  let found: unknown;
  (function visit(node: unknown) {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.id === id && typeof record.type === 'string' && record.type.startsWith('Input.')) found = record.value;
    Object.values(record).forEach(visit);
  })(card);
  return found;
}
