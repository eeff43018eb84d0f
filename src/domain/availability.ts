import { DateTime } from 'luxon';
import { ceilToStep, MINUTE_IN_MS, normalize, subtract, type Span } from './intervals';
import { WEEKDAYS, type Interval, type WorkingHours } from './planner';

/*
 * Common free time of several people: each one's working hours (in their own zone) intersected, minus each
 * one's busy time, searched from a start instant to an end instant. Check-ins (domain/checkIn.ts) and decision
 * follow-ups (domain/decision.ts) both ask it for their first slot; only the window, the length and the notice differ.
 */

/** "09:00" → { hour: 9, minute: 0 } (Graph's "09:00:00.0000000" too). */
function clockOf(text: string): { hour: number; minute: number } {
  const [h, m] = text.split(':').map((part) => Number.parseInt(part, 10));
  return { hour: h ?? 0, minute: m ?? 0 };
}

/**
 * The person's working time overlapping `window`, as instants. Hours are wall-clock times in their zone, so
 * 09:00 stays 09:00 on the day the clocks change; "24:00" is midnight at the end of the day.
 */
export function workingSpans(hours: WorkingHours, window: Span): Span[] {
  const spans: Span[] = [];
  const start = clockOf(hours.startTime);
  const end = clockOf(hours.endTime);
  let day = DateTime.fromMillis(window.start, { zone: hours.timeZone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(window.end, { zone: hours.timeZone }).endOf('day');
  while (day <= last) {
    if (hours.daysOfWeek.includes(WEEKDAYS[day.weekday - 1]!)) {
      const from = day.set(start).toMillis();
      const to = end.hour === 24 ? day.plus({ days: 1 }).toMillis() : day.set(end).toMillis();
      if (to > from) spans.push({ start: from, end: to });
    }
    day = day.plus({ days: 1 });
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
