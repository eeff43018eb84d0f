import { z } from 'zod';
import { parseUserId, type UserId } from '../../domain/ids';
import type { PolicyVersion, Round, RoundWithParticipants } from '../../domain/round';
import { parseRoundId, type RoundId } from '../../domain/roundIds';
import { MEMBER_ROWS_PER_UPDATE, type RepoOptions, type RoundListing, type RoundMember, type RoundMemberRepo, type RoundRepo, type StoredRound, type StoredRoundMember } from '../../ports/roundRepo';
import { EXPERIMENT_STATES } from '../../domain/experiment';
import { memberCounts, NO_FUNNEL_FACTS, sameFunnelFacts } from '../../domain/roundCounters';
import { ConcurrencyConflictError } from '../../ports/storageErrors';
import { CountedPartitions, NOTHING_COUNTED, problemRowKey, type Contribution, type CountedWrite } from './countedPartition';
import { EntityAlreadyExistsError, type EntityTable } from './entityTable';
import { outboxRows } from './outbox';
import { parseStoredAcknowledgement } from './experimentRepo';
import { fromJsonColumn, toJsonColumn } from './json';

/*
 * Key map (one partition per round, so loading a round is a single-partition query):
 *   <prefix>Rounds         PK = roundId   RK = "round"            the round's settings (JSON), status, version
 *                          PK = roundId   RK = "policy|000001"    one row per published policy version (up to 20,000 characters each)
 *                          PK = roundId   RK = "~outbox|round|<job id>"  an effect saved with a change of the round row, not queued yet (outbox.ts)
 *   <prefix>RoundsByOwner  PK = ownerId   RK = roundId            an owner's list of rounds
 *   <prefix>RoundMembers   PK = roundId   RK = userId             who is in the round, the kickoff delivery state, their latest policy acknowledgement,
 *                                                                 and a copy of their funnel facts (experiment states, journaled, summary ready)
 *                          PK = roundId   RK = "~count|00"…"~count|15"   counters: people, kickoff.<state>, funnel.<closed|open>.<stage> (countedPartition.ts)
 *                          PK = roundId   RK = "~problem|kickoff|<userId>" a failed or uncertain kickoff (state, reason, attempts), while it is so
 *   <prefix>Memberships    PK = userId    RK = roundId            the rounds a person is in
 *   <prefix>RoundsByStatus PK = "open"    RK = roundId            open rounds (what periodic checks walk)
 * Participants live as member rows, not in the round row: 5,000 ids would pass the 32,768-character limit of one property.
 */
export const ROUND_ROW = 'round';
const policyRow = (version: number) => `policy|${String(version).padStart(6, '0')}`;

// The round row's JSON is everything but participants and policy texts; checked loosely here, fully by the domain on every change.
const storedRoundSchema = z.object({
  id: z.string(), tenantId: z.string(), name: z.string(), ownerIds: z.array(z.string()), managerScopes: z.array(z.string()),
  window: z.object({ start: z.string(), weeks: z.number() }), hoursPerWeek: z.number(),
  shareback: z.object({ startsAt: z.string(), durationMinutes: z.number(), timeZone: z.string() }),
  catalogue: z.array(z.object({ id: z.string() }).passthrough()), status: z.enum(['draft', 'open', 'closed']),
  createdAt: z.string(), updatedAt: z.string(), version: z.number().int(),
}).passthrough();

const policySchema = z.object({ version: z.number().int(), text: z.string(), publishedAt: z.string(), publishedBy: z.string() });

const memberSchema = z.object({
  via: z.enum(['named', 'manager']), delivery: z.enum(['queued', 'sending', 'sent', 'failed', 'uncertain']), deliveryAttempts: z.number().int(), resends: z.number().int().nonnegative().optional(),
  deliveryReason: z.string().nullable().optional(), deliveredAt: z.string().nullable().optional(), updatedAt: z.string(),
  // The person's personal chat with the app, once the kickoff has found or made it (absent before).
  chatId: z.string().min(1).optional(),
  // '' = no acknowledgement yet; absent on rows written before the latest acknowledgement was copied here.
  latestAcknowledgement: z.string().optional(),
});

