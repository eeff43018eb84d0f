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
 * A snapshot once background work from earlier steps (queued jobs writing their reminder rows) has finished: the
 * tables unchanged for `quietForMs`, so a later comparison sees only what the step under test wrote.
 */
export async function settledTableSnapshot(tablePrefix: string, options: { quietForMs?: number; giveUpAfterMs?: number } = {}): Promise<Map<string, string>> {
  // Quiet for longer than a worker's slowest idle poll (1 s), so a job queued just before looks unsettled until it has run.
  const quietForMs = options.quietForMs ?? 1_500;
  const giveUpAt = Date.now() + (options.giveUpAfterMs ?? 30_000);
  let previous = await tableSnapshot(tablePrefix);
  let unchangedSince = Date.now();
  while (Date.now() - unchangedSince < quietForMs) {
    if (Date.now() > giveUpAt) throw new Error('the tables kept changing: background work did not settle');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await tableSnapshot(tablePrefix);
    if (snapshotChanges(previous, next).length > 0) unchangedSince = Date.now();
    previous = next;
  }
  return previous;
}
