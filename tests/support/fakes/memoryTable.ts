import { RestError, type TableClient } from '@azure/data-tables';
import { EntityTable } from '../../../src/adapters/tables/entityTable';

/*
 * Table Storage in memory, behind the same `EntityTable` the repositories use in production. The fake sits
 * under EntityTable rather than beside each repository, so the key encoding, the documented limits, the
 * "an update carries the ETag it read" rule and every repository's own key map and indexes run unchanged;
 * only the service is replaced. What the service does that the repositories rely on is copied here and
 * checked against Azurite by tests/integration/port-contracts.test.ts:
 *   - createEntity on a taken key → 409; updateEntity with a stale ETag → 412, on a missing row → 404;
 *     deleteEntity of a missing row → 404; getEntity of a missing row → 404; a table that was not created → 404
 *   - createTable of an existing table is quiet (the SDK swallows the 409)
 *   - every write gets a new ETag; null and undefined properties are not stored (Table Storage has no nulls)
 *   - a partition lists in row-key order (ordinal), and a filter is PartitionKey eq, optionally with a RowKey range
 */

interface Row { readonly properties: Record<string, unknown>; readonly etag: string; readonly timestamp: Date }

let etagCounter = 0;

function nextEtag(): string {
  etagCounter += 1;
  return `W/"datetime'${new Date().toISOString()}-${etagCounter}'"`;
}

function restError(statusCode: number, code: string): RestError {
  return new RestError(`${code} (in-memory table)`, { statusCode, code });
}

/** Stored as the service would: no nulls, no undefined, Dates copied, keys separate. */
function storedProperties(entity: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entity)) {
    if (name === 'partitionKey' || name === 'rowKey' || name === 'etag' || name === 'timestamp') continue;
    if (value === null || value === undefined) continue;
    properties[name] = value instanceof Date ? new Date(value.getTime()) : value;
  }
  return properties;
}

const QUOTED = "'((?:[^']|'')*)'";
const FILTER = new RegExp(`^PartitionKey eq ${QUOTED}(?: and RowKey ge ${QUOTED} and RowKey lt ${QUOTED})?$`);
const unquote = (text: string) => text.replace(/''/g, "'");

/** The query shapes EntityTable sends; anything else is a mistake in the fake's caller, so it fails loudly. */
function parseFilter(filter: string | undefined): { partitionKey: string; low?: string; high?: string } {
  const match = filter ? FILTER.exec(filter) : null;
  if (!match) throw new Error(`the in-memory table does not understand the filter ${JSON.stringify(filter)}`);
  return { partitionKey: unquote(match[1]!), ...(match[2] !== undefined ? { low: unquote(match[2]), high: unquote(match[3]!) } : {}) };
}

/** Key order as the service sorts it: ordinal, by UTF-16 code unit (encoded keys are ASCII anyway). */
function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The subset of TableClient that EntityTable calls, kept in a Map of partition → row key → row. */
export class MemoryTableClient {
  private created = false;
  private readonly partitions = new Map<string, Map<string, Row>>();

  constructor(readonly tableName: string) {}

  async createTable(): Promise<void> {
    this.created = true;
  }

  async deleteTable(): Promise<void> {
    if (!this.created) throw restError(404, 'TableNotFound');
    this.created = false;
    this.partitions.clear();
  }

  async getEntity(partitionKey: string, rowKey: string): Promise<Record<string, unknown>> {
    const row = this.partition(partitionKey).get(rowKey);
    if (!row) throw restError(404, 'ResourceNotFound');
    return this.result(partitionKey, rowKey, row);
  }

  async createEntity(entity: { partitionKey: string; rowKey: string } & Record<string, unknown>): Promise<{ etag: string }> {
    const partition = this.partition(entity.partitionKey);
    if (partition.has(entity.rowKey)) throw restError(409, 'EntityAlreadyExists');
    return this.write(partition, entity);
  }

  async upsertEntity(entity: { partitionKey: string; rowKey: string } & Record<string, unknown>, mode: 'Replace' | 'Merge'): Promise<{ etag: string }> {
    const partition = this.partition(entity.partitionKey);
    const before = partition.get(entity.rowKey);
    return this.write(partition, entity, mode === 'Merge' && before ? before.properties : {});
  }

