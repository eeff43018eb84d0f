import { z } from 'zod';
import { parseTenantId } from '../../domain/ids';
import type { Member, MemberRepo, MemberRepoOptions } from '../../ports/memberRepo';
import { ConcurrencyConflictError, EntityAlreadyExistsError, EntityTable } from './entityTable';

// Key map: PartitionKey = userId, RowKey = "member" — the bot's lookup before a proactive message is a point read.
const ROW_KEY = 'member';
const MAX_ATTEMPTS = 5;

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

  async function recordSeenOnce(seen: Omit<Member, 'firstSeenAt'>, options?: MemberRepoOptions): Promise<Member> {
    const existing = await table.get(seen.userId, ROW_KEY, options);
    if (!existing) {
      const member: Member = { ...seen, firstSeenAt: seen.lastSeenAt };
      await table.create(seen.userId, ROW_KEY, toStored(member), options);
      return member;
    }
    const member: Member = { ...seen, firstSeenAt: fromStored(seen.userId, existing.properties).firstSeenAt };
    await table.update(seen.userId, ROW_KEY, toStored(member), existing.etag, options);
    return member;
  }

  return {
    get,
    async recordSeen(seen, options) {
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

