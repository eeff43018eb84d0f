import type { DemoClockStore } from '../../ports/clock';
import type { ScheduleStore } from '../../ports/schedule';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../../ports/storageErrors';
import type { EntityTable } from './entityTable';

// Key map: <prefix>Schedule PK = "task", RK = task name → nextRunAt (ISO). One row per periodic task.
const PARTITION = 'task';

export function createTableScheduleStore(table: EntityTable): ScheduleStore {
  return {
    async claimRun(task, now, intervalInMs, options) {
      await table.ensureCreated(options);
      const nextRunAt = new Date(now.getTime() + intervalInMs).toISOString();
      const row = await table.get(PARTITION, task, options);
      try {
        if (!row) {
          await table.create(PARTITION, task, { nextRunAt }, options);
          return true;
        }
        if (String(row.properties.nextRunAt) > now.toISOString()) return false; // not due yet
        await table.update(PARTITION, task, { nextRunAt }, row.etag, options);
        return true;
      } catch (error) {
        // Another instance claimed this run between our read and our write.
        if (error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError) return false;
        throw error;
      }
    },
  };
}

// Same table, PK = "clock", RK = "demo" → offsetInMs: how far the demo clock (AUTH_MODE=dev) is ahead of real time.
const CLOCK_PARTITION = 'clock';
const DEMO_CLOCK_ROW = 'demo';

export function createTableDemoClockStore(table: EntityTable): DemoClockStore {
  return {
    async load(options) {
      await table.ensureCreated(options);
      const row = await table.get(CLOCK_PARTITION, DEMO_CLOCK_ROW, options);
      const offset = Number(row?.properties.offsetInMs ?? 0);
      return Number.isFinite(offset) && offset > 0 ? offset : 0;
    },
    async save(offsetInMs, options) {
      await table.ensureCreated(options);
      // Last writer wins on purpose: the offset only grows, and one person drives a local demo.
      await table.upsert(CLOCK_PARTITION, DEMO_CLOCK_ROW, { offsetInMs }, options);
    },
  };
}
