import { DateTime } from 'luxon';
import type { IsoDate, IsoInstant } from './time';

/**
 * When the weekly journal card goes out: shortly after the participant's last practice block of the week
 * (while it is fresh), or Friday 15:00 in their zone when they have no block that week. Weeks are ISO weeks
 * (Monday–Sunday) in the participant's own zone, so a DST change inside the week moves nothing: the
 * moment is a local wall-clock time converted at that date.
 *   Europe/London, week of 2026-03-23 (clocks go forward on Sunday the 29th), no blocks → Fri 27th 15:00 GMT = 15:00Z
 *   Europe/London, week of 2026-03-30, no blocks → Fri 3 April 15:00 BST = 14:00Z
 *   Last block Thu 10:00–11:00Z → 11:15Z (a quarter of an hour after it ends)
 */
export const FRIDAY_AFTERNOON = { weekday: 5, hour: 15 } as const;
export const AFTER_LAST_BLOCK_IN_MINUTES = 15;

export interface WeeklyBlock { readonly start: IsoInstant; readonly end: IsoInstant }

export function weeklyPromptMoment(weekStart: IsoDate, zone: string, blocks: readonly WeeklyBlock[]): IsoInstant {
  const monday = DateTime.fromISO(weekStart, { zone }).startOf('day');
  const nextMonday = monday.plus({ weeks: 1 });
  const ends = blocks
    .map((block) => DateTime.fromISO(block.end, { zone: 'utc' }))
    .filter((end) => end.isValid && end > monday && end <= nextMonday);
  if (ends.length === 0) {
    return monday.set({ weekday: FRIDAY_AFTERNOON.weekday, hour: FRIDAY_AFTERNOON.hour, minute: 0 }).toUTC().toISO()!;
  }
  const last = DateTime.max(...ends)!;
  return last.plus({ minutes: AFTER_LAST_BLOCK_IN_MINUTES }).toUTC().toISO()!;
}

/** Whole days between two instants, rounded down (the digest's "days since last entry"). */
export function wholeDaysBetween(from: IsoInstant, to: IsoInstant): number {
  return Math.max(0, Math.floor(DateTime.fromISO(to, { zone: 'utc' }).diff(DateTime.fromISO(from, { zone: 'utc' }), 'days').days));
}

/** A participant with no journal entry for this many days gets one gentle nudge (and their manager sees it). */
export const NUDGE_AFTER_DAYS = 10;
