import type { TurnContext } from 'botbuilder';
import { parseTenantId, parseUserId } from '../domain/ids';
import type { Member } from '../ports/memberRepo';

/**
 * What the handlers need from an activity, read once and validated: who wrote, in which tenant, and
 * (in personal chat) how to reach them later. Null when the sender has no Entra identity (e.g. a
 * non-Teams channel): such a turn gets an answer but nothing is stored about it.
 */
export function memberFromActivity(context: TurnContext): Omit<Member, 'firstSeenAt' | 'lastSeenAt'> | null {
  const activity = context.activity;
  const userId = parseUserId(activity.from?.aadObjectId);
  const tenantId = parseTenantId(activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id);
  if (!userId || !tenantId || activity.conversation?.conversationType !== 'personal') return null;
  return {
    userId,
    tenantId,
    displayName: activity.from.name ?? '',
    conversation: {
      conversationId: activity.conversation.id,
      serviceUrl: activity.serviceUrl,
      channelId: activity.channelId,
      botId: activity.recipient?.id ?? '',
      tenantId,
    },
  };
}

/** Who sent the activity (any conversation type): their Entra id and tenant; null for a non-Teams sender. */
export function identityFromActivity(context: TurnContext): { userId: Member['userId']; tenantId: Member['tenantId']; displayName: string } | null {
  const activity = context.activity;
  const userId = parseUserId(activity.from?.aadObjectId);
  const tenantId = parseTenantId(activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id);
  return userId && tenantId ? { userId, tenantId, displayName: activity.from.name ?? '' } : null;
}

export function displayNameOf(context: TurnContext): string {
  return context.activity.from?.name ?? '';
}

/** A card's Action.Submit arrives as a message with `value` and no text. */
export function isCardSubmit(context: TurnContext): boolean {
  const activity = context.activity;
  return activity.type === 'message' && !activity.text && typeof activity.value === 'object' && activity.value !== null;
}

export function submittedVerb(context: TurnContext): string | undefined {
  const value: unknown = context.activity.value;
  if (typeof value !== 'object' || value === null) return undefined;
  const verb = (value as { verb?: unknown }).verb;
  return typeof verb === 'string' ? verb : undefined;
}
