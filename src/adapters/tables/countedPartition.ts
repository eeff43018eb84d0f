import { createHash, randomInt } from 'node:crypto';
import { z } from 'zod';
import { addCounts, countsDelta, type Counts } from '../../domain/roundCounters';
import type { RepoOptions } from '../../ports/roundRepo';
import {
  BOOKKEEPING_ROW_PREFIX, ConcurrencyConflictError, EntityAlreadyExistsError,
  type EntityProperties, type EntityTable, type TableWrite, type StoredEntity,
} from './entityTable';

/*
 * Counters on write, for any table whose records are partitioned by round:
 *   PK = roundId  RK = "~count|00" … "~count|15"       counter shards: { counts: JSON { name: number } } (split over counts, counts1… past 30,000 characters)
 *   PK = roundId  RK = "~problem|<kind>|<id>"           one row per open problem (e.g. a failed kickoff), so the owner reads the list as a small range
 * Each record keeps what it counted in its own `counted` column ({ counts, problems: [row keys] }). A change writes, in ONE
 * entity-group transaction: the record (create, or update on the ETag it read), its counter shard (create, or update on the
 * shard's ETag) with after − before added, and its problem rows (upserted or deleted). The transaction commits or nothing does,
 * so a change is counted exactly once; a shard that lost an ETag race is re-read and the delta applied again to fresh counts.
 * Shards: a change counts in the shard its record's row key hashes to (a retry after a lost race in a random one), so
 * concurrent changes to different records rarely meet on one counter row (the kickoff fan-out changes hundreds of member
 * rows a second in one round). Only the sum over the shards means anything; the repair compares and rewrites sums.
 */
export const COUNTER_ROW_PREFIX = `${BOOKKEEPING_ROW_PREFIX}count|`;
export const PROBLEM_ROW_PREFIX = `${BOOKKEEPING_ROW_PREFIX}problem|`;
export const problemRowKey = (kind: string, id: string) => `${PROBLEM_ROW_PREFIX}${kind}|${id}`;

const COUNTED_COLUMN = 'counted';
const COUNTS_CHUNK_CHARACTERS = 30_000;
const MAX_ATTEMPTS = 12;
/** How long a shard another process wrote is read before each write (instead of written on this process's copy). */
const SHARED_SHARD_READ_FOR_MS = 60_000;

/** What a record adds: counters, and the problem rows (row key → columns) that exist while it is in this state. */
export interface Contribution {
  readonly counts: Counts;
  readonly problems?: Readonly<Record<string, EntityProperties>>;
}

/** What a stored record counted (read back from its `counted` column). */
export interface StoredContribution {
  readonly counts: Counts;
  readonly problemKeys: readonly string[];
}

export const NOTHING_COUNTED: StoredContribution = Object.freeze({ counts: Object.freeze({}), problemKeys: Object.freeze([]) as readonly string[] });

const countedSchema = z.object({ counts: z.record(z.string(), z.number()), problems: z.array(z.string()) });
const countsSchema = z.record(z.string(), z.number());

/** One record's change in a counted transaction. */
export interface CountedWrite {
  readonly rowKey: string;
  readonly properties: EntityProperties;
  /** `create` fails if the row exists; `ifMatch` updates only the version that was read. */
  readonly write: 'create' | { readonly ifMatch: string };
  /** What the row counted as stored (NOTHING_COUNTED for a new row). */
  readonly before: StoredContribution;
  readonly after: Contribution;
  /**
   * A lost race on this row is the caller's to handle (EntityAlreadyExistsError / ConcurrencyConflictError), as it
   * would be without counters. Other rows of the plan (e.g. a per-person tally) are re-planned from fresh state.
   */
  readonly reportConflict: boolean;
  /**
   * Further operations on other rows of the same partition that must commit with this change (e.g. an outbox row
   * for a message the change causes); they share the transaction's 100-operation limit.
   */
  readonly alsoWrite?: readonly TableWrite[];
}

export interface CountedPartitionOptions {
  readonly shards: number;
}

