import { IANAZone } from 'luxon';
import { ceilToStep, MINUTE_IN_MS, normalize, subtract, type Span } from './intervals';
import { WEEKDAYS, type Interval, type WorkingHours } from './planner';
import { calendarDate, dayClock, minutesOfDay } from './wallClock';

/*
 * Common free time of several people: each one's working hours (in their own zone) intersected, minus each
 * one's busy time, searched from a start instant to an end instant. Check-ins (domain/checkIn.ts) and decision
 * follow-ups (domain/decision.ts) both ask it for their first slot; only the window, the length and the notice differ.
 */

/**
 * The person's working time overlapping `window`, as instants. Hours are wall-clock times in their zone, read as the
 * planner reads them (wallClock.ts), so 09:00 stays 09:00 on the day the clocks change; "24:00" is midnight at the
 * end of the day.
 */
export function workingSpans(hours: WorkingHours, window: Span): Span[] {
  const spans: Span[] = [];
  const zone = IANAZone.create(hours.timeZone);
  const start = minutesOfDay(hours.startTime, false) ?? 0;
  const end = minutesOfDay(hours.endTime, true) ?? 0;
  // Calendar dates as their midnight in UTC (what dayClock takes), from the day before the window's first.
  const last = calendarDate(window.end, zone);
  for (let day = calendarDate(window.start, zone).minus({ days: 1 }); day <= last; day = day.plus({ days: 1 })) {
    if (!hours.daysOfWeek.includes(WEEKDAYS[day.weekday - 1]!)) continue;
    const clock = dayClock(day, zone);
    const from = clock(start);
    const to = clock(end);
    if (to > from) spans.push({ start: from, end: to });
  }
  return spans;
}

export interface SlotSearch {
  readonly people: readonly { readonly workingHours: WorkingHours; readonly busy: readonly Interval[] }[];
  /** Earliest start and latest end, epoch milliseconds. */
  readonly from: number;
  readonly until: number;
  readonly durationMinutes: number;
  /** Starts fall on this grid, counted from the epoch (15 → :00, :15, :30, :45). */
  readonly gridMinutes: number;
}

/** The first `durationMinutes` on the grid where everyone is working and free; null when the window has none. */
export function firstCommonFreeSlot(search: SlotSearch): Interval | null {
  const window: Span = { start: search.from, end: search.until };
  let free: Span[] = window.end > window.start ? [window] : [];
  for (const person of search.people) {
    free = subtract(free, subtract(free, workingSpans(person.workingHours, window))); // free ∩ working
    free = subtract(free, person.busy.map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) })));
  }
  const length = search.durationMinutes * MINUTE_IN_MS;
  for (const span of normalize(free)) {
    const start = ceilToStep(span.start, search.gridMinutes * MINUTE_IN_MS);
    if (start + length <= span.end) return { start: new Date(start).toISOString(), end: new Date(start + length).toISOString() };
  }
  return null;
}
