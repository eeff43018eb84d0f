import { DateTime, type Zone } from 'luxon';
import { MINUTE_IN_MS } from './intervals';

/*
 * Wall-clock times of day read as instants in a person's zone, the one way the planner (practice blocks) and the
 * common free-time search (check-ins, follow-ups) turn working hours into time, so both agree on DST days.
 */

const HOUR_IN_MS = 60 * MINUTE_IN_MS;

const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::00(?:\.0+)?)?$/;

/** "09:00" → 540, "17:30:00.0000000" → 1050, "24:00" → 1440 (only where `allowEndOfDay`), else null. */
export function minutesOfDay(value: string, allowEndOfDay: boolean): number | null {
  const match = TIME_OF_DAY.exec(value);
  if (match === null) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (allowEndOfDay && hours === 24 && minutes === 0) return 24 * 60;
  return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : null;
}

/**
 * Reads wall-clock times on one calendar date (`date` is that date's midnight in UTC) as instants: the first
 * instant the person's clock shows that time, or a later one, that day. Across DST:
 * - a skipped time (London, 29 March 2026, 01:00–02:00 does not exist) becomes the end of the skip:
 *   working hours "01:30–03:00" run 02:00–03:00 BST, 01:00Z–02:00Z (luxon alone would say 02:30);
 * - a repeated time (London, 25 October 2026, 01:00–02:00 happens twice) is its first pass, in BST
 *   (luxon alone picks the second).
 * "24:00" is midnight at the end of the day.
 */
export function dayClock(date: DateTime, zone: Zone): (minutes: number) => number {
  const midnight = date.toMillis();
  // Every instant of a local day lies within 14 h before and 38 h after its midnight read as UTC; one offset
  // at both ends means no change that day, and a time is just wall − offset (the common, fast case).
  const offset = zone.offset(midnight - 14 * HOUR_IN_MS);
  if (zone.offset(midnight + 38 * HOUR_IN_MS) === offset) return (minutes) => midnight + (minutes - offset) * MINUTE_IN_MS;
  return (minutes) => (minutes >= 24 * 60 ? dayClock(date.plus({ days: 1 }), zone)(minutes - 24 * 60) : changeDayTime(date, minutes, zone));
}

function changeDayTime(date: DateTime, minutes: number, zone: Zone): number {
  const hour = Math.floor(minutes / 60);
  const minute = minutes % 60;
  const local = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour, minute }, { zone });
  const at = local.toMillis();
  if (local.hour === hour && local.minute === minute) {
    const earlier = at - (zone.offset(at - 6 * HOUR_IN_MS) - local.offset) * MINUTE_IN_MS;
    if (earlier < at) {
      const first = DateTime.fromMillis(earlier, { zone });
      if (first.day === date.day && first.hour === hour && first.minute === minute) return earlier;
    }
    return at;
  }
  // Inside a skip: luxon moved the time forward by the skip's length; walk back to the offset change.
  let start = at;
  for (let step = 0; step < 24 * 60 && zone.offset(start - MINUTE_IN_MS) === zone.offset(start); step += 1) start -= MINUTE_IN_MS;
  return start;
}

/** The calendar date an instant falls on in `zone`, as that date's midnight in UTC (what `dayClock` takes). */
export function calendarDate(at: number, zone: Zone): DateTime {
  const local = DateTime.fromMillis(at, { zone });
  return DateTime.fromObject({ year: local.year, month: local.month, day: local.day }, { zone: 'utc' });
}