/** The stored contribution of a row as read (rows written before counters existed counted nothing). */
export function storedContributionOf(properties: Record<string, unknown>): StoredContribution {
  const raw = properties[COUNTED_COLUMN];
  if (typeof raw !== 'string' || raw === '') return NOTHING_COUNTED;
  const parsed = countedSchema.parse(JSON.parse(raw));
  return { counts: parsed.counts, problemKeys: parsed.problems };
}

function countedColumn(after: Contribution): string {
  return JSON.stringify({ counts: after.counts, problems: Object.keys(after.problems ?? {}) });
}

/** JSON written in a different key order is the same value; absent and null are the same (Table Storage keeps no nulls). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  return value;
}

function sameColumn(stored: unknown, wanted: unknown): boolean {
  if ((stored ?? null) === (wanted ?? null)) return true;
  if (typeof stored !== 'string' || typeof wanted !== 'string' || !stored.startsWith('{') || !wanted.startsWith('{')) return false;
  try {
    return JSON.stringify(canonical(JSON.parse(stored))) === JSON.stringify(canonical(JSON.parse(wanted)));
  } catch {
    return false; // not JSON after all: the strings differ
  }
}

export function shardOf(rowKey: string, shards: number): number {
  return createHash('sha1').update(rowKey).digest().readUInt32BE(0) % shards;
}

export const counterRowKey = (shard: number) => `${COUNTER_ROW_PREFIX}${String(shard).padStart(2, '0')}`;

function countsFromRow(properties: Record<string, unknown>): Record<string, number> {
  let json = '';
  for (let i = 0; ; i++) {
    const part = properties[i === 0 ? 'counts' : `counts${i}`];
    if (typeof part !== 'string') break;
    json += part;
  }
  return json ? countsSchema.parse(JSON.parse(json)) : {};
}

function countsColumns(counts: Counts): EntityProperties {
  const json = JSON.stringify(counts);
  const columns: EntityProperties = {};
  for (let i = 0, at = 0; at < json.length || i === 0; i++, at += COUNTS_CHUNK_CHARACTERS) {
    columns[i === 0 ? 'counts' : `counts${i}`] = json.slice(at, at + COUNTS_CHUNK_CHARACTERS);
  }
  return columns;
}

/**
 * A table whose round partitions carry counter shards and problem rows, kept in step with the records by transactions.
 * Also remembers, per ETag, what a row it has read counted, so an update does not have to read the row again.
 */
export class CountedPartitions {
  private readonly seen = new Map<string, StoredContribution>();
  /**
   * Each counter shard as this process last wrote it (its ETag and sums), so the next change to it needs no read: a
   * copy another process has since moved on from fails its ETag, and the retry reads the shard afresh.
   */
  private readonly knownShards = new Map<string, { readonly etag: string; readonly counts: Record<string, number> }>();
  /** Shards a transaction of this process is writing now: a concurrent change picks another one instead of losing a race to it. */
  private readonly shardsInUse = new Set<string>();
  /**
   * Shards another process was seen writing (a kept copy lost its race), until when: such a shard is read before it is
   * written for a while, as a kept copy of it would mostly lose again and cost a transaction each time.
   */
  private readonly sharedUntil = new Map<string, number>();
  /** Changes waiting for a shard while this process writes every one of their partition's (woken when one is free). */
  private readonly waitingForShard: (() => void)[] = [];

  constructor(readonly table: EntityTable, private readonly options: CountedPartitionOptions) {}

  get shards(): number {
    return this.options.shards;
  }

  /** Call with every row a repository reads, so a later update on that ETag knows what the row counted. */
  remember(row: StoredEntity): StoredContribution {
    return this.rememberAt(row.partitionKey, row.rowKey, row.etag, storedContributionOf(row.properties));
  }

  private rememberAt(partitionKey: string, rowKey: string, etag: string, contribution: StoredContribution): StoredContribution {
    this.seen.set(`${partitionKey}\n${rowKey}\n${etag}`, contribution);
    if (this.seen.size > 20_000) this.seen.delete(this.seen.keys().next().value!);
    return contribution;
  }

