import { DateTime } from 'luxon';

/**
 * Formatting for card data: templates never format dates, the caller does it here in the READER's
 * zone (a participant in Kolkata sees the shareback in Kolkata time). British English, 24-hour clock.
 */

/** "2025-03-10" → "Monday 10 March 2025" (a calendar date has no zone of its own). */
export function formatDay(isoDate: string): string {
  const day = DateTime.fromISO(isoDate, { zone: 'UTC' });
  return day.isValid ? day.setLocale('en-GB').toFormat('cccc d LLLL yyyy') : isoDate;
}

/** "2025-03-31T13:00:00.000Z" in Europe/London → "Monday 31 March 2025 at 14:00 (UK time)"; zones without a common name show the IANA id. */
export function formatDateTime(instant: string, timeZone: string): string {
  const at = DateTime.fromISO(instant, { zone: 'UTC' }).setZone(timeZone);
  if (!at.isValid) return instant;
  return `${at.setLocale('en-GB').toFormat("cccc d LLLL yyyy 'at' HH:mm")} (${zoneName(timeZone)})`;
}

/** "2025-03-03T10:04:00Z" in Europe/London → "3 March at 10:04" (year added when it is not `now`'s year). */
export function formatShortDateTime(instant: string, timeZone: string, now: string = instant): string {
  const at = DateTime.fromISO(instant, { zone: 'UTC' }).setZone(timeZone);
  if (!at.isValid) return instant;
  const sameYear = at.year === DateTime.fromISO(now, { zone: 'UTC' }).setZone(timeZone).year;
  return at.setLocale('en-GB').toFormat(sameYear ? "d LLLL 'at' HH:mm" : "d LLLL yyyy 'at' HH:mm");
}

const ZONE_NAMES: Readonly<Record<string, string>> = {
  'Europe/London': 'UK time',
  'Europe/Berlin': 'Berlin time',
  'America/New_York': 'New York time',
  'America/Los_Angeles': 'Los Angeles time',
  'Asia/Kolkata': 'India time',
  'Australia/Sydney': 'Sydney time',
  UTC: 'UTC',
};

export function zoneName(timeZone: string): string {
  return ZONE_NAMES[timeZone] ?? timeZone;
}

/** 2.5 → "2.5 hours", 1 → "1 hour". */
export function formatHours(hours: number): string {
  return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
}

/** 90 → "1 h 30 min", 45 → "45 min", 120 → "2 h". */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