export interface RoundTables {
  readonly rounds: EntityTable;
  readonly roundsByOwner: EntityTable;
  readonly members: EntityTable;
  readonly memberships: EntityTable;
  readonly roundsByStatus: EntityTable;
}

/** The row's ETag now: for the rare service that does not report it in a transaction's answer. */
async function currentEtag(table: EntityTable, partitionKey: string, rowKey: string, options?: RepoOptions): Promise<string> {
  return (await table.get(partitionKey, rowKey, options))?.etag ?? '';
}

function userIdOrThrow(value: string): UserId {
  const id = parseUserId(value);
  if (!id) throw new Error(`stored round data holds an invalid user id: ${value}`);
  return id;
}

export function createTableRoundRepo(tables: RoundTables): RoundRepo {
  async function ensure(options?: RepoOptions) {
    await Promise.all([tables.rounds.ensureCreated(options), tables.roundsByOwner.ensureCreated(options), tables.members.ensureCreated(options), tables.memberships.ensureCreated(options), tables.roundsByStatus.ensureCreated(options)]);
  }

  function roundRow(round: RoundWithParticipants) {
    const { participantIds: _participants, policy: _policy, ...settings } = round;
    return { data: toJsonColumn(settings), status: round.status, version: round.version, name: round.name };
  }

  async function writeNewPolicies(round: RoundWithParticipants, known: ReadonlySet<number>, options?: RepoOptions) {
    for (const policy of round.policy.versions) {
      if (known.has(policy.version)) continue; // published versions never change
      await tables.rounds.create(round.id, policyRow(policy.version), { data: toJsonColumn(policy) }, options)
        .catch((error: unknown) => { if (!(error instanceof EntityAlreadyExistsError)) throw error; });
    }
  }

  async function writeNamedMembers(round: RoundWithParticipants, options?: RepoOptions) {
    const existing = new Set((await membersRepo.list(round.id, options)).map((m) => m.userId));
    const added = round.participantIds.filter((id) => !existing.has(id)).map((userId) => ({ userId, via: 'named' as const }));
    if (added.length > 0) await membersRepo.addQueued(round.id, added, round.updatedAt, options);
  }

  async function writeOwnerIndex(round: Round, options?: RepoOptions) {
    await Promise.all(round.ownerIds.map((ownerId) =>
      tables.roundsByOwner.upsert(ownerId, round.id, { name: round.name, status: round.status, updatedAt: round.updatedAt }, options)));
    if (round.status === 'open') await tables.roundsByStatus.upsert('open', round.id, { updatedAt: round.updatedAt }, options);
    else await tables.roundsByStatus.delete('open', round.id, options);
  }

  const membersRepo = createTableRoundMemberRepo(tables);

  /** The round's own partition: the settings row, a few policy rows and the shareback row — its size does not grow with the round. */
  async function getWithoutMembers(roundId: RoundId, options?: RepoOptions): Promise<StoredRound | null> {
    await ensure(options);
    let settings: z.infer<typeof storedRoundSchema> | null = null;
    let etag = '';
    const policies: PolicyVersion[] = [];
    for await (const row of tables.rounds.listPartition(roundId, options)) {
      const rowKey = row.rowKey;
      if (rowKey === ROUND_ROW) {
        settings = storedRoundSchema.parse(fromJsonColumn(row.properties.data, `round ${roundId}`));
        etag = row.etag;
      } else if (rowKey.startsWith('policy|')) {
        const policy = policySchema.parse(fromJsonColumn(row.properties.data, `round ${roundId} policy`));
        policies.push({ ...policy, publishedBy: userIdOrThrow(policy.publishedBy) });
      }
    }
    if (!settings) return null;
    policies.sort((a, b) => a.version - b.version);
    // Shape checked by storedRoundSchema above; ids re-branded from validated strings.
    const round = { ...settings, policy: { versions: policies } } as unknown as Round;
    return { round, etag };
  }

  return {
    get: getWithoutMembers,

    async getWithParticipants(roundId, options) {
      const [stored, members] = await Promise.all([getWithoutMembers(roundId, options), membersRepo.list(roundId, options)]);
      if (!stored) return null;
      // Shape checked by storedRoundSchema; ids re-branded from validated strings.
      const round = { ...stored.round, participantIds: members.filter((m) => m.via === 'named').map((m) => m.userId) };
      return { round, etag: stored.etag };
    },

    async create(round, options) {
      await ensure(options);
      const etag = await tables.rounds.create(round.id, ROUND_ROW, roundRow(round), options);
      await writeNewPolicies(round, new Set(), options);
      await writeNamedMembers(round, options);
      await writeOwnerIndex(round, options);
      return { round, etag };
    },

    async update(round, etag, options) {
      await ensure(options);
      // The round row is the aggregate's lock: once it is written, the rows that hang off it follow (each write is idempotent).
      const before = await getWithoutMembers(round.id, options);
      // Effects of the change ride the round row's write (same partition: one transaction).
      const nextEtag = await tables.rounds.update(round.id, ROUND_ROW, roundRow(round), etag, { ...options, alongside: outboxRows(ROUND_ROW, options?.outbox, round.updatedAt) });
      await writeNewPolicies(round, new Set(before?.round.policy.versions.map((p) => p.version) ?? []), options);
      await writeNamedMembers(round, options);
      await writeOwnerIndex(round, options);
      return { round, etag: nextEtag };
    },

    async listOpen(options) {
      await ensure(options);
      const open: RoundId[] = [];
      for await (const row of tables.roundsByStatus.listPartition('open', options)) {
        const roundId = parseRoundId(row.rowKey);
        if (roundId) open.push(roundId);
      }
      return open;
    },

    async listForOwner(ownerId, options) {
      await ensure(options);
      const listings: RoundListing[] = [];
      for await (const row of tables.roundsByOwner.listPartition(ownerId, options)) {
        const roundId = parseRoundId(row.rowKey);
        if (!roundId) continue;
        listings.push({ roundId, name: String(row.properties.name), status: z.enum(['draft', 'open', 'closed']).parse(row.properties.status), updatedAt: String(row.properties.updatedAt) });
      }
      return listings.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    },
  };
}

