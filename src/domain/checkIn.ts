import { firstCommonFreeSlot } from './availability';
import { ceilToStep, MINUTE_IN_MS } from './intervals';
import type { Interval, WorkingHours } from './planner';
import type { IsoInstant } from './time';

/**
 * Manager check-ins (step 4): a 15-minute conversation about how practice is going, never about how good
 * the work is. Slots are found by the common free-time search (availability.ts): both people's working hours (each in
 * their own zone) intersected, minus both calendars' busy time, from the next quarter hour after `now`
 * (plus an hour's notice) over the next 5 days.
 *   Manager 09:00–17:00 London, report 09:00–17:00 Kolkata (= 03:30–11:30 London in winter): overlap 09:00–11:30 London.
 */
export const CHECK_IN_MINUTES = 15;
export const CHECK_IN_NOTICE_IN_MS = 60 * MINUTE_IN_MS;
export const CHECK_IN_SEARCH_DAYS = 5;

/** The first free 15 minutes both people share, on a quarter-hour boundary; null when there is none in 5 days. */
export function firstSharedSlot(people: readonly { hours: WorkingHours; busy: readonly Interval[] }[], now: IsoInstant): Interval | null {
  const from = ceilToStep(Date.parse(now) + CHECK_IN_NOTICE_IN_MS, 15 * MINUTE_IN_MS);
  return firstCommonFreeSlot({
    people: people.map((person) => ({ workingHours: person.hours, busy: person.busy })),
    from, until: from + CHECK_IN_SEARCH_DAYS * 24 * 60 * MINUTE_IN_MS, durationMinutes: CHECK_IN_MINUTES, gridMinutes: 15,
  });
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