  /** What the row counted at ETag `etag`, if this process read or wrote that version; null when it has to be read. */
  known(partitionKey: string, rowKey: string, etag: string): StoredContribution | null {
    return this.seen.get(`${partitionKey}\n${rowKey}\n${etag}`) ?? null;
  }

  /** What the row counted at ETag `ifMatch`; a row that has moved on since is a ConcurrencyConflictError, as its update would be. */
  async before(partitionKey: string, rowKey: string, ifMatch: string, options?: RepoOptions): Promise<StoredContribution> {
    const known = this.known(partitionKey, rowKey, ifMatch);
    if (known) return known;
    const row = await this.table.get(partitionKey, rowKey, options);
    if (!row || row.etag !== ifMatch) throw new ConcurrencyConflictError(this.table.label);
    return this.remember(row);
  }

  /**
   * Applies `plan()`'s writes and their counter and problem changes in one transaction. `plan` is called again after
   * a lost race on a counter shard or on a row that is not `reportConflict` (so it can re-read that row); it is told
   * the attempt, so a first attempt may write on an ETag it kept instead of reading the row.
   * Returns the new ETag of each written record row when the service reported it; what each row now counts is
   * remembered under that ETag (`known`), so the row's next change need not read it.
   */
  async write(partitionKey: string, plan: (attempt: number) => Promise<readonly CountedWrite[]>, options?: RepoOptions): Promise<Map<string, string>> {
    for (let attempt = 1; ; attempt++) {
      const writes = await plan(attempt);
      if (writes.length === 0) return new Map();
      const operations: TableWrite[] = [];
      const recordAt = new Map<string, number>();
      const delta = addCounts(...writes.map((w) => countsDelta(w.before.counts, w.after.counts)));
      for (const w of writes) {
        const properties = { ...w.properties, [COUNTED_COLUMN]: countedColumn(w.after) };
        recordAt.set(w.rowKey, operations.length);
        operations.push(w.write === 'create' ? { kind: 'create', rowKey: w.rowKey, properties } : { kind: 'update', rowKey: w.rowKey, properties, ifMatch: w.write.ifMatch });
        const afterProblems = w.after.problems ?? {};
        for (const key of w.before.problemKeys) if (!(key in afterProblems)) operations.push({ kind: 'delete', rowKey: key });
        for (const [key, columns] of Object.entries(afterProblems)) operations.push({ kind: 'upsert', rowKey: key, properties: columns });
        operations.push(...(w.alsoWrite ?? []));
      }
      const counted = Object.keys(delta).length > 0;
      // A shard no other change of this process is writing (waiting for one when all are), so they never race each other.
      const shardKey = counted ? await this.takeShard(partitionKey, writes[0]!.rowKey, attempt) : null;
      const inUse = shardKey ? `${partitionKey}\n${shardKey}` : null;
      let shard: { key: string; counts: Record<string, number>; at: number } | null = null;
      try {
        if (shardKey && inUse) {
          // The shard as this process last wrote it, on a first attempt; read when unknown or after a lost race.
          const known = attempt === 1 && !((this.sharedUntil.get(inUse) ?? 0) > Date.now()) ? this.knownShards.get(inUse) : undefined;
          const stored = known ? null : await this.table.get(partitionKey, shardKey, options);
          const before = known ?? (stored ? { etag: stored.etag, counts: countsFromRow(stored.properties) } : null);
          const counts = addCounts(before?.counts ?? {}, delta);
          shard = { key: shardKey, counts, at: operations.length };
          operations.push(before
            ? { kind: 'update', rowKey: shardKey, properties: countsColumns(counts), ifMatch: before.etag }
            : { kind: 'create', rowKey: shardKey, properties: countsColumns(counts) });
        }
        const etags = await this.table.transact(partitionKey, operations, options);
        if (inUse && shard) this.keepShard(inUse, etags[shard.at] ?? '', shard.counts);
        const written = new Map<string, string>();
        for (const [rowKey, index] of recordAt) {
          const etag = etags[index] ?? '';
          written.set(rowKey, etag);
          const w = writes.find((x) => x.rowKey === rowKey)!;
          if (etag) this.rememberAt(partitionKey, rowKey, etag, { counts: w.after.counts, problemKeys: Object.keys(w.after.problems ?? {}) });
        }
        return written;
      } catch (error) {
        const lostRace = error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError;
        // Whether a failed transaction applied is unknown (a timeout): the copy is no longer to be trusted.
        if (!lostRace && inUse) this.knownShards.delete(inUse);
        if (!lostRace) throw error;
        // The caller's record lost (the transaction changed nothing, so the copy still holds), or else bookkeeping did:
        // another process wrote the shard (no change of this one was writing it), so read it before writing it a while.
        await this.reportOwnConflicts(partitionKey, writes, error, options);
        if (inUse) this.markShared(inUse);
        if (attempt >= MAX_ATTEMPTS) throw new Error(`counters of ${this.table.label} in ${partitionKey} stayed contended after ${attempt} attempts`, { cause: error });
      } finally {
        if (inUse) this.releaseShard(inUse);
      }
    }
  }

