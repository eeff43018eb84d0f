import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * Time in the domain core. Data carries ISO-8601 strings; functions work in luxon, in UTC.
 * - An instant (`now`, `createdAt`, `startsAt`) is written with an explicit offset and stored in UTC with
 *   milliseconds: "2025-03-03T09:00:00+01:00" is kept as "2025-03-03T08:00:00.000Z".
 * - A calendar date ("2025-03-03") has no zone of its own; the round's time zone says where it starts.
 * `now` is always a parameter: the use case reads its clock and passes `clock.now().toISOString()`.
 */
export type IsoInstant = string;
export type IsoDate = string;

const OFFSET_AT_END = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

export function parseInstant(value: string): DateTime<true> | null {
  if (!OFFSET_AT_END.test(value)) return null; // "2025-03-03T09:00" alone would mean the server's zone
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toUTC() : null;
}

/** For `now`, which the code passes in: a bad value is a bug in the caller, not something a person can fix. */
export function instantOrThrow(value: string): DateTime<true> {
  const parsed = parseInstant(value);
  if (parsed === null) throw new Error(`expected an ISO-8601 instant with an offset, got ${JSON.stringify(value)}`);
  return parsed;
}

export function formatInstant(instant: DateTime<true>): IsoInstant {
  return instant.toUTC().toISO();
}

/** Normalises `now` to the stored form ("…Z" with milliseconds). */
export function stamp(now: IsoInstant): IsoInstant {
  return formatInstant(instantOrThrow(now));
}

/** Each name is checked once (isValidZone builds a formatter on every call); bounded, since names can come from input. */
const checkedZones = new Map<string, boolean>();

export function isValidTimeZone(zone: string): boolean {
  const known = checkedZones.get(zone);
  if (known !== undefined) return known;
  const valid = IANAZone.isValidZone(zone);
  if (checkedZones.size < 1_000) checkedZones.set(zone, valid);
  return valid;
}

export function parseIsoDate(value: string, zone: string): DateTime<true> | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const parsed = DateTime.fromISO(value, { zone });
  return parsed.isValid ? parsed : null;
}

export function instantSchema(message: string) {
  return z.string({ required_error: message, invalid_type_error: message }).transform((value, ctx) => {
    const parsed = parseInstant(value);
    if (parsed === null || !inSaneRange(parsed.year)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    }
    return formatInstant(parsed);
  });
}

/** Dates a programme can use: a year 0 or 9999 is a typo (or a probe), never a round. */
export const SANE_YEARS = { min: 2000, max: 2099 } as const;
function inSaneRange(year: number): boolean {
  return year >= SANE_YEARS.min && year <= SANE_YEARS.max;
}

export function isoDateSchema(message: string) {
  return z.string({ required_error: message, invalid_type_error: message })
    .refine((value) => parseIsoDate(value, 'UTC') !== null, { message })
    .refine((value) => inSaneRange(parseIsoDate(value, 'UTC')?.year ?? 0), { message: `${message.replace(/\.$/, '')}, between ${SANE_YEARS.min} and ${SANE_YEARS.max}.` });
}

export function timeZoneSchema(message: string) {
  return z.string({ required_error: message, invalid_type_error: message }).refine(isValidTimeZone, { message });
}
