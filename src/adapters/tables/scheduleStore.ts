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
