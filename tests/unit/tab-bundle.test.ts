import { FIRST_LOAD_BUDGET_KB, measureBundle } from '../../bench/bundle';

// The jest global setup builds the tab (tools/build-tab.ts), so this reads what the service serves.
describe('the dashboard tab bundle', () => {
  it(`keeps the first load, teams-js included, within ${FIRST_LOAD_BUDGET_KB} KB gzip`, () => {
    const { in_teams_gzip_kb, first_load_gzip_kb } = measureBundle();
    expect(first_load_gzip_kb).toBeGreaterThan(50); // a real measurement, not an empty manifest
    expect(in_teams_gzip_kb).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_KB);
  });

  it('does not load the owner’s or manager’s views or the plan editor on first load', () => {
    const { files } = measureBundle();
    expect(files.some((f) => /OwnerView|ManagerView|PlanEditor|luxon/.test(f))).toBe(false);
  });
});
