import { odata, RestError, TableClient, type TableEntity, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { storageAccessFor } from '../storageAccount';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../../ports/storageErrors';
import { decodeKey, encodeKey } from './keys';

export { ConcurrencyConflictError, EntityAlreadyExistsError };

/** A value breaks a documented Table Storage limit; the message says which and by how much. */
export class EntityTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EntityTooLargeError';
  }
}

// Documented Azure Table Storage limits, checked before the call so the error names the field.
export const TABLE_LIMITS = {
  /** 64 KiB per string property, stored as UTF-16: 32,768 characters. */
  maxStringPropertyCharacters: 32 * 1024,
  /** 1 MiB per entity. */
  maxEntityBytes: 1024 * 1024,
  /** 255 properties including PartitionKey, RowKey and Timestamp: 252 of ours. */
  maxCustomProperties: 252,
} as const;

/** Row keys starting with this are a partition's bookkeeping (counters, problem lists, outbox), never one of its records. */
export const BOOKKEEPING_ROW_PREFIX = '~';

/** Azure Table Storage: at most 100 operations in one entity-group transaction, all in one partition. */
export const MAX_TRANSACTION_OPERATIONS = 100;

/** One write inside an entity-group transaction. */
export type TableWrite =
  | { readonly kind: 'create' | 'upsert'; readonly rowKey: string; readonly properties: EntityProperties }
  | { readonly kind: 'update'; readonly rowKey: string; readonly properties: EntityProperties; readonly ifMatch: string }
  | { readonly kind: 'delete'; readonly rowKey: string };

export type EntityProperties = Record<string, string | number | boolean | Date | null | undefined>;
/** A row as read: its properties, its ETag, and its keys decoded back to what the repository wrote. */
export interface StoredEntity { readonly properties: Record<string, unknown>; readonly etag: string; readonly partitionKey: string; readonly rowKey: string }
export interface TableCallOptions { readonly abortSignal?: AbortSignal }

/**
 * Options of a write: `alongside` rows of the same partition (an outbox row beside the state it belongs to) make it
 * one entity-group transaction with the write (at most 99 of them): all of them apply or none does.
 */
export interface WriteOptions extends TableCallOptions { readonly alongside?: readonly TableWrite[] }

const DEADLINE_IN_MS = 10_000;

function withDeadline(options: TableCallOptions | undefined): { abortSignal: AbortSignal } {
  const timeout = AbortSignal.timeout(DEADLINE_IN_MS);
  return { abortSignal: options?.abortSignal ? AbortSignal.any([options.abortSignal, timeout]) : timeout };
}

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

/** Row keys in [prefix, prefix with its last character incremented): "abc!7C" → RowKey ge 'abc!7C' and lt 'abc!7D'. */
function prefixFilter(partitionKey: string, rowKeyPrefix: string): string {
  const low = encodeKey(rowKeyPrefix);
  const high = low.slice(0, -1) + String.fromCharCode(low.charCodeAt(low.length - 1) + 1);
  return odata`PartitionKey eq ${encodeKey(partitionKey)} and RowKey ge ${low} and RowKey lt ${high}`;
}

/**
 * One Azure table with the rules every repository follows: keys encoded, limits checked before
 * the call, updates conditional on the ETag that was read, expected outcomes named.
 * Repositories map their aggregate to and from `EntityProperties` and validate what they read.
 */
export class EntityTable {
  private ensured: Promise<void> | undefined;

  constructor(private readonly client: TableClient, readonly label: string) {}

  static fromConnectionString(connectionString: string, tableName: string, label: string): EntityTable {
    const access = storageAccessFor(connectionString);
    // Azurite serves plain http on loopback; real accounts are https and ignore the flag.
    const client = access.kind === 'connectionString'
      ? TableClient.fromConnectionString(access.connectionString, tableName, { allowInsecureConnection: true })
      : new TableClient(access.tableEndpoint, tableName, access.credential);
    return new EntityTable(client, label);
  }

  get tableName(): string {
    return this.client.tableName;
  }

  /** Creates the table once per process; "already exists" is the expected outcome after the first run. */
  ensureCreated(options?: TableCallOptions): Promise<void> {
    this.ensured ??= this.client.createTable(withDeadline(options)).catch((error: unknown) => {
      this.ensured = undefined;
      throw new Error(`could not create table ${this.client.tableName}`, { cause: error });
    });
    return this.ensured;
  }

  async deleteTable(): Promise<void> {
    await this.client.deleteTable();
    this.ensured = undefined;
  }

  async get(partitionKey: string, rowKey: string, options?: TableCallOptions): Promise<StoredEntity | null> {
    try {
      const entity = await this.client.getEntity<Record<string, unknown>>(encodeKey(partitionKey), encodeKey(rowKey), withDeadline(options));
      return { properties: entity, etag: entity.etag, partitionKey, rowKey };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw new Error(`could not read ${this.label}`, { cause: error });
    }
  }

