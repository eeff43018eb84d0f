import type { TenantId, UserId } from '../domain/ids';

/** Where the bot can reach a person proactively: their personal chat with the app. */
export interface PersonalConversation {
  readonly conversationId: string;
  readonly serviceUrl: string;
  readonly channelId: string;
  readonly botId: string;
  readonly tenantId: TenantId;
}

/** A person who has the app installed (seen by the bot at least once). */
export interface Member {
  readonly userId: UserId;
  readonly tenantId: TenantId;
  readonly displayName: string;
  readonly conversation: PersonalConversation;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

export interface MemberRepoOptions { readonly abortSignal?: AbortSignal }

export interface MemberRepo {
  get(userId: UserId, options?: MemberRepoOptions): Promise<Member | null>;
  /**
   * Records that the person was seen now with this conversation; keeps the first-seen time. Writes only when the
   * conversation (or name) changed or the stored last-seen is an hour old or more; returns the row as stored.
   */
  recordSeen(member: Omit<Member, 'firstSeenAt'>, options?: MemberRepoOptions): Promise<Member>;
  /** Reachability probe for /healthz. */
  probe(options?: MemberRepoOptions): Promise<void>;
}