  async updateEntity(entity: { partitionKey: string; rowKey: string } & Record<string, unknown>, mode: 'Replace' | 'Merge', options: { etag?: string } = {}): Promise<{ etag: string }> {
    const partition = this.partition(entity.partitionKey);
    const before = partition.get(entity.rowKey);
    if (!before) throw restError(404, 'ResourceNotFound');
    if (options.etag !== undefined && options.etag !== '*' && options.etag !== before.etag) throw restError(412, 'UpdateConditionNotSatisfied');
    return this.write(partition, entity, mode === 'Merge' ? before.properties : {});
  }

  async deleteEntity(partitionKey: string, rowKey: string): Promise<void> {
    const partition = this.partition(partitionKey);
    if (!partition.delete(rowKey)) throw restError(404, 'ResourceNotFound');
  }

  /** All or none, one partition, ≤ 100 writes, as Table Storage's entity-group transaction; upsert and delete as EntityTable sends them. */
  async submitTransaction(actions: Array<[string, { partitionKey: string; rowKey: string } & Record<string, unknown>, string?]>): Promise<{ status: number }> {
    const partitionKeys = new Set(actions.map(([, entity]) => entity.partitionKey));
    if (actions.length === 0 || actions.length > 100 || partitionKeys.size !== 1) throw restError(400, 'InvalidInput');
    const partition = this.partition(actions[0]![1].partitionKey);
    for (const [kind, entity] of actions) {
      if (kind === 'delete' && !partition.has(entity.rowKey)) throw restError(404, 'ResourceNotFound');
      if (kind !== 'delete' && kind !== 'upsert') throw new Error(`the in-memory table does not take '${kind}' in a transaction`);
    }
    for (const [kind, entity] of actions) {
      if (kind === 'delete') partition.delete(entity.rowKey);
      else this.write(partition, entity);
    }
    return { status: 202 };
  }

  listEntities(options: { queryOptions?: { filter?: string } } = {}) {
    const rows = (): Record<string, unknown>[] => {
      const { partitionKey, low, high } = parseFilter(options.queryOptions?.filter);
      const partition = this.partition(partitionKey);
      return [...partition.keys()]
        .filter((rowKey) => low === undefined || (rowKey >= low && rowKey < high!))
        .sort(ordinal)
        .map((rowKey) => this.result(partitionKey, rowKey, partition.get(rowKey)!));
    };
    return {
      async *[Symbol.asyncIterator]() {
        yield* rows();
      },
      byPage(settings: { maxPageSize?: number } = {}) {
        const all = rows();
        const size = settings.maxPageSize ?? 1000;
        return (async function* pages() {
          for (let at = 0; at < all.length || at === 0; at += size) yield all.slice(at, at + size);
        })();
      },
    };
  }

  private partition(partitionKey: string): Map<string, Row> {
    if (!this.created) throw restError(404, 'TableNotFound');
    let partition = this.partitions.get(partitionKey);
    if (!partition) {
      partition = new Map();
      this.partitions.set(partitionKey, partition);
    }
    return partition;
  }

  private write(partition: Map<string, Row>, entity: { rowKey: string } & Record<string, unknown>, base: Record<string, unknown> = {}): { etag: string } {
    const etag = nextEtag();
    partition.set(entity.rowKey, { properties: { ...base, ...storedProperties(entity) }, etag, timestamp: new Date() });
    return { etag };
  }

  private result(partitionKey: string, rowKey: string, row: Row): Record<string, unknown> {
    const copy = Object.fromEntries(Object.entries(row.properties).map(([name, value]) => [name, value instanceof Date ? new Date(value.getTime()) : value]));
    return { ...copy, partitionKey, rowKey, etag: row.etag, timestamp: row.timestamp.toISOString() };
  }
}

/** An EntityTable over an in-memory table: what the repositories' constructors take, in production and here. */
export function memoryEntityTable(tableName: string, label: string): EntityTable {
  // MemoryTableClient implements the calls EntityTable makes (checked by the shared contract suite), not all of TableClient.
  return new EntityTable(new MemoryTableClient(tableName) as unknown as TableClient, label);
}