  /**
   * First the shard the record hashes to, so concurrent changes to different records spread evenly, or the next one
   * this process is not writing at that moment (a change it would only lose a race to); after a lost race, any shard:
   * counts only add up, and a writer that lost once should not queue behind the same row again. When this process is
   * writing every shard of the partition, it waits for one to be free: a wait of one transaction costs less than a
   * race lost to itself. Marked taken before the promise resolves, so no other change can take it meanwhile.
   */
  private async takeShard(partitionKey: string, recordRowKey: string, attempt: number): Promise<string> {
    const shards = this.options.shards;
    const first = attempt === 1 ? shardOf(recordRowKey, shards) : randomInt(shards);
    for (;;) {
      for (let step = 0; step < shards; step++) {
        const key = counterRowKey((first + step) % shards);
        if (!this.shardsInUse.has(`${partitionKey}\n${key}`)) {
          this.shardsInUse.add(`${partitionKey}\n${key}`);
          return key;
        }
      }
      await new Promise<void>((resolve) => this.waitingForShard.push(resolve));
    }
  }

  private releaseShard(key: string): void {
    this.shardsInUse.delete(key);
    for (const wake of this.waitingForShard.splice(0)) wake();
  }

  /** Another process wrote this shard: this process's copy is stale, and the shard is read before it is written for a while. */
  private markShared(key: string): void {
    this.knownShards.delete(key);
    this.sharedUntil.set(key, Date.now() + SHARED_SHARD_READ_FOR_MS);
    if (this.sharedUntil.size > 4_096) this.sharedUntil.delete(this.sharedUntil.keys().next().value!);
  }

  private keepShard(key: string, etag: string, counts: Record<string, number>): void {
    this.knownShards.delete(key);
    if (!etag) return;
    this.knownShards.set(key, { etag, counts });
    if (this.knownShards.size > 4_096) this.knownShards.delete(this.knownShards.keys().next().value!);
  }

  /** Which row lost: the caller's record (its conflict is the caller's, as without counters), or bookkeeping (retry). */
  private async reportOwnConflicts(partitionKey: string, writes: readonly CountedWrite[], error: Error, options?: RepoOptions): Promise<void> {
    for (const w of writes.filter((x) => x.reportConflict)) {
      const row = await this.table.get(partitionKey, w.rowKey, options);
      if (w.write === 'create' && row) throw new EntityAlreadyExistsError(this.table.label, { cause: error });
      if (w.write !== 'create' && row?.etag !== w.write.ifMatch) throw new ConcurrencyConflictError(this.table.label, { cause: error });
    }
  }

  /** The round's counters: the sum of its shards, one small row-key range (at most `shards` rows). */
  async readCounts(partitionKey: string, options?: RepoOptions): Promise<Record<string, number>> {
    const shards: Record<string, number>[] = [];
    for await (const row of this.table.listPartition(partitionKey, { ...options, rowKeyPrefix: COUNTER_ROW_PREFIX })) shards.push(countsFromRow(row.properties));
    return addCounts(...shards);
  }

