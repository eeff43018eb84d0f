import { practiceHoursByWeek } from '../../src/domain/practiceHours';

const block = (week: number, start: string, minutes: number, notKept: { by: 'participant' | 'calendar'; reason: string } | null = null) =>
  ({ week, start, end: new Date(Date.parse(start) + minutes * 60_000).toISOString(), notKept });

describe('practiceHoursByWeek', () => {
  const now = '2026-12-09T12:00:00.000Z';

  it('counts ended blocks as kept, later ones as upcoming, per week', () => {
    expect(practiceHoursByWeek([
      block(1, '2026-12-01T09:00:00.000Z', 60),
      block(1, '2026-12-03T09:00:00.000Z', 90),
      block(2, '2026-12-09T11:30:00.000Z', 60), // started, not ended: upcoming
      block(2, '2026-12-10T09:00:00.000Z', 90),
    ], now)).toEqual([
      { week: 1, plannedMinutes: 150, keptMinutes: 150, upcomingMinutes: 0 },
      { week: 2, plannedMinutes: 150, keptMinutes: 0, upcomingMinutes: 150 },
    ]);
  });

  it('does not count a block the participant missed, or one gone from the calendar', () => {
    expect(practiceHoursByWeek([
      block(1, '2026-12-01T09:00:00.000Z', 60, { by: 'participant', reason: 'Customer escalation' }),
      block(1, '2026-12-02T09:00:00.000Z', 60, { by: 'calendar', reason: 'deleted' }),
      block(1, '2026-12-03T09:00:00.000Z', 30),
    ], now)).toEqual([{ week: 1, plannedMinutes: 150, keptMinutes: 30, upcomingMinutes: 0 }]);
  });

  it('is empty without blocks', () => {
    expect(practiceHoursByWeek([], now)).toEqual([]);
  });
});
