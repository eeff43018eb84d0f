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

export type EntityProperties = Record<string, string | number | boolean | Date | null | undefined>;
/** A row as read: its properties, its ETag, and its keys decoded back to what the repository wrote. */
export interface StoredEntity { readonly properties: Record<string, unknown>; readonly etag: string; readonly partitionKey: string; readonly rowKey: string }
export interface TableCallOptions { readonly abortSignal?: AbortSignal }
/** One write of an entity-group transaction: a replace-or-insert, or a delete (which must find its row). */
export type EntityGroupWrite =
  | { readonly kind: 'upsert'; readonly rowKey: string; readonly properties: EntityProperties }
  | { readonly kind: 'delete'; readonly rowKey: string };

/** Table Storage's cap on the writes of one entity-group transaction. */
export const MAX_WRITES_PER_TRANSACTION = 100;

/** A transaction was refused because a row it deletes is not there (someone else changed the partition). */
export class TransactionRowMissingError extends Error {
  constructor(label: string, options?: { cause?: unknown }) {
    super(`${label}: a row the transaction deletes is gone`, options);
    this.name = 'TransactionRowMissingError';
  }
}

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
  async create(partitionKey: string, rowKey: string, properties: EntityProperties, options?: TableCallOptions): Promise<string> {
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
  async update(partitionKey: string, rowKey: string, properties: EntityProperties, ifMatch: string, options?: TableCallOptions): Promise<string> {
    if (!ifMatch || ifMatch === '*') throw new Error(`an update of ${this.label} must carry the ETag it read`);
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

  /**
   * Writes up to 100 rows of one partition all or none, in one round trip (an entity-group transaction).
   * A delete of a row that is not there fails the whole transaction: TransactionRowMissingError.
   */
  async writePartition(partitionKey: string, writes: readonly EntityGroupWrite[], options?: TableCallOptions): Promise<void> {
    if (writes.length === 0) return;
    if (writes.length > MAX_WRITES_PER_TRANSACTION) throw new RangeError(`one transaction on ${this.label} holds at most ${MAX_WRITES_PER_TRANSACTION} writes (got ${writes.length})`);
    const actions: TransactionAction[] = writes.map((write) => write.kind === 'upsert'
      ? ['upsert', this.toEntity(partitionKey, write.rowKey, write.properties), 'Replace']
      : ['delete', { partitionKey: encodeKey(partitionKey), rowKey: encodeKey(write.rowKey) }]);
    try {
      await this.client.submitTransaction(actions, withDeadline(options));
    } catch (error) {
      if (statusOf(error) === 404) throw new TransactionRowMissingError(this.label, { cause: error });
      throw new Error(`could not save ${this.label}`, { cause: error });
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

  /** Every entity of one partition (a single-partition query, never a scan), or those whose row key starts with `rowKeyPrefix`. */
  async *listPartition(partitionKey: string, options?: TableCallOptions & { rowKeyPrefix?: string }): AsyncIterable<StoredEntity> {
    const filter = options?.rowKeyPrefix ? prefixFilter(partitionKey, options.rowKeyPrefix) : odata`PartitionKey eq ${encodeKey(partitionKey)}`;
    const pages = this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter }, ...withDeadline(options) });
    for await (const entity of pages as AsyncIterable<TableEntityResult<Record<string, unknown>>>) {
      yield { properties: entity, etag: entity.etag, partitionKey, rowKey: decodeKey(entity.rowKey ?? '') };
    }
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