  /** Fails with EntityAlreadyExistsError if the key is taken (replay-safe creates use a key derived from the command). */
  async create(partitionKey: string, rowKey: string, properties: EntityProperties, options?: WriteOptions): Promise<string> {
    if (options?.alongside?.length) return (await this.transact(partitionKey, [{ kind: 'create', rowKey, properties }, ...options.alongside], options))[0]!;
    const entity = this.toEntity(partitionKey, rowKey, properties);
    try {
      const response = await this.client.createEntity(entity, withDeadline(options));
      return response.etag ?? '';
    } catch (error) {
      if (statusOf(error) === 409) throw new EntityAlreadyExistsError(this.label, { cause: error });
      throw new Error(`could not create ${this.label}`, { cause: error });
    }
  }

  /** Unconditional replace; only for data the caller owns outright (e.g. the latest conversation reference). */
  async upsert(partitionKey: string, rowKey: string, properties: EntityProperties, options?: TableCallOptions): Promise<string> {
    const entity = this.toEntity(partitionKey, rowKey, properties);
    try {
      const response = await this.client.upsertEntity(entity, 'Replace', withDeadline(options));
      return response.etag ?? '';
    } catch (error) {
      throw new Error(`could not save ${this.label}`, { cause: error });
    }
  }

  /** Replaces the entity only if it still has `ifMatch` as its ETag; a lost race is a ConcurrencyConflictError. */
  async update(partitionKey: string, rowKey: string, properties: EntityProperties, ifMatch: string, options?: WriteOptions): Promise<string> {
    if (!ifMatch || ifMatch === '*') throw new Error(`an update of ${this.label} must carry the ETag it read`);
    if (options?.alongside?.length) return (await this.transact(partitionKey, [{ kind: 'update', rowKey, properties, ifMatch }, ...options.alongside], options))[0]!;
    const entity = this.toEntity(partitionKey, rowKey, properties);
    try {
      const response = await this.client.updateEntity(entity, 'Replace', { ...withDeadline(options), etag: ifMatch });
      return response.etag ?? '';
    } catch (error) {
      const status = statusOf(error);
      if (status === 412) throw new ConcurrencyConflictError(this.label, { cause: error });
      throw new Error(`could not update ${this.label}`, { cause: error });
    }
  }

  private actionOf(partitionKey: string, operation: TableWrite): TransactionAction {
    if (operation.kind === 'delete') return ['delete', { partitionKey: encodeKey(partitionKey), rowKey: encodeKey(operation.rowKey) }];
    const entity = this.toEntity(partitionKey, operation.rowKey, operation.properties);
    switch (operation.kind) {
      case 'create': return ['create', entity];
      case 'upsert': return ['upsert', entity, 'Replace'];
      case 'update':
        if (!operation.ifMatch || operation.ifMatch === '*') throw new Error(`an update of ${this.label} must carry the ETag it read`);
        return ['update', entity, 'Replace', { etag: operation.ifMatch }];
    }
  }

  /**
   * One entity-group transaction: up to 100 creates, conditional updates, upserts and deletes in one partition,
   * all applied or none. Returns each row's new ETag in the order given (empty for a delete). A taken key fails the
   * whole transaction with EntityAlreadyExistsError; a stale ETag, or a row to update or delete that is gone, with
   * ConcurrencyConflictError (the caller finds out which row lost, then re-reads, retries or writes singly).
   */
  async transact(partitionKey: string, operations: readonly TableWrite[], options?: TableCallOptions): Promise<string[]> {
    if (operations.length === 0) return [];
    if (operations.length > MAX_TRANSACTION_OPERATIONS) throw new RangeError(`an entity-group transaction holds at most ${MAX_TRANSACTION_OPERATIONS} operations (got ${operations.length})`);
    const actions = operations.map((operation) => this.actionOf(partitionKey, operation));
    try {
      const response = await this.client.submitTransaction(actions, withDeadline(options));
      const byRowKey = new Map(response.subResponses.map((sub) => [sub.rowKey ?? '', (sub.etag ?? '').trim()]));
      return operations.map((operation, index) => byRowKey.get(encodeKey(operation.rowKey)) ?? (response.subResponses[index]?.etag ?? '').trim());
    } catch (error) {
      const status = statusOf(error);
      if (status === 409) throw new EntityAlreadyExistsError(this.label, { cause: error });
      if (status === 412 || status === 404) throw new ConcurrencyConflictError(this.label, { cause: error });
      throw new Error(`could not write ${operations.length} ${this.label} rows in one transaction`, { cause: error });
    }
  }

