import { TableClient, TableServiceClient } from '@azure/data-tables';
import { testConnectionString } from './storage';

/**
 * Every row of every table a test stack owns (its TABLE_PREFIX), as "table|partition|row → etag". Two equal
 * snapshots mean nothing was written in between: no new row, no rewritten row, nothing deleted.
 */
export async function tableSnapshot(tablePrefix: string): Promise<Map<string, string>> {
  const options = { allowInsecureConnection: true };
  const service = TableServiceClient.fromConnectionString(testConnectionString(), options);
  const rows = new Map<string, string>();
  for await (const table of service.listTables()) {
    const name = table.name ?? '';
    if (!name.toLowerCase().startsWith(tablePrefix.toLowerCase())) continue;
    const client = TableClient.fromConnectionString(testConnectionString(), name, options);
    for await (const entity of client.listEntities()) rows.set(`${name}|${entity.partitionKey}|${entity.rowKey}`, String(entity.etag));
  }
  return rows;
}

/** What changed between two snapshots, one line per row (empty: nothing). */
export function snapshotChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [key, etag] of after) if (before.get(key) !== etag) changes.push(`${before.has(key) ? 'rewritten' : 'added'} ${key}`);
  for (const key of before.keys()) if (!after.has(key)) changes.push(`deleted ${key}`);
  return changes;
}

/**
 * A snapshot once background work from earlier steps (queued jobs writing their reminder rows) has finished: two
 * snapshots in a row that agree, so a later comparison sees only what the step under test wrote.
 */
export async function settledTableSnapshot(tablePrefix: string, attempts = 50): Promise<Map<string, string>> {
  let previous = await tableSnapshot(tablePrefix);
  for (let attempt = 0; attempt < attempts; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await tableSnapshot(tablePrefix);
    if (snapshotChanges(previous, next).length === 0) return next;
    previous = next;
  }
  throw new Error('the tables kept changing: background work did not settle');
}