  /**
   * The counters and the first page of one kind of problem, in ONE row-key range: the partition's bookkeeping rows
   * (`~…`), where counter rows sort before problem rows, read up to the shards plus the page plus one. A table whose
   * round partitions hold counters and one kind of problem (members, the booking index, the effects logs) is answered
   * whole; rows of any other kind only shorten the page, and `next` then says where it continues. One range instead of
   * two matters where the service answers a range by scanning the table, as Azurite does.
   */
  async readCountsAndFirstProblems(partitionKey: string, kind: string, limit: number, options?: RepoOptions): Promise<{ counts: Record<string, number>; rows: StoredEntity[]; next: string | null }> {
    const prefix = problemRowKey(kind, '');
    const fetched = this.options.shards + limit + 1;
    const rows = await this.table.listRange(partitionKey, { prefix: BOOKKEEPING_ROW_PREFIX, limit: fetched }, options);
    const counts = addCounts(...rows.filter((row) => row.rowKey.startsWith(COUNTER_ROW_PREFIX)).map((row) => countsFromRow(row.properties)));
    const problems = rows.filter((row) => row.rowKey.startsWith(prefix));
    const shown = problems.slice(0, limit);
    const more = problems.length > limit || rows.length === fetched;
    if (more && shown.length === 0) return { counts, ...await this.readProblems(partitionKey, kind, { limit, after: null }, options) };
    return { counts, rows: shown, next: more && shown.length > 0 ? shown.at(-1)!.rowKey.slice(prefix.length) : null };
  }

  /**
   * One page of the open problems of one kind, in row-key order after the problem id `after` (null: from the first):
   * a range of at most `limit` + 1 rows, the one more telling whether another page follows. `next` is the id of the
   * last problem returned when it does (the next page starts after it), null when this page is the last.
   */
  async readProblems(partitionKey: string, kind: string, page: { readonly limit: number; readonly after: string | null }, options?: RepoOptions): Promise<{ rows: StoredEntity[]; next: string | null }> {
    const prefix = problemRowKey(kind, '');
    const after = page.after === null ? undefined : problemRowKey(kind, page.after);
    const rows = await this.table.listRange(partitionKey, { prefix, after, limit: page.limit + 1 }, options);
    const shown = rows.slice(0, page.limit);
    return { rows: shown, next: rows.length > page.limit ? shown.at(-1)!.rowKey.slice(prefix.length) : null };
  }

