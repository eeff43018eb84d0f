import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableScheduleStore } from '../../src/adapters/tables/scheduleStore';
import { testConnectionString, uniquePrefix } from '../support/storage';

const table = EntityTable.fromConnectionString(testConnectionString(), `${uniquePrefix('sched')}Schedule`, 'schedule');
afterAll(async () => { await table.deleteTable(); });

describe('the schedule store', () => {
  it('lets exactly one of many instances claim a due run', async () => {
    // Eight instances (separate stores over the same table) race for the first run of a daily task.
    const stores = Array.from({ length: 8 }, () => createTableScheduleStore(table));
    const now = new Date('2026-12-01T06:00:00Z');
    const claims = await Promise.all(stores.map((store) => store.claimRun('daily-check', now, 86_400_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('does not run again before the interval has passed, and runs once when it has', async () => {
    const store = createTableScheduleStore(table);
    expect(await store.claimRun('daily-check', new Date('2026-12-01T18:00:00Z'), 86_400_000)).toBe(false);
    const next = new Date('2026-12-02T06:00:01Z');
    const claims = await Promise.all([store, createTableScheduleStore(table), createTableScheduleStore(table)].map((s) => s.claimRun('daily-check', next, 86_400_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
