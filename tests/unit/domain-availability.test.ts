import { DateTime } from 'luxon';
import { firstCommonFreeSlot, freeSpans, isWorkingDay, mergeIntervals, workingSpanOn, workingSpans } from '../../src/domain/availability';
import { gridStarts, intersect } from '../../src/domain/intervals';
import type { WorkingHours } from '../../src/domain/planner';

const weekdays: WorkingHours['daysOfWeek'] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const london: WorkingHours = { daysOfWeek: weekdays, startTime: '09:00', endTime: '17:00', timeZone: 'Europe/London' };
const at = (iso: string) => Date.parse(iso);
const iso = (spans: { start: number; end: number }[]) => spans.map((s) => [new Date(s.start).toISOString(), new Date(s.end).toISOString()]);

describe('working time as instants', () => {
  it('keeps 09:00 at 09:00 local across the clock change (London: GMT on Friday 28 March 2025, BST from Sunday)', () => {
    const spans = workingSpans(london, { start: at('2025-03-28T00:00:00Z'), end: at('2025-04-01T00:00:00Z') });
    expect(iso(spans).filter(([start]) => start! >= '2025-03-28')).toEqual([
      ['2025-03-28T09:00:00.000Z', '2025-03-28T17:00:00.000Z'],
      ['2025-03-31T08:00:00.000Z', '2025-03-31T16:00:00.000Z'],
      ['2025-04-01T08:00:00.000Z', '2025-04-01T16:00:00.000Z'],
    ]);
  });

  it('reads "24:00" as midnight at the end of the day, also on the day the clocks go forward', () => {
    const sundays: WorkingHours = { daysOfWeek: ['sunday'], startTime: '20:00', endTime: '24:00', timeZone: 'Europe/London' };
    expect(iso(workingSpans(sundays, { start: at('2025-03-30T00:00:00Z'), end: at('2025-03-30T23:00:00Z') }))).toEqual([['2025-03-30T19:00:00.000Z', '2025-03-30T23:00:00.000Z']]);
  });
});

describe('the first common free slot', () => {
  const kolkata: WorkingHours = { ...london, timeZone: 'Asia/Kolkata' };

  it('is inside everyone’s working hours, outside everyone’s busy time, on the grid', () => {
    // Monday 2 March 2026: London 09:00–17:00 UTC, Kolkata 03:30–11:30 UTC → overlap 09:00–11:30 UTC.
    const slot = firstCommonFreeSlot({
      people: [
        { workingHours: london, busy: [{ start: '2026-03-02T09:00:00Z', end: '2026-03-02T10:10:00Z' }] },
        { workingHours: kolkata, busy: [{ start: '2026-03-02T10:15:00Z', end: '2026-03-02T10:40:00Z' }] },
      ],
      from: at('2026-03-02T06:00:00Z'), until: at('2026-03-03T00:00:00Z'), durationMinutes: 30, gridMinutes: 15,
    });
    expect(slot).toEqual({ start: '2026-03-02T10:45:00.000Z', end: '2026-03-02T11:15:00.000Z' });
  });

  it('is null when the window holds no common time long enough, or is empty', () => {
    const busyMorning = [{ start: '2026-03-02T00:00:00Z', end: '2026-03-02T11:10:00Z' }];
    const people = [{ workingHours: london, busy: busyMorning }, { workingHours: kolkata, busy: [] }];
    expect(firstCommonFreeSlot({ people, from: at('2026-03-02T06:00:00Z'), until: at('2026-03-03T00:00:00Z'), durationMinutes: 30, gridMinutes: 15 })).toBeNull();
    expect(firstCommonFreeSlot({ people, from: at('2026-03-02T10:00:00Z'), until: at('2026-03-02T10:00:00Z'), durationMinutes: 15, gridMinutes: 15 })).toBeNull();
  });
});

describe('the pieces every search for time shares', () => {
  it('reads one day’s working hours, nothing on a day off', () => {
    const friday = DateTime.fromISO('2025-03-28', { zone: 'utc' });
    const saturday = friday.plus({ days: 1 });
    expect(isWorkingDay(london, friday)).toBe(true);
    expect(isWorkingDay(london, saturday)).toBe(false);
    expect(iso([workingSpanOn(london, friday)!])).toEqual([['2025-03-28T09:00:00.000Z', '2025-03-28T17:00:00.000Z']]);
    expect(workingSpanOn(london, saturday)).toBeNull();
  });

  it('gives free time as working time in a window minus busy time', () => {
    const working = [{ start: at('2026-03-02T09:00:00Z'), end: at('2026-03-02T17:00:00Z') }];
    const window = { start: at('2026-03-02T10:00:00Z'), end: at('2026-03-03T00:00:00Z') };
    const busy = [{ start: at('2026-03-02T12:00:00Z'), end: at('2026-03-02T13:00:00Z') }, { start: at('2026-03-02T12:30:00Z'), end: at('2026-03-02T14:00:00Z') }];
    expect(iso(freeSpans(working, window, busy))).toEqual([
      ['2026-03-02T10:00:00.000Z', '2026-03-02T12:00:00.000Z'],
      ['2026-03-02T14:00:00.000Z', '2026-03-02T17:00:00.000Z'],
    ]);
    expect(iso(intersect(working, [{ start: at('2026-03-02T12:00:00Z'), end: at('2026-03-02T20:00:00Z') }]))).toEqual([['2026-03-02T12:00:00.000Z', '2026-03-02T17:00:00.000Z']]);
  });

  it('lists the grid starts where a length fits, and merges busy times given as instants', () => {
    const span = { start: at('2026-03-02T09:05:00Z'), end: at('2026-03-02T10:30:00Z') };
    expect([...gridStarts(span, 60 * 60_000, 15 * 60_000)].map((t) => new Date(t).toISOString())).toEqual(['2026-03-02T09:15:00.000Z', '2026-03-02T09:30:00.000Z']);
    expect([...gridStarts(span, 90 * 60_000, 15 * 60_000)]).toEqual([]);
    expect(mergeIntervals([
      { start: '2026-03-02T14:30:00+00:00', end: '2026-03-02T14:45:00Z' }, { start: '2026-03-02T13:30:00Z', end: '2026-03-02T15:30:00Z' },
      { start: '2026-03-02T15:30:00Z', end: '2026-03-02T16:00:00Z' },
    ])).toEqual([{ start: '2026-03-02T13:30:00.000Z', end: '2026-03-02T16:00:00.000Z' }]);
  });
});