  /**
   * Repair: recomputes every shard and problem row from `expected` (each record's contribution as it should be, by row
   * key) and writes what differs; records whose own `counted` column is stale are rewritten first (conditional on their
   * ETag). Shards are replaced on the ETags just read, so a change that lands meanwhile makes the repair start over.
   * Returns the differences found (counter name → stored − expected, and problem rows missing or stray).
   */
  async recount(partitionKey: string, expected: () => Promise<ReadonlyMap<string, ExpectedRecord>>, fix: boolean, options?: RepoOptions): Promise<CounterDifferences> {
    for (let attempt = 1; ; attempt++) {
      const records = await expected();
      const staleRecords: string[] = [];
      const perShard = new Map<number, Record<string, number>[]>();
      const wantedProblems = new Map<string, EntityProperties>();
      for (const [rowKey, { row, contribution, properties }] of records) {
        const stored = row ? storedContributionOf(row.properties) : null;
        const staleCount = stored && countedColumn({ counts: stored.counts, problems: Object.fromEntries(stored.problemKeys.map((k) => [k, {}])) }) !== countedColumn(contribution);
        const staleCopy = row && properties && Object.entries(properties).some(([name, value]) => !sameColumn(row.properties[name], value));
        if (staleCount || staleCopy) staleRecords.push(rowKey);
        const shard = shardOf(rowKey, this.options.shards);
        perShard.set(shard, [...(perShard.get(shard) ?? []), { ...contribution.counts }]);
        for (const [key, columns] of Object.entries(contribution.problems ?? {})) wantedProblems.set(key, columns);
      }
      const storedShards = new Map<string, StoredEntity>();
      for await (const row of this.table.listPartition(partitionKey, { ...options, rowKeyPrefix: COUNTER_ROW_PREFIX })) storedShards.set(row.rowKey, row);
      const storedProblems = new Map<string, StoredEntity>();
      for await (const row of this.table.listPartition(partitionKey, { ...options, rowKeyPrefix: PROBLEM_ROW_PREFIX })) storedProblems.set(row.rowKey, row);

      const storedTotal = addCounts(...[...storedShards.values()].map((row) => countsFromRow(row.properties)));
      const expectedTotal = addCounts(...[...perShard.values()].flat());
      const differences: CounterDifferences = {
        counters: countsDelta(expectedTotal, storedTotal),
        missingProblems: [...wantedProblems.keys()].filter((key) => !storedProblems.has(key)).sort(),
        strayProblems: [...storedProblems.keys()].filter((key) => !wantedProblems.has(key)).sort(),
        staleRecords: staleRecords.length,
      };
      if (!fix || !hasDifferences(differences)) return differences;

      const operations: TableWrite[] = [];
      for (let shard = 0; shard < this.options.shards; shard++) {
        const key = counterRowKey(shard);
        const want = addCounts(...(perShard.get(shard) ?? []));
        const row = storedShards.get(key);
        if (row && JSON.stringify(countsFromRow(row.properties)) === JSON.stringify(want)) continue;
        operations.push(row ? { kind: 'update', rowKey: key, properties: countsColumns(want), ifMatch: row.etag } : { kind: 'create', rowKey: key, properties: countsColumns(want) });
      }
      for (const key of differences.strayProblems) operations.push({ kind: 'delete', rowKey: key });
      for (const [key, columns] of wantedProblems) if (!storedProblems.has(key)) operations.push({ kind: 'upsert', rowKey: key, properties: columns });
      try {
        // The records' own columns first: a change racing the repair then fails its ETag and is retried on the new column.
        for (const rowKey of staleRecords) {
          const { row, contribution, properties: wanted } = records.get(rowKey)!;
          if (!row) continue;
          if (wanted) {
            await this.table.update(partitionKey, rowKey, { ...wanted, [COUNTED_COLUMN]: countedColumn(contribution) }, row.etag, options);
            continue;
          }
          const { etag: _e, ...rest } = row.properties as Record<string, unknown> & { etag?: string };
          const properties = Object.fromEntries(Object.entries(rest).filter(([name, value]) => !['odata.etag', 'partitionKey', 'rowKey', 'timestamp'].includes(name) && typeof value !== 'object')) as EntityProperties;
          await this.table.update(partitionKey, rowKey, { ...properties, [COUNTED_COLUMN]: countedColumn(contribution) }, row.etag, options);
        }
        for (let i = 0; i < operations.length; i += 100) await this.table.transact(partitionKey, operations.slice(i, i + 100), options);
        return differences;
      } catch (error) {
        const lostRace = error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError;
        if (!lostRace || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}

/**
 * A record as the repair recomputes it: its row as read, what it should count, and (where the record carries copies
 * of facts kept elsewhere) every column it should hold; a row whose copies differ is rewritten with them.
 */
export interface ExpectedRecord {
  readonly row: StoredEntity | null;
  readonly contribution: Contribution;
  readonly properties?: EntityProperties;
}

export interface CounterDifferences {
  /** Counter name → stored − recomputed (only the names that differ). */
  readonly counters: Readonly<Record<string, number>>;
  readonly missingProblems: readonly string[];
  readonly strayProblems: readonly string[];
  /** Records whose own `counted` column, or copied facts, did not match their records (e.g. written before counters existed). */
  readonly staleRecords: number;
}

export function hasDifferences(differences: CounterDifferences): boolean {
  return Object.keys(differences.counters).length > 0 || differences.missingProblems.length > 0 || differences.strayProblems.length > 0 || differences.staleRecords > 0;
}
