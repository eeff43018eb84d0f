import { DateTime } from 'luxon';
import type { DemoOrganisation } from '../../tools/demo-org';

/** A valid new-round body for POST /api/rounds, dated from today so it never falls into the past. */
export function aNewRoundBody(organisation: DemoOrganisation, overrides: Record<string, unknown> = {}) {
  const ceo = organisation.people.find((p) => !p.managerId)!;
  const start = DateTime.now().setZone('Europe/London').plus({ weeks: 1 }).startOf('week');
  return {
    name: `Winter practice round ${Math.random().toString(36).slice(2, 8)}`,
    managerScopes: [ceo.id],
    window: { start: start.toISODate(), weeks: 3 },
    hoursPerWeek: 2.5,
    shareback: { startsAt: start.plus({ weeks: 3 }).set({ hour: 15 }).toUTC().toISO(), durationMinutes: 90, timeZone: 'Europe/London' },
    policyText: 'Keep customer personal data, client confidential material and credentials out of AI tools unless the tool is approved for it. Check what the tool gives you before you use it.',
    ...overrides,
  };
}