const experimentFactsSchema = z.object({ state: z.enum(EXPERIMENT_STATES), statesReached: z.array(z.enum(EXPERIMENT_STATES)), selected: z.boolean() });
const funnelFactsSchema = z.object({ experiment: experimentFactsSchema.nullable(), journaled: z.boolean(), summaryReady: z.boolean() });

export function memberFromRow(roundId: RoundId, userId: UserId, properties: Record<string, unknown>): RoundMember {
  const stored = memberSchema.parse(properties);
  const funnelFacts = typeof properties.funnelFacts === 'string' && properties.funnelFacts !== ''
    ? funnelFactsSchema.parse(fromJsonColumn(properties.funnelFacts, `round ${roundId} member's funnel facts`)) : undefined;
  const member: RoundMember = {
    roundId, userId, via: stored.via, delivery: stored.delivery, deliveryAttempts: stored.deliveryAttempts, deliveryReason: stored.deliveryReason ?? null,
    deliveredAt: stored.deliveredAt ?? null, resends: stored.resends ?? 0, updatedAt: stored.updatedAt, ...(stored.chatId ? { chatId: stored.chatId } : {}), ...(funnelFacts ? { funnelFacts } : {}),
  };
  if (stored.latestAcknowledgement === undefined) return member;
  const what = `round ${roundId} member's acknowledgement`;
  return { ...member, latestAcknowledgement: stored.latestAcknowledgement === '' ? null : parseStoredAcknowledgement(stored, 'latestAcknowledgement', what) };
}

export function memberToRow(member: RoundMember) {
  const acknowledgement = member.latestAcknowledgement === undefined ? {} : { latestAcknowledgement: member.latestAcknowledgement ? toJsonColumn(member.latestAcknowledgement) : '' };
  return {
    via: member.via, delivery: member.delivery, deliveryAttempts: member.deliveryAttempts, deliveryReason: member.deliveryReason, deliveredAt: member.deliveredAt,
    resends: member.resends ?? 0, updatedAt: member.updatedAt, chatId: member.chatId, ...acknowledgement, funnelFacts: toJsonColumn(member.funnelFacts ?? NO_FUNNEL_FACTS),
  };
}

