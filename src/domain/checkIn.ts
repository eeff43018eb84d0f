import { DateTime } from 'luxon';
import { ceilToStep, MINUTE_IN_MS, normalize, subtract, type Span } from './intervals';
import { WEEKDAYS, type Interval, type WorkingHours } from './planner';
import type { IsoInstant } from './time';

/**
 * Manager check-ins (step 4): a 15-minute conversation about how practice is going, never about how good
 * the work is. Slots are found with the planner's interval algebra: both people's working hours (each in
 * their own zone) intersected, minus both calendars' busy time, from the next quarter hour after `now`
 * (plus an hour's notice) over the next 5 days.
 *   Manager 09:00–17:00 London, report 09:00–17:00 Kolkata (= 03:30–11:30 London in winter): overlap 09:00–11:30 London.
 */
export const CHECK_IN_MINUTES = 15;
export const CHECK_IN_NOTICE_IN_MS = 60 * MINUTE_IN_MS;
export const CHECK_IN_SEARCH_DAYS = 5;

function workingSpans(hours: WorkingHours, window: Span): Span[] {
  const spans: Span[] = [];
  const time = (text: string) => {
    const [h, m] = text.split(':').map((part) => Number.parseInt(part, 10));
    return { hour: h ?? 0, minute: m ?? 0 };
  };
  const start = time(hours.startTime);
  const end = time(hours.endTime);
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

function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const x of normalize(a)) for (const y of normalize(b)) {
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end });
  }
  return normalize(out);
}

/** The first free 15 minutes both people share, on a quarter-hour boundary; null when there is none in 5 days. */
export function firstSharedSlot(people: readonly { hours: WorkingHours; busy: readonly Interval[] }[], now: IsoInstant): Interval | null {
  const from = ceilToStep(Date.parse(now) + CHECK_IN_NOTICE_IN_MS, 15 * MINUTE_IN_MS);
  const window: Span = { start: from, end: from + CHECK_IN_SEARCH_DAYS * 24 * 60 * MINUTE_IN_MS };
  let free: Span[] = [window];
  for (const person of people) {
    free = intersect(free, workingSpans(person.hours, window));
    free = subtract(free, person.busy.map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) })));
  }
  const length = CHECK_IN_MINUTES * MINUTE_IN_MS;
  for (const span of free) {
    const start = ceilToStep(span.start, 15 * MINUTE_IN_MS);
    if (start + length <= span.end) return { start: new Date(start).toISOString(), end: new Date(start + length).toISOString() };
  }
  return null;
}

/** One line of a manager's digest: process only (journals kept, hours kept vs planned, assets saved, silence). No score of anything. */
export interface DigestLine {
  readonly userId: string;
  readonly displayName: string;
  readonly roundId: string;
  readonly state: string;
  readonly journals: number;
  readonly hoursKept: number;
  readonly hoursPlanned: number;
  readonly assetsSaved: number;
  /** Days since the last journal entry, or since practice started when there is none yet. */
  readonly daysSinceLastEntry: number;
  readonly nudgedAt: IsoInstant | null;
}
