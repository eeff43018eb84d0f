import { DateTime } from 'luxon';
import { DAYS_OF_WEEK, type DayOfWeek, type DemoMeetingPattern } from '../../demo-org';
import type { CalendarStore } from './calendarStore';
import type { Directory } from './directory';

// Expands the demo organisation's weekly meeting patterns into concrete events around `now`, so
// free/busy is non-trivial on any date the app looks at. Times are local to the organiser, as in a real
// recurring meeting: a London stand-up at 14:30 is 14:30Z in January (GMT) and 13:30Z in July (BST).

export interface SeedWindow {
  weeksBefore: number;
  weeksAfter: number;
}

export const DEFAULT_SEED_WINDOW: SeedWindow = { weeksBefore: 2, weeksAfter: 8 };

export function seedMeetings(directory: Directory, calendars: CalendarStore, now: Date, window: SeedWindow = DEFAULT_SEED_WINDOW): number {
  let created = 0;
  for (const pattern of directory.organisation.meetings) {
    const organiser = directory.findByEmail(pattern.organiser);
    if (!organiser) throw new Error(`meeting pattern ${pattern.id}: organiser ${pattern.organiser} is not in the organisation`);
    const thisWeek = DateTime.fromJSDate(now, { zone: organiser.timeZone }).startOf('week'); // ISO week: Monday
    for (let offset = -window.weeksBefore; offset <= window.weeksAfter; offset += 1) {
      const monday = thisWeek.plus({ weeks: offset });
      if (monday.weekNumber % pattern.everyWeeks !== 0) continue;
      for (const day of pattern.daysOfWeek) {
        const start = localStart(monday, day, pattern);
        const end = start.plus({ minutes: pattern.durationMinutes });
        calendars.create(organiser, {
          timing: { start: start.toUTC(), end: end.toUTC(), startTimeZone: organiser.windowsTimeZone, endTimeZone: organiser.windowsTimeZone },
          properties: {
            subject: pattern.subject,
            showAs: pattern.showAs,
            isOnlineMeeting: pattern.isOnlineMeeting,
            body: { contentType: 'text', content: `Demo meeting "${pattern.id}" seeded by the Graph sandbox.` },
            attendees: pattern.attendees.map((address) => ({ type: 'required', emailAddress: { address } })),
          },
          seed: `${pattern.id}/${start.toISODate()}`,
        });
        created += 1;
      }
    }
  }
  return created;
}

function localStart(monday: DateTime, day: DayOfWeek, pattern: DemoMeetingPattern): DateTime {
  const [hour, minute] = pattern.startTime.split(':').map(Number);
  const isoWeekday = DAYS_OF_WEEK.indexOf(day) === 0 ? 7 : DAYS_OF_WEEK.indexOf(day); // sunday is 7 in ISO
  return monday.plus({ days: isoWeekday - 1 }).set({ hour, minute, second: 0, millisecond: 0 });
}