/** Members are counted in 16 shards: the kickoff fan-out changes hundreds of member rows a second in one round. */
export const MEMBER_COUNTER_SHARDS = 16;
const MEMBER_BATCH = 99;
const FUNNEL_FACT_ATTEMPTS = 8; // + the counter row: Table Storage's 100 operations per transaction

/**
 * What a member row counts: the person, their kickoff state, the funnel stages their copied facts reach, and a problem
 * row while the kickoff has failed or is uncertain (the owner's list of people to look at).
 */
export function memberContribution(member: RoundMember): Contribution {
  const needsOwner = member.delivery === 'failed' || member.delivery === 'uncertain';
  return {
    counts: memberCounts({ delivery: member.delivery, acknowledged: Boolean(member.latestAcknowledgement), funnel: member.funnelFacts ?? NO_FUNNEL_FACTS }),
    problems: needsOwner
      ? { [problemRowKey('kickoff', member.userId)]: { userId: member.userId, state: member.delivery, reason: member.deliveryReason ?? '', attempts: member.deliveryAttempts } }
      : {},
  };
}

export function createTableRoundMemberRepo(tables: Pick<RoundTables, 'members' | 'memberships'>): RoundMemberRepo {
  const counted = new CountedPartitions(tables.members, { shards: MEMBER_COUNTER_SHARDS });

  async function ensure(options?: RepoOptions) {
    await Promise.all([tables.members.ensureCreated(options), tables.memberships.ensureCreated(options)]);
  }

  const created = (member: RoundMember): CountedWrite => ({ rowKey: member.userId, properties: memberToRow(member), write: 'create', before: NOTHING_COUNTED, after: memberContribution(member), reportConflict: true });

  /** Adds one member row (and counts it); false when they were already in the round. */
  async function addOne(member: RoundMember, options?: RepoOptions): Promise<boolean> {
    try {
      await counted.write(member.roundId, async () => [created(member)], options);
      return true;
    } catch (error) {
      if (error instanceof EntityAlreadyExistsError) return false; // already in the round: leave their state alone
      throw error;
    }
  }

  return {
    async addQueued(roundId, people, now, options) {
      await ensure(options);
      const added: UserId[] = [];
      const asMember = (next: { userId: UserId; via: RoundMember['via'] }): RoundMember =>
        ({ roundId, userId: next.userId, via: next.via, delivery: 'queued', deliveryAttempts: 0, deliveryReason: null, deliveredAt: null, updatedAt: now, latestAcknowledgement: null, funnelFacts: NO_FUNNEL_FACTS });
      // Up to 99 new rows and their count in one transaction; a batch holding someone already in the round goes one by one.
      await inParallel(chunksOf(people.map(asMember), MEMBER_BATCH), 4, async (batch) => {
        try {
          await counted.write(roundId, async () => batch.map(created), options);
          added.push(...batch.map((m) => m.userId));
        } catch (error) {
          if (!(error instanceof EntityAlreadyExistsError)) throw error;
          for (const member of batch) if (await addOne(member, options)) added.push(member.userId);
        }
      });
      // A person's own index lives in their own partition: one upsert each, a bounded number at once.
      await inParallel(people, 16, (next) => tables.memberships.upsert(next.userId, roundId, { addedAt: now }, options));
      return added;
    },

    async getMany(roundId, userIds, options) {
      await ensure(options);
      const found = new Map<UserId, StoredRoundMember>();
      if (userIds.length === 0) return found;
      const wanted = new Set(userIds);
      // One row-key range query from the lowest id to the highest: kickoff groups are cut from the round's members in
      // row-key order, so the range holds the group and little else (rows of others in between are skipped).
      const sorted = [...wanted].sort();
      for (const row of await tables.members.listRange(roundId, { from: sorted[0]!, through: sorted[sorted.length - 1]! }, options)) {
        const userId = userIdOrThrow(row.rowKey);
        if (!wanted.has(userId)) continue;
        counted.remember(row);
        found.set(userId, { member: memberFromRow(roundId, userId, row.properties), etag: row.etag });
      }
      return found;
    },

    async updateMany(roundId, updates, options) {
      await ensure(options);
      for (const { member } of updates) if (member.roundId !== roundId) throw new RangeError(`member ${member.userId} belongs to round ${member.roundId}, not ${roundId}`);
      if (updates.length > MEMBER_ROWS_PER_UPDATE) throw new RangeError(`updateMany takes at most ${MEMBER_ROWS_PER_UPDATE} rows (got ${updates.length})`);
      // Each row counts itself in the same transaction, so the call is all or none, counters included.
      const writes: CountedWrite[] = await Promise.all(updates.map(async ({ member, etag }) => ({
        rowKey: member.userId, properties: memberToRow(member), write: { ifMatch: etag }, before: await counted.before(roundId, member.userId, etag, options),
        after: memberContribution(member), reportConflict: true,
      })));
      const etags = await counted.write(roundId, async () => writes, options);
      const stored: StoredRoundMember[] = [];
      for (const { member } of updates) stored.push({ member, etag: etags.get(member.userId) || await currentEtag(tables.members, roundId, member.userId, options) });
      return stored;
    },

    async get(roundId, userId, options): Promise<StoredRoundMember | null> {
      await ensure(options);
      const row = await tables.members.get(roundId, userId, options);
      if (row) counted.remember(row);
      return row ? { member: memberFromRow(roundId, userId, row.properties), etag: row.etag } : null;
    },

    async update(member, etag, options) {
      await ensure(options);
      const before = await counted.before(member.roundId, member.userId, etag, options);
      const written = await counted.write(member.roundId, async () => [{
        rowKey: member.userId, properties: memberToRow(member), write: { ifMatch: etag }, before, after: memberContribution(member), reportConflict: true,
      }], options);
      return { member, etag: written.get(member.userId) || await currentEtag(tables.members, member.roundId, member.userId, options) };
    },

    async recordFunnelFacts(roundId, userId, change, options) {
      await ensure(options);
      // Read, change, write on the ETag read; a lost race (the kickoff marking the row sent) starts again from the fresh row.
      for (let attempt = 1; ; attempt++) {
        const row = await tables.members.get(roundId, userId, options);
        if (!row) return; // not in the round (an owner trying the flow): nothing of theirs is counted
        const before = counted.remember(row);
        const member = memberFromRow(roundId, userId, row.properties);
        const current = member.funnelFacts ?? NO_FUNNEL_FACTS;
        const next = { ...current, ...change };
        if (member.funnelFacts && sameFunnelFacts(current, next)) return;
        try {
          await counted.write(roundId, async () => [{
            rowKey: userId, properties: memberToRow({ ...member, funnelFacts: next }), write: { ifMatch: row.etag }, before,
            after: memberContribution({ ...member, funnelFacts: next }), reportConflict: true,
          }], options);
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyConflictError) || attempt >= FUNNEL_FACT_ATTEMPTS) throw error;
        }
      }
    },

    async list(roundId, options) {
      await ensure(options);
      const members: RoundMember[] = [];
      for await (const row of tables.members.listPartition(roundId, options)) {
        counted.remember(row);
        members.push(memberFromRow(roundId, userIdOrThrow(row.rowKey), row.properties));
      }
      return members;
    },

    async listPage(roundId, page, options) {
      await ensure(options);
      const after = page.continuationToken ? Buffer.from(page.continuationToken, 'base64url').toString('utf8') : undefined;
      const rows = await tables.members.listRange(roundId, { after, limit: page.limit + 1 }, options);
      const members = rows.slice(0, page.limit).map((row) => memberFromRow(roundId, userIdOrThrow(row.rowKey), row.properties));
      // The token is the last user id of this page (opaque to callers): the next page starts after it.
      const continuationToken = rows.length > page.limit ? Buffer.from(members.at(-1)!.userId, 'utf8').toString('base64url') : null;
      return { members, continuationToken };
    },

    async roundsOf(userId, options) {
      await ensure(options);
      const rounds: RoundId[] = [];
      for await (const row of tables.memberships.listPartition(userId, options)) {
        const roundId = parseRoundId(row.rowKey);
        if (roundId) rounds.push(roundId);
      }
      return rounds;
    },
  };
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let at = 0; at < items.length; at += size) chunks.push(items.slice(at, at + size));
  return chunks;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}
