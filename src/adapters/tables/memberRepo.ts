import { z } from 'zod';
import { parseTenantId } from '../../domain/ids';
import type { Member, MemberRepo, MemberRepoOptions } from '../../ports/memberRepo';
import { ConcurrencyConflictError, EntityAlreadyExistsError, EntityTable } from './entityTable';

// Key map: PartitionKey = userId, RowKey = "member" — the bot's lookup before a proactive message is a point read.
const ROW_KEY = 'member';
const MAX_ATTEMPTS = 5;
/** Last-seen is kept to the hour: a chatty person costs one write an hour, not one per message. */
export const LAST_SEEN_REFRESH_IN_MS = 60 * 60 * 1000;
/** How many people's last recorded row this process remembers (a bounded map; the oldest entry goes first). */
const REMEMBERED_PEOPLE = 20_000;

/** What decides whether a visit needs a write: where to reach the person, their name, and when they were last recorded. */
function sameReach(a: Omit<Member, 'firstSeenAt'>, b: Omit<Member, 'firstSeenAt'>): boolean {
  const x = a.conversation;
  const y = b.conversation;
  return a.tenantId === b.tenantId && a.displayName === b.displayName && x.conversationId === y.conversationId
    && x.serviceUrl === y.serviceUrl && x.channelId === y.channelId && x.botId === y.botId && x.tenantId === y.tenantId;
}

function isFresh(stored: Member, seen: Omit<Member, 'firstSeenAt'>): boolean {
  return sameReach(stored, seen) && Date.parse(seen.lastSeenAt) - Date.parse(stored.lastSeenAt) < LAST_SEEN_REFRESH_IN_MS;
}

const storedMemberSchema = z.object({
  tenantId: z.string().transform((value, ctx) => parseTenantId(value) ?? (ctx.addIssue({ code: 'custom', message: 'not a tenant id' }), z.NEVER)),
  displayName: z.string(),
  conversationId: z.string().min(1),
  serviceUrl: z.string().url(),
  channelId: z.string().min(1),
  botId: z.string(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
});

export function createTableMemberRepo(table: EntityTable): MemberRepo {
  function fromStored(userId: Member['userId'], properties: Record<string, unknown>): Member {
    const stored = storedMemberSchema.parse(properties);
    return {
      userId,
      tenantId: stored.tenantId,
      displayName: stored.displayName,
      firstSeenAt: stored.firstSeenAt,
      lastSeenAt: stored.lastSeenAt,
      conversation: { conversationId: stored.conversationId, serviceUrl: stored.serviceUrl, channelId: stored.channelId, botId: stored.botId, tenantId: stored.tenantId },
    };
  }

  function toStored(member: Member) {
    return {
      tenantId: member.tenantId,
      displayName: member.displayName,
      conversationId: member.conversation.conversationId,
      serviceUrl: member.conversation.serviceUrl,
      channelId: member.conversation.channelId,
      botId: member.conversation.botId,
      firstSeenAt: member.firstSeenAt,
      lastSeenAt: member.lastSeenAt,
    };
  }

  async function get(userId: Member['userId'], options?: MemberRepoOptions): Promise<Member | null> {
    await table.ensureCreated(options);
    const stored = await table.get(userId, ROW_KEY, options);
    return stored ? fromStored(userId, stored.properties) : null;
  }

  // The rows this process last read or wrote, so an unchanged visit costs no storage call at all. Another instance may
  // have written since: at worst this one skips a write that would have repeated the same conversation, and an hour
  // later it reads the row again.
  const recorded = new Map<Member['userId'], Member>();
  function remember(member: Member): Member {
    recorded.delete(member.userId);
    recorded.set(member.userId, member);
    if (recorded.size > REMEMBERED_PEOPLE) recorded.delete(recorded.keys().next().value!);
    return member;
  }

  async function recordSeenOnce(seen: Omit<Member, 'firstSeenAt'>, options?: MemberRepoOptions): Promise<Member> {
    const existing = await table.get(seen.userId, ROW_KEY, options);
    if (!existing) {
      const member: Member = { ...seen, firstSeenAt: seen.lastSeenAt };
      await table.create(seen.userId, ROW_KEY, toStored(member), options);
      return remember(member);
    }
    const stored = fromStored(seen.userId, existing.properties);
    if (isFresh(stored, seen)) return remember(stored);
    const member: Member = { ...seen, firstSeenAt: stored.firstSeenAt };
    await table.update(seen.userId, ROW_KEY, toStored(member), existing.etag, options);
    return remember(member);
  }

  return {
    get,
    async recordSeen(seen, options) {
      const known = recorded.get(seen.userId);
      if (known && isFresh(known, seen)) return known;
      await table.ensureCreated(options);
      // Turns of the same person can race (install + first message): re-read and retry a few times.
      for (let attempt = 1; ; attempt++) {
        try {
          return await recordSeenOnce(seen, options);
        } catch (error) {
          const lostRace = error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError;
          if (!lostRace || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    },
    async probe(options) {
      await table.ensureCreated(options);
      await table.probe(options);
    },
  };
}

