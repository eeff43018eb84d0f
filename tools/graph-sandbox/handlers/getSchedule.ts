import type { DateTime } from 'luxon';
import { z } from 'zod';
import type { DemoPerson } from '../../demo-org';
import { GraphError, badRequest } from '../core/graphResponses';
import type { StoredEvent } from '../state/calendarStore';
import { formatDateTimeTimeZone, parseDateTimeTimeZone, type ResponseZone } from '../time/graphDateTime';
import { ok, odataContext, parseBody, requireUser, type HandlerContext, type OperationHandler } from './handlerContext';
import { workingHoursOf } from './mailboxSettings';
import { responseZone, withHeaders } from './responseZone';

// POST /users/{id}/calendar/getSchedule: free/busy computed from the events the sandbox holds.
// Limits as documented (learn.microsoft.com/graph/outlook-get-free-busy-schedule): at most 20
// schedules, a window shorter than 62 days, availabilityViewInterval 5–1440 minutes (default 30).
// Free and cancelled events are not busy time and are left out, as Outlook does.

const MAX_SCHEDULES = 20;
const MAX_WINDOW_IN_DAYS = 62;

const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().nullable().optional() }).passthrough();
// Parameter names arrive normalised to the spec's PascalCase (schedules → Schedules).
const scheduleRequest = z
  .object({
    Schedules: z.array(z.string().nullable()).nullable().optional(),
    StartTime: dateTimeTimeZone.nullable().optional(),
    EndTime: dateTimeTimeZone.nullable().optional(),
    AvailabilityViewInterval: z.number().nullable().optional(),
  })
  .passthrough();

/** availabilityView digits; when events overlap in one interval the strongest status wins. */
const VIEW_DIGIT: Record<string, string> = { free: '0', tentative: '1', busy: '2', oof: '3', workingElsewhere: '4' };
const STRENGTH: Record<string, number> = { free: 0, workingElsewhere: 1, tentative: 2, busy: 3, oof: 4 };
const BUSY_STATUSES = new Set(['tentative', 'busy', 'oof', 'workingElsewhere']);

export const getSchedule: OperationHandler = (context) => {
  requireUser(context);
  const { zone, headers } = responseZone(context);
  const request = parseBody(context, scheduleRequest);
  const schedules = (request.Schedules ?? []).filter((s): s is string => typeof s === 'string');
  if (schedules.length === 0) throw badRequest(`'Schedules' must name at least one email address.`, 'ErrorInvalidParameter');
  if (schedules.length > MAX_SCHEDULES) {
    throw badRequest(`The number of schedules (${schedules.length}) exceeds the allowed size = ${MAX_SCHEDULES}.`, 'ErrorMailboxDataArrayTooBig');
  }
  if (!request.StartTime || !request.EndTime) throw badRequest(`'StartTime' and 'EndTime' are required.`, 'ErrorInvalidParameter');
  const start = parseDateTimeTimeZone(request.StartTime, 'StartTime');
  const end = parseDateTimeTimeZone(request.EndTime, 'EndTime');
  if (end <= start) throw badRequest(`'EndTime' must be after 'StartTime'.`, 'ErrorInvalidParameter');
  if (end.diff(start, 'days').days >= MAX_WINDOW_IN_DAYS) {
    throw new GraphError(400, 'ErrorTimeIntervalTooBig', `The requested time duration specified is too long. The window must be less than ${MAX_WINDOW_IN_DAYS} days; allowed limit = ${MAX_WINDOW_IN_DAYS} days.`);
  }
  const interval = request.AvailabilityViewInterval ?? 30;
  if (!Number.isInteger(interval) || interval < 5 || interval > 1440) {
    throw badRequest(`'AvailabilityViewInterval' must be a whole number of minutes from 5 to 1440 (got ${interval}).`, 'ErrorInvalidParameter');
  }

  const value = schedules.map((address) => {
    const person = context.state.directory.findByEmail(address);
    return person ? scheduleOf(context, person, address, { start, end, interval, zone }) : unknownSchedule(address);
  });
  return withHeaders(ok({ '@odata.context': odataContext(context, 'Collection(microsoft.graph.scheduleInformation)'), value }), headers);
};

interface ScheduleWindow {
  start: DateTime;
  end: DateTime;
  interval: number;
  zone: ResponseZone;
}

function scheduleOf(context: HandlerContext, person: DemoPerson, scheduleId: string, window: ScheduleWindow): Record<string, unknown> {
  const busy = context.state.calendars
    .overlapping(person.id, window.start, window.end)
    .filter((event) => BUSY_STATUSES.has(statusOf(event)) && event.properties.isCancelled !== true)
    .sort((a, b) => a.timing.start.toMillis() - b.timing.start.toMillis());
  return {
    scheduleId,
    availabilityView: availabilityView(busy, window),
    scheduleItems: busy.map((event) => ({
      isPrivate: event.properties.sensitivity === 'private',
      status: statusOf(event),
      subject: event.properties.sensitivity === 'private' ? null : event.properties.subject ?? null,
      location: locationOf(event),
      start: formatDateTimeTimeZone(event.timing.start, window.zone),
      end: formatDateTimeTimeZone(event.timing.end, window.zone),
    })),
    workingHours: workingHoursOf(person),
  };
}

/**
 * One digit per interval from StartTime, the strongest status overlapping it:
 * 09:00–12:00 in 30-minute intervals with a busy event 10:00–11:00 → "002200".
 */
function availabilityView(busy: StoredEvent[], window: ScheduleWindow): string {
  const startMs = window.start.toMillis();
  const intervalMs = window.interval * 60_000;
  const slots = Math.ceil((window.end.toMillis() - startMs) / intervalMs);
  const strongest: string[] = new Array<string>(slots).fill('free');
  for (const event of busy) {
    const status = statusOf(event);
    const first = Math.max(0, Math.floor((event.timing.start.toMillis() - startMs) / intervalMs));
    const last = Math.min(slots - 1, Math.ceil((event.timing.end.toMillis() - startMs) / intervalMs) - 1);
    for (let slot = first; slot <= last; slot += 1) {
      if ((STRENGTH[status] ?? 0) > (STRENGTH[strongest[slot] ?? 'free'] ?? 0)) strongest[slot] = status;
    }
  }
  return strongest.map((status) => VIEW_DIGIT[status] ?? '0').join('');
}

function unknownSchedule(scheduleId: string): Record<string, unknown> {
  return {
    scheduleId,
    availabilityView: '',
    scheduleItems: [],
    workingHours: null,
    error: { message: `The user or mailbox '${scheduleId}' was not found.`, responseCode: 'ErrorMailRecipientNotFound' },
  };
}

function statusOf(event: StoredEvent): string {
  return typeof event.properties.showAs === 'string' ? event.properties.showAs : 'busy';
}

function locationOf(event: StoredEvent): string | null {
  const location = event.properties.location;
  if (location && typeof location === 'object' && 'displayName' in location && typeof location.displayName === 'string') return location.displayName;
  return null;
}
