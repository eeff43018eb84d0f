import { IANAZone, type DateTime, type Zone } from 'luxon';
import { clip, gridStarts, intersect, MINUTE_IN_MS, normalize, subtract, type Span } from './intervals';
import type { IsoInstant } from './time';
import { calendarDate, dayClock, minutesOfDay } from './wallClock';

/*
 * Working hours and free time, the one way every search for time reads them: the practice planner (planner.ts), the
 * common free time of several people for check-ins (checkIn.ts) and decision follow-ups (decision.ts), and the
 * calendar adapter's busy times. Working hours become instants day by day in the person's zone (wallClock.ts); free
 * time is working time in a window minus busy time (intervals.ts); a slot is a start on a grid where a length fits.
 */

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WorkingHours {
  readonly daysOfWeek: readonly Weekday[];
  /** Local time of day, "09:00" (Graph's "09:00:00.0000000" is accepted too). */
  readonly startTime: string;
  /** Local time of day after `startTime`, same day; "24:00" means midnight at the end of the day. */
  readonly endTime: string;
  /** IANA name; convert Windows names (Graph's "GMT Standard Time") before calling. */
  readonly timeZone: string;
}

export interface Interval {
  readonly start: IsoInstant;
  readonly end: IsoInstant;
}

/** An interval of ISO instants as epoch milliseconds (what the interval algebra works on). */
export function spanOf(interval: { readonly start: string; readonly end: string }): Span {
  return { start: Date.parse(interval.start), end: Date.parse(interval.end) };
}

/** A span back as UTC instants with milliseconds ("2026-03-30T09:00:00.000Z"). */
export function intervalOf(span: Span): Interval {
  return { start: new Date(span.start).toISOString(), end: new Date(span.end).toISOString() };
}

/** Busy times as one list: sorted, overlapping and touching ones merged (13:30–15:30 and 14:30–14:45 → 13:30–15:30). */
export function mergeIntervals(intervals: readonly { readonly start: string; readonly end: string }[]): Interval[] {
  return normalize(intervals.map(spanOf)).map(intervalOf);
}

/** Whether a calendar date (a DateTime whose weekday is the date's, in any zone) is one of the person's working days. */
export function isWorkingDay(hours: Pick<WorkingHours, 'daysOfWeek'>, date: DateTime): boolean {
  return hours.daysOfWeek.includes(WEEKDAYS[date.weekday - 1]!);
}

/**
 * The person's working hours on one calendar date (`date` is that date's midnight in UTC, as `dayClock` takes), as
 * instants; null on a day off, or when the day's hours are empty. Hours are wall-clock times in their zone, so 09:00
 * stays 09:00 on the day the clocks change; "24:00" is midnight at the end of the day. `zone`: the hours' zone, when
 * the caller has it already (luxon checks a zone name on every use).
 */
export function workingSpanOn(hours: WorkingHours, date: DateTime, zone: Zone = IANAZone.create(hours.timeZone)): Span | null {
  if (!isWorkingDay(hours, date)) return null;
  const clock = dayClock(date, zone);
  const from = clock(minutesOfDay(hours.startTime, false) ?? 0);
  const to = clock(minutesOfDay(hours.endTime, true) ?? 0);
  return to > from ? { start: from, end: to } : null;
}

/** The person's working time overlapping `window`, as instants, a span per working day. */
export function workingSpans(hours: WorkingHours, window: Span): Span[] {
  const spans: Span[] = [];
  const zone = IANAZone.create(hours.timeZone);
  // Calendar dates as their midnight in UTC (what dayClock takes), from the day before the window's first.
  const last = calendarDate(window.end, zone);
  for (let day = calendarDate(window.start, zone).minus({ days: 1 }); day <= last; day = day.plus({ days: 1 })) {
    const span = workingSpanOn(hours, day, zone);
    if (span !== null) spans.push(span);
  }
  return spans;
}

/** Free time: the parts of `working` inside `window`, minus `busy` (any order, may overlap). */
export function freeSpans(working: readonly Span[], window: Span, busy: readonly Span[]): Span[] {
  return subtract(clip(working, window), busy);
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
    free = freeSpans(intersect(free, workingSpans(person.workingHours, window)), window, person.busy.map(spanOf));
  }
  const length = search.durationMinutes * MINUTE_IN_MS;
  for (const span of free) {
    for (const start of gridStarts(span, length, search.gridMinutes * MINUTE_IN_MS)) return intervalOf({ start, end: start + length });
  }
  return null;
}
