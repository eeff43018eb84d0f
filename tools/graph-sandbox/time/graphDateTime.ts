import { DateTime } from 'luxon';
import { GraphError, badRequest } from '../core/graphResponses';
import { toIanaZone } from './windowsZones';

// Graph's dateTimeTimeZone: { dateTime: "2024-03-29T09:00:00.0000000", timeZone: "GMT Standard Time" }.
// The sandbox stores instants in UTC and renders them in the zone the caller prefers (UTC by default).

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface ResponseZone {
  /** The name to echo back, as the caller spelled it ("Pacific Standard Time" or "Europe/London"). */
  name: string;
  iana: string;
}

export const UTC_ZONE: ResponseZone = { name: 'UTC', iana: 'UTC' };

/** { dateTime: '2024-03-29T09:00:00', timeZone: 'GMT Standard Time' } → that instant, in UTC. */
export function parseDateTimeTimeZone(value: { dateTime: string; timeZone?: string | null }, field: string): DateTime {
  const zoneName = value.timeZone ?? '';
  const iana = toIanaZone(zoneName);
  if (!iana) {
    throw new GraphError(400, 'TimeZoneNotSupportedException', `A valid TimeZone value must be specified in '${field}'. The following TimeZone value is not supported: '${zoneName}'.`);
  }
  const parsed = DateTime.fromISO(value.dateTime, { zone: iana });
  if (!parsed.isValid) throw badRequest(`'${field}.dateTime' is not a valid date and time: "${value.dateTime}"`, 'ErrorInvalidRequest');
  return parsed.toUTC();
}

/** calendarView's startDateTime/endDateTime: ISO 8601; without an offset it means UTC. */
export function parseIsoInstant(text: string, field: string): DateTime {
  const parsed = DateTime.fromISO(text, { zone: 'utc' });
  if (!parsed.isValid) throw badRequest(`'${field}' must be an ISO 8601 date and time, e.g. 2019-11-08T19:00:00-08:00 (got "${text}")`, 'ErrorInvalidParameter');
  return parsed.toUTC();
}

export function formatDateTimeTimeZone(instant: DateTime, zone: ResponseZone): DateTimeTimeZone {
  // UTC is the common case (no Prefer header); Date's ISO form is much cheaper than a luxon format.
  if (zone === UTC_ZONE) return { dateTime: `${new Date(instant.toMillis()).toISOString().slice(0, 23)}0000`, timeZone: zone.name };
  return { dateTime: formatLocal(instant.setZone(zone.iana)), timeZone: zone.name };
}

/** Graph writes seven fractional digits: 2024-03-29T09:00:00.0000000. */
export function formatLocal(local: DateTime): string {
  return `${local.toFormat("yyyy-LL-dd'T'HH:mm:ss.SSS")}0000`;
}

/** ISO instant as Graph writes createdDateTime: 2024-03-29T09:00:00.123Z. */
export function formatInstant(instant: DateTime | Date): string {
  const value = instant instanceof Date ? DateTime.fromJSDate(instant) : instant;
  return value.toUTC().toISO({ suppressMilliseconds: false }) ?? '';
}

/** Prefer: outlook.timezone="Pacific Standard Time" → render event times in that zone; none → UTC. */
export function preferredResponseZone(headers: Record<string, string>): ResponseZone {
  const prefer = headers.prefer;
  const requested = prefer ? /outlook\.timezone\s*=\s*"?([^",]+)"?/i.exec(prefer)?.[1]?.trim() : undefined;
  if (!requested) return UTC_ZONE;
  const iana = toIanaZone(requested);
  if (!iana) throw new GraphError(400, 'TimeZoneNotSupportedException', `The time zone in the Prefer header is not supported: '${requested}'.`);
  return { name: requested, iana };
}
