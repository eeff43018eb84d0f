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