  /** Succeeds if the entity is already gone. */
  async delete(partitionKey: string, rowKey: string, options?: TableCallOptions): Promise<void> {
    try {
      await this.client.deleteEntity(encodeKey(partitionKey), encodeKey(rowKey), withDeadline(options));
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw new Error(`could not delete ${this.label}`, { cause: error });
    }
  }

  /**
   * Every entity of one partition (a single-partition query, never a scan), or those whose row key starts with `rowKeyPrefix`.
   * Rows whose key starts with `~` (BOOKKEEPING_ROW_PREFIX: counters, problem lists, per-person tallies) are the
   * partition's bookkeeping, not its records: they are left out unless the prefix asks for them.
   */
  async *listPartition(partitionKey: string, options?: TableCallOptions & { rowKeyPrefix?: string }): AsyncIterable<StoredEntity> {
    const filter = options?.rowKeyPrefix ? prefixFilter(partitionKey, options.rowKeyPrefix) : odata`PartitionKey eq ${encodeKey(partitionKey)}`;
    const wantsBookkeeping = options?.rowKeyPrefix?.startsWith(BOOKKEEPING_ROW_PREFIX) ?? false;
    const pages = this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter }, ...withDeadline(options) });
    for await (const entity of pages as AsyncIterable<TableEntityResult<Record<string, unknown>>>) {
      const rowKey = entity.rowKey ?? '';
      if (!wantsBookkeeping && rowKey.startsWith(BOOKKEEPING_ROW_PREFIX)) continue;
      yield { properties: entity, etag: entity.etag, partitionKey, rowKey: decodeKey(rowKey) };
    }
  }

  /**
   * Records of one partition in row-key order, from `from` (inclusive) or after `after` (exclusive), up to `through`
   * (inclusive), at most `limit`: a page of a partition, or a group of neighbours read with one range query
   * (bookkeeping rows left out). With `prefix`, only the rows whose key starts with it, bookkeeping or not (a page of
   * a problem list, say).
   */
  async listRange(partitionKey: string, range: { readonly prefix?: string; readonly from?: string; readonly after?: string; readonly through?: string; readonly limit?: number }, options?: TableCallOptions): Promise<StoredEntity[]> {
    const pk = encodeKey(partitionKey);
    let filter = range.prefix ? prefixFilter(partitionKey, range.prefix) : odata`PartitionKey eq ${pk} and RowKey lt ${BOOKKEEPING_ROW_PREFIX}`;
    if (range.from !== undefined) filter += ` and ${odata`RowKey ge ${encodeKey(range.from)}`}`;
    if (range.after !== undefined) filter += ` and ${odata`RowKey gt ${encodeKey(range.after)}`}`;
    if (range.through !== undefined) filter += ` and ${odata`RowKey le ${encodeKey(range.through)}`}`;
    const limit = range.limit ?? Number.POSITIVE_INFINITY;
    const rows: StoredEntity[] = [];
    const pages = this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter }, ...withDeadline(options) })
      .byPage({ maxPageSize: Math.min(1000, Number.isFinite(limit) ? limit : 1000) });
    for await (const page of pages) {
      for (const entity of page) {
        rows.push({ properties: entity, etag: entity.etag, partitionKey, rowKey: decodeKey(entity.rowKey ?? '') });
        if (rows.length >= limit) return rows;
      }
    }
    return rows;
  }



  /** Cheap reachability probe for /healthz: one query for at most one entity. */
  async probe(options?: TableCallOptions): Promise<void> {
    const pages = this.client.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${'healthz'}` }, ...withDeadline(options) }).byPage({ maxPageSize: 1 });
    await pages.next();
  }

  private toEntity(partitionKey: string, rowKey: string, properties: EntityProperties): TableEntity<EntityProperties> {
    const names = Object.keys(properties);
    if (names.length > TABLE_LIMITS.maxCustomProperties) {
      throw new EntityTooLargeError(`${this.label} has ${names.length} properties; Table Storage allows ${TABLE_LIMITS.maxCustomProperties}`);
    }
    let bytes = 0;
    for (const [name, value] of Object.entries(properties)) {
      if (typeof value === 'string') {
        if (value.length > TABLE_LIMITS.maxStringPropertyCharacters) {
          throw new EntityTooLargeError(`${this.label}.${name} is ${value.length} characters; one text field can hold at most ${TABLE_LIMITS.maxStringPropertyCharacters}`);
        }
        bytes += value.length * 2;
      } else {
        bytes += 8;
      }
      bytes += name.length * 2;
    }
    if (bytes > TABLE_LIMITS.maxEntityBytes) {
      throw new EntityTooLargeError(`${this.label} is about ${Math.ceil(bytes / 1024)} KiB; one record can hold at most 1024 KiB`);
    }
    return { partitionKey: encodeKey(partitionKey), rowKey: encodeKey(rowKey), ...properties };
  }
}
