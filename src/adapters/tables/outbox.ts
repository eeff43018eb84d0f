import { z } from 'zod';
import type { Job } from '../../ports/jobQueue';
import type { OutboxAddress, OutboxRepo } from '../../ports/outbox';
import { BOOKKEEPING_ROW_PREFIX, type EntityTable, type TableWrite } from './entityTable';
import { fromJsonColumn, toJsonColumn } from './json';

/*
 * Outbox rows, for any table: an effect saved with a record sits beside it, in the record's partition, under
 *   RK = "~outbox|<the record's row key>|<job id>"     { data: JSON { kind, id, payload }, createdAt }
 * A bookkeeping row (`~`, which no record key starts with), so partition listings leave it out. Being in the record's
 * partition it joins the record's write as one entity-group transaction (`alongside`, or `alsoWrite` where the
 * partition is counted), and one record's rows are one row-key range, however many records share the partition.
 */

/** Where an outbox's rows are: the record's table, partition and row key. */
export interface OutboxLocation {
  readonly table: EntityTable;
  readonly partitionKey: string;
  readonly recordRowKey: string;
}

export const outboxRowPrefix = (recordRowKey: string) => `${BOOKKEEPING_ROW_PREFIX}outbox|${recordRowKey}|`;

const outboxRowSchema = z.object({ kind: z.string(), id: z.string(), payload: z.unknown() });

/** The rows that save `jobs` beside the record at `recordRowKey` (upserts: the same effect saved twice is one row). */
export function outboxRows(recordRowKey: string, jobs: readonly Job[] | undefined, at: string): TableWrite[] {
  return (jobs ?? []).map((job) => ({
    kind: 'upsert' as const,
    rowKey: `${outboxRowPrefix(recordRowKey)}${job.id}`,
    properties: { data: toJsonColumn({ kind: job.kind, id: job.id, payload: job.payload }), createdAt: at },
  }));
}

/** Reads and clears outbox rows wherever `locate` says an address's record lives. */
export function createTableOutbox(locate: (address: OutboxAddress) => OutboxLocation): OutboxRepo {
  return {
    async pending(address, options) {
      const { table, partitionKey, recordRowKey } = locate(address);
      await table.ensureCreated(options);
      const rows: { job: Job; createdAt: string }[] = [];
      for await (const stored of table.listPartition(partitionKey, { ...options, rowKeyPrefix: outboxRowPrefix(recordRowKey) })) {
        const { kind, id, payload } = outboxRowSchema.parse(fromJsonColumn(stored.properties.data, `outbox row ${stored.rowKey}`));
        rows.push({ job: { kind, id, payload }, createdAt: String(stored.properties.createdAt) });
      }
      return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((row) => row.job);
    },
    async clear(address, ids, options) {
      const { table, partitionKey, recordRowKey } = locate(address);
      await table.ensureCreated(options);
      await Promise.all([...new Set(ids)].map((id) => table.delete(partitionKey, `${outboxRowPrefix(recordRowKey)}${id}`, options)));
    },
  };
}
