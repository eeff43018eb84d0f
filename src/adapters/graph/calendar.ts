import Bottleneck from 'bottleneck';
import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import type { UserId } from '../../domain/ids';
import { mergeIntervals } from '../../domain/availability';
import {
  MailboxUnavailableError,
  type CalendarEventView,
  type CalendarPort,
  type CreatedEvent,
  type Interval,
  type MailboxHours,
  type NewCalendarEvent,
} from '../../ports/calendar';
import { MAX_BATCH_REQUESTS, sendBatch, type BatchItemAnswer } from './batch';
import { coalescing } from './coalesce';
import { nextPagePath } from './paging';
import { ianaZoneOf } from './zones';

/**
 * The calendar port over Microsoft Graph v1.0:
 * - mailboxSettings → working hours in the person's zone (Windows names mapped to IANA);
 * - getSchedule → busy time, chunked to its limits (≤ 20 schedules, a window under 62 days);
 * - events: POST (alone, or $batch of ≤ 20 with throttled items sent again), PATCH, DELETE;
 * - calendarView → what is in a calendar, page by page;
 * - chats/{id}/installedApps and /tabs → the app and its tab in a meeting chat.
 * Every create carries the caller's transactionId, so Graph returns the first event on a repeat.
 * Reads ask for UTC (Prefer: outlook.timezone) and every time handed back is an ISO instant in UTC.
 * Retries of whole requests are the policy's (policy.ts); retries of items inside a batch are batch.ts's.
 * Lookups for people asked for at the same time (a worker booking many people at once) go out together
 * (coalesce.ts): addresses in one `/users?$filter=id in (…)` of up to 15, free/busy in one getSchedule of up
 * to 20 per window, mailbox settings in one $batch of up to 20.
 */
export interface CreateGraphCalendarOptions {
  /** Page size asked of calendarView ($top). Graph's default is 10; 100 keeps a busy week to one page. */
  readonly listPageSize?: number;
}

/** One person's free/busy for one piece of the window, with the address getSchedule names them by. */
interface ScheduleKey { readonly id: UserId; readonly address: string; readonly piece: Interval }

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const PREFER_UTC = 'outlook.timezone="UTC"';
/** getSchedule: at most 20 schedules a request. */
const SCHEDULES_PER_REQUEST = 20;
/** getSchedule refuses windows of 62 days or more (ErrorTimeIntervalTooBig); 60 leaves room for rounding. */
const SCHEDULE_WINDOW_IN_DAYS = 60;
/** `id in (…)` on /users: Entra ID takes at most 15 values. */
const IDS_PER_LOOKUP = 15;
/**
 * Lookups of each kind kept in flight (each names a different mailbox, so the policy's per-mailbox cap does not
 * bound them). While they are all out, new keys wait and the next requests carry more of them.
 */
const LOOKUPS_IN_FLIGHT = 8;
/** How long a lookup waits for others to join it: small beside Graph's own tens of milliseconds per request. */
const LOOKUP_LINGER_IN_MS = 5;
/** Outlook's own default when a mailbox has no working hours (Outlook on the web shows 08:00–17:00, Monday to Friday). */
const OUTLOOK_DEFAULT_HOURS = { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const, startTime: '08:00', endTime: '17:00' };

const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().nullable().optional() });
type DateTimeTimeZone = z.infer<typeof dateTimeTimeZone>;

const odataErrorSchema = z.object({ error: z.object({ code: z.string().nullable().optional(), message: z.string().nullable().optional() }).passthrough() });

const mailboxSettingsSchema = z.object({
  timeZone: z.string().nullable().optional(),
  workingHours: z
    .object({
      daysOfWeek: z.array(z.enum(DAYS)).nullable().optional(),
      // Edm.TimeOfDay: "09:00:00.0000000"
      startTime: z.string().regex(/^\d{2}:\d{2}/).nullable().optional(),
      endTime: z.string().regex(/^\d{2}:\d{2}/).nullable().optional(),
      timeZone: z.object({ name: z.string().nullable().optional() }).passthrough().nullable().optional(),
    })
    .nullable()
    .optional(),
});

const userAddressPageSchema = z.object({
  value: z.array(z.object({ id: z.string(), mail: z.string().nullable().optional(), userPrincipalName: z.string().nullable().optional() })),
  '@odata.nextLink': z.string().optional(),
});

const scheduleResponseSchema = z.object({
  value: z.array(
    z.object({
      scheduleId: z.string(),
      scheduleItems: z.array(z.object({ status: z.string(), start: dateTimeTimeZone, end: dateTimeTimeZone }).passthrough()).nullable().optional(),
      error: z.object({ message: z.string().nullable().optional(), responseCode: z.string().nullable().optional() }).passthrough().nullable().optional(),
    }),
  ),
});

const createdEventSchema = z.object({
  id: z.string().min(1),
  transactionId: z.string().nullable().optional(),
  onlineMeeting: z.object({ joinUrl: z.string().nullable().optional() }).passthrough().nullable().optional(),
});

const eventViewSchema = z.object({
  id: z.string().min(1),
  transactionId: z.string().nullable().optional(),
  subject: z.string().nullable().optional(),
  start: dateTimeTimeZone,
  end: dateTimeTimeZone,
  showAs: z.string().nullable().optional(),
  isCancelled: z.boolean().nullable().optional(),
  categories: z.array(z.string()).nullable().optional(),
  responseStatus: z.object({ response: z.string().nullable().optional() }).passthrough().nullable().optional(),
});
const eventPageSchema = z.object({ value: z.array(eventViewSchema), '@odata.nextLink': z.string().optional() });
const EVENT_VIEW_SELECT = ['id', 'transactionId', 'subject', 'start', 'end', 'showAs', 'isCancelled', 'categories', 'responseStatus'];

const tabPageSchema = z.object({
  value: z.array(z.object({ id: z.string(), teamsApp: z.object({ id: z.string() }).passthrough().nullable().optional() }).passthrough()),
  '@odata.nextLink': z.string().optional(),
});

export function createGraphCalendar(client: Client, options: CreateGraphCalendarOptions = {}): CalendarPort {
  const listPageSize = options.listPageSize ?? 100;
  // One $batch at a time per mailbox: Graph hands Outlook at most 4 items of a batch at once, so this keeps
  // the mailbox at ≤ 4 concurrent requests from batches (the policy cannot see a /$batch's mailbox).
  const batchesPerMailbox = new Bottleneck.Group({ maxConcurrent: 1 });
  // Mailbox → SMTP address for getSchedule; addresses do not change while a process lives.
  const addresses = new Map<UserId, string>();

  const lookupAddresses = coalescing<UserId, string | null>({
    maxPerRequest: IDS_PER_LOOKUP,
    maxInFlight: LOOKUPS_IN_FLIGHT,
    lingerInMs: LOOKUP_LINGER_IN_MS,
    async fetch(ids) {
      const found = new Map<string, string>();
      // The Graph client puts query values into the URL as given, so the filter is encoded here.
      const filter = encodeSegment(`id in (${ids.map(odataString).join(',')})`);
      try {
        let request = client.api('/users').filter(filter).select(['id', 'mail', 'userPrincipalName']).top(IDS_PER_LOOKUP);
        for (;;) {
          const page = userAddressPageSchema.parse(await request.get());
          for (const user of page.value) {
            const address = user.mail ?? user.userPrincipalName;
            if (address) found.set(user.id.toLowerCase(), address);
          }
          const next = page['@odata.nextLink'];
          if (!next) break;
          request = client.api(nextPagePath(next));
        }
      } catch (error) {
        // A directory read: a 403 here is the app's User.Read.All, not anyone's mailbox.
        throw new Error(`Graph could not look up the email addresses of mailboxes ${ids.join(', ')}${statusSuffix(error)}`, { cause: error });
      }
      return ids.map((id) => found.get(id.toLowerCase()) ?? null);
    },
  });

  async function resolveAddresses(userIds: readonly UserId[], abortSignal: AbortSignal | undefined): Promise<Map<UserId, string>> {
    const missing = userIds.filter((id) => !addresses.has(id));
    const looked = await Promise.all(missing.map(async (id) => [id, await lookupAddresses(id, abortSignal)] as const));
    for (const [id, address] of looked) if (address) addresses.set(id, address);
    const resolved = new Map<UserId, string>();
    for (const id of userIds) {
      const address = addresses.get(id);
      if (!address) throw new MailboxUnavailableError(id, 'no such user in the directory, or the user has no email address');
      resolved.set(id, address);
    }
    return resolved;
  }

  const readMailboxSettings = coalescing<UserId, unknown>({
    maxPerRequest: MAX_BATCH_REQUESTS,
    maxInFlight: LOOKUPS_IN_FLIGHT,
    lingerInMs: LOOKUP_LINGER_IN_MS,
    async fetch(ids) {
      const [only] = ids;
      if (only && ids.length === 1) {
        try {
          return [await client.api(`/users/${encodeSegment(only)}/mailboxSettings`).get()];
        } catch (error) {
          return [asError(error)]; // mapped by getWorkingHours, as any failure of this read
        }
      }
      const items = ids.map((id, i) => ({ id: String(i + 1), method: 'GET' as const, url: `/users/${encodeSegment(id)}/mailboxSettings` }));
      let answers: Map<string, BatchItemAnswer>;
      try {
        answers = await sendBatch(client, items);
      } catch (error) {
        throw new Error(`Graph could not read the mailbox settings of ${ids.length} people ($batch)${statusSuffix(error)}`, { cause: error });
      }
      return ids.map((id, i) => {
        const answer = answers.get(String(i + 1));
        if (!answer) return new Error(`Graph's $batch gave no answer for the mailbox settings of ${id}`);
        if (answer.status >= 200 && answer.status < 300) return answer.body;
        return itemFailure(id, 'read the mailbox settings', answer);
      });
    },
  });

  async function createOne(mailbox: UserId, event: NewCalendarEvent, abortSignal: AbortSignal | undefined): Promise<CreatedEvent> {
    const body = eventBody(event);
    try {
      const response: unknown = await client.api(`/users/${encodeSegment(mailbox)}/events`).option('signal', abortSignal).post(body);
      return toCreatedEvent(event, createdEventSchema.parse(response));
    } catch (error) {
      throw failure(error, mailbox, `create event ${event.transactionId}`, abortSignal);
    }
  }

  async function createInBatches(mailbox: UserId, events: readonly NewCalendarEvent[], abortSignal: AbortSignal | undefined): Promise<CreatedEvent[]> {
    const prepared = events.map((event) => ({ event, body: eventBody(event) })); // bad input fails before anything is sent
    const created: CreatedEvent[] = [];
    for (const [chunkIndex, group] of chunk(prepared, MAX_BATCH_REQUESTS).entries()) {
      const items = group.map(({ body }, i) => ({ id: String(i + 1), method: 'POST' as const, url: `/users/${encodeSegment(mailbox)}/events`, body }));
      let answers: Map<string, BatchItemAnswer>;
      try {
        answers = await batchesPerMailbox.key(mailbox).schedule(() => sendBatch(client, items, { abortSignal }));
      } catch (error) {
        throw failure(error, mailbox, `create events ${chunkIndex * MAX_BATCH_REQUESTS + 1}–${chunkIndex * MAX_BATCH_REQUESTS + group.length} ($batch)`, abortSignal);
      }
      for (const [i, { event }] of group.entries()) {
        const answer = answers.get(String(i + 1));
        if (!answer) throw new Error(`Graph's $batch gave no answer for event ${event.transactionId} in mailbox ${mailbox}`);
        created.push(createdFromAnswer(mailbox, event, answer));
      }
    }
    return created;
  }

  /** One getSchedule for up to 20 people and one window piece: per person, in order, their busy time or their own error. */
  async function getScheduleChunk(addressed: readonly ScheduleKey[]): Promise<Array<Interval[] | Error>> {
    const first = addressed[0];
    if (!first) return [];
    const window = first.piece;
    let response: z.infer<typeof scheduleResponseSchema>;
    try {
      response = scheduleResponseSchema.parse(
        await client
          .api(`/users/${encodeSegment(first.id)}/calendar/getSchedule`)
          .header('Prefer', PREFER_UTC)
          .post({
            schedules: addressed.map((key) => key.address),
            startTime: { dateTime: toGraphDateTime(window.start, 'window.start'), timeZone: 'UTC' },
            endTime: { dateTime: toGraphDateTime(window.end, 'window.end'), timeZone: 'UTC' },
            // Only scheduleItems are read; the coarsest view keeps availabilityView short.
            availabilityViewInterval: 1440,
          }),
      );
    } catch (error) {
      const failed = failure(error, first.id, `read the free/busy schedules of ${addressed.length} people`, undefined);
      // The request is made in the first person's name: when it is their mailbox that is unavailable, the
      // others' schedules are asked for again without them, so one person's mailbox fails no one else.
      if (failed instanceof MailboxUnavailableError && addressed.length > 1) return [failed, ...(await getScheduleChunk(addressed.slice(1)))];
      throw failed;
    }
    const byAddress = new Map(addressed.map((key, i) => [key.address.toLowerCase(), i]));
    const results: Array<Interval[] | Error> = addressed.map(() => []);
    for (const schedule of response.value) {
      const at = byAddress.get(schedule.scheduleId.toLowerCase());
      if (at === undefined) continue; // an answer for an address we did not ask about
      const id = addressed[at]!.id;
      if (schedule.error) {
        const reason = `Graph cannot read their free/busy (${schedule.error.responseCode ?? 'error'}: ${schedule.error.message ?? 'no message'})`;
        results[at] = new MailboxUnavailableError(id, reason, { cause: schedule.error });
        continue;
      }
      const intervals = results[at] as Interval[];
      for (const item of schedule.scheduleItems ?? []) {
        if (item.status === 'free' || item.status === 'unknown') continue;
        intervals.push({ start: toIsoInstant(item.start), end: toIsoInstant(item.end) });
      }
    }
    return results;
  }

  const readSchedule = coalescing<ScheduleKey, Interval[]>({
    maxPerRequest: SCHEDULES_PER_REQUEST,
    maxInFlight: LOOKUPS_IN_FLIGHT,
    lingerInMs: LOOKUP_LINGER_IN_MS,
    groupOf: (key) => `${key.piece.start}/${key.piece.end}`,
    identityOf: (key) => `${key.id}|${key.piece.start}|${key.piece.end}`,
    fetch: getScheduleChunk,
  });

  return {
    async getWorkingHours(userId, callOptions) {
      const abortSignal = callOptions?.abortSignal;
      let settings: z.infer<typeof mailboxSettingsSchema>;
      try {
        settings = mailboxSettingsSchema.parse(await readMailboxSettings(userId, abortSignal));
      } catch (error) {
        throw failure(error, userId, 'read the mailbox settings', abortSignal);
      }
      const hours = settings.workingHours;
      // The zone the hours are written in; a mailbox that never set one follows its own time zone, then UTC.
      const zoneName = hours?.timeZone?.name ?? settings.timeZone ?? 'UTC';
      const iana = ianaZoneOf(zoneName);
      const known = iana !== null && IANAZone.isValidZone(iana);
      return {
        daysOfWeek: hours?.daysOfWeek ?? [...OUTLOOK_DEFAULT_HOURS.daysOfWeek],
        startTime: hours?.startTime?.slice(0, 5) ?? OUTLOOK_DEFAULT_HOURS.startTime,
        endTime: hours?.endTime?.slice(0, 5) ?? OUTLOOK_DEFAULT_HOURS.endTime,
        timeZone: known ? iana : zoneName,
        timeZoneKnown: known,
      } satisfies MailboxHours;
    },

    async getBusy(userIds, window, callOptions) {
      const abortSignal = callOptions?.abortSignal;
      const windowStart = parseInstant(window.start, 'window.start');
      const windowEnd = parseInstant(window.end, 'window.end');
      if (windowEnd <= windowStart) throw new RangeError(`the window must end after it starts (${window.start} – ${window.end})`);
      const people = [...new Set(userIds)];
      const result = new Map<UserId, Interval[]>(people.map((id) => [id, []]));
      if (people.length === 0) return result;

      const resolved = await resolveAddresses(people, abortSignal);
      const windows: Interval[] = [];
      // 90 days from 1 March → 1 March–30 April (60 days) and 30 April–30 May.
      for (let start = windowStart; start < windowEnd; start = start.plus({ days: SCHEDULE_WINDOW_IN_DAYS })) {
        const end = DateTime.min(start.plus({ days: SCHEDULE_WINDOW_IN_DAYS }), windowEnd);
        windows.push({ start: toIso(start), end: toIso(end) });
      }
      const asked = [...resolved.entries()].flatMap(([id, address]) => windows.map((piece) => ({ id, address, piece })));
      const answers = await Promise.allSettled(asked.map((key) => readSchedule(key, abortSignal)));
      if (abortSignal?.aborted) throw abortSignal.reason;
      // The first person (in the order asked) whose schedule could not be read is the one named.
      const failed = answers.find((answer): answer is PromiseRejectedResult => answer.status === 'rejected');
      if (failed) throw failed.reason;
      answers.forEach((answer, i) => {
        if (answer.status === 'fulfilled') result.get(asked[i]!.id)?.push(...answer.value);
      });
      // A meeting across two window pieces comes back in both; overlapping meetings are one busy stretch (the domain's interval algebra).
      for (const [id, intervals] of result) result.set(id, mergeIntervals(intervals));
      return result;
    },

    async createEvents(mailbox, events, callOptions) {
      const abortSignal = callOptions?.abortSignal;
      if (events.length === 0) return [];
      const [only] = events;
      if (only && events.length === 1) return [await createOne(mailbox, only, abortSignal)];
      return createInBatches(mailbox, events, abortSignal);
    },

    async updateAttendees(mailbox, eventId, attendees, callOptions) {
      const abortSignal = callOptions?.abortSignal;
      try {
        await client
          .api(`/users/${encodeSegment(mailbox)}/events/${encodeSegment(eventId)}`)
          .option('signal', abortSignal)
          .patch({ attendees: attendees.map(toAttendee) });
      } catch (error) {
        throw failure(error, mailbox, `update the attendees of event ${eventId}`, abortSignal, { itemLevel: true });
      }
    },

    async deleteEvent(mailbox, eventId, callOptions) {
      const abortSignal = callOptions?.abortSignal;
      try {
        await client.api(`/users/${encodeSegment(mailbox)}/events/${encodeSegment(eventId)}`).option('signal', abortSignal).delete();
      } catch (error) {
        if (error instanceof GraphError && error.statusCode === 404) return; // already gone: what delete wants
        throw failure(error, mailbox, `delete event ${eventId}`, abortSignal, { itemLevel: true });
      }
    },

    async listEvents(mailbox, window, callOptions) {
      const abortSignal = callOptions?.abortSignal;
      const start = toIso(parseInstant(window.start, 'window.start'));
      const end = toIso(parseInstant(window.end, 'window.end'));
      const events: CalendarEventView[] = [];
      try {
        let request = client
          .api(`/users/${encodeSegment(mailbox)}/calendarView`)
          .query({ startDateTime: start, endDateTime: end })
          .select(EVENT_VIEW_SELECT)
          .top(listPageSize);
        for (;;) {
          const page = eventPageSchema.parse(await request.header('Prefer', PREFER_UTC).option('signal', abortSignal).get());
          events.push(...page.value.map(toEventView));
          const next = page['@odata.nextLink'];
          if (!next) break;
          request = client.api(nextPagePath(next)); // the link carries the window, $select and $top
        }
      } catch (error) {
        throw failure(error, mailbox, `list the events from ${start} to ${end}`, abortSignal);
      }
      return events.sort((a, b) => a.start.localeCompare(b.start));
    },

    async addAppToMeetingChat(chatId, teamsAppId, tab, callOptions) {
      const abortSignal = callOptions?.abortSignal;
      const chatPath = `/chats/${encodeSegment(chatId)}`;
      const bind = { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${encodeSegment(teamsAppId)}` };
      const step = async (what: string, call: () => Promise<void>) => {
        try {
          await call();
        } catch (error) {
          if (abortSignal?.aborted) throw abortSignal.reason;
          throw new Error(`Graph could not ${what} in meeting chat ${chatId}${statusSuffix(error)}`, { cause: error });
        }
      };
      await step(`install app ${teamsAppId}`, async () => {
        try {
          await client.api(`${chatPath}/installedApps`).option('signal', abortSignal).post(bind);
        } catch (error) {
          if (error instanceof GraphError && error.statusCode === 409) return; // already installed (an earlier run, or a person)
          throw error;
        }
      });
      let hasTab = false;
      await step(`list the tabs (looking for app ${teamsAppId})`, async () => {
        let request = client.api(`${chatPath}/tabs`).expand('teamsApp');
        for (;;) {
          const page = tabPageSchema.parse(await request.option('signal', abortSignal).get());
          if (page.value.some((existing) => existing.teamsApp?.id === teamsAppId)) {
            hasTab = true;
            return;
          }
          const next = page['@odata.nextLink'];
          if (!next) return;
          request = client.api(nextPagePath(next));
        }
      });
      if (hasTab) return;
      await step(`add the ${tab.displayName} tab of app ${teamsAppId}`, async () => {
        await client
          .api(`${chatPath}/tabs`)
          .option('signal', abortSignal)
          .post({
            displayName: tab.displayName,
            ...bind,
            configuration: { entityId: tab.entityId, contentUrl: tab.contentUrl, websiteUrl: tab.websiteUrl },
          });
      });
    },
  };
}

/** The Graph v1.0 event for a NewCalendarEvent; times go as UTC wall-clock with timeZone 'UTC'. */
function eventBody(event: NewCalendarEvent): Record<string, unknown> {
  const start = parseInstant(event.start, `event ${event.transactionId} start`);
  const end = parseInstant(event.end, `event ${event.transactionId} end`);
  if (end <= start) throw new RangeError(`event ${event.transactionId} must end after it starts (${event.start} – ${event.end})`);
  if (!event.transactionId.trim()) throw new RangeError('every event needs a transactionId, so a retried create cannot duplicate it');
  const reminder = event.reminderMinutesBeforeStart;
  return {
    subject: event.subject,
    // Graph's bodyType enum is lower case ('text' | 'html'); the service reads 'HTML' too, the description does not.
    body: { contentType: 'html', content: event.bodyHtml },
    start: { dateTime: toGraphDateTime(event.start, 'start'), timeZone: 'UTC' },
    end: { dateTime: toGraphDateTime(event.end, 'end'), timeZone: 'UTC' },
    showAs: event.showAs,
    categories: [...event.categories],
    isReminderOn: reminder !== undefined,
    ...(reminder === undefined ? {} : { reminderMinutesBeforeStart: reminder }),
    transactionId: event.transactionId,
    ...(event.attendees ? { attendees: event.attendees.map(toAttendee) } : {}),
    ...(event.onlineMeeting ? { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' } : {}),
  };
}

function toAttendee(attendee: { readonly email: string; readonly name: string }): Record<string, unknown> {
  return { emailAddress: { address: attendee.email, name: attendee.name }, type: 'required' };
}

function toCreatedEvent(event: NewCalendarEvent, created: z.infer<typeof createdEventSchema>): CreatedEvent {
  const joinUrl = created.onlineMeeting?.joinUrl ?? null;
  return { transactionId: event.transactionId, eventId: created.id, joinUrl, chatId: joinUrl ? meetingChatIdOf(joinUrl) : null };
}

function createdFromAnswer(mailbox: UserId, event: NewCalendarEvent, answer: BatchItemAnswer): CreatedEvent {
  if (answer.status >= 200 && answer.status < 300) {
    const parsed = createdEventSchema.safeParse(answer.body);
    if (!parsed.success) throw new Error(`Graph's answer for event ${event.transactionId} in mailbox ${mailbox} is not an event`, { cause: parsed.error });
    return toCreatedEvent(event, parsed.data);
  }
  const error = odataErrorSchema.safeParse(answer.body);
  const code = error.success ? error.data.error.code ?? null : null;
  const message = error.success ? error.data.error.message ?? null : null;
  const cause = error.success ? error.data.error : answer.body;
  if (answer.status === 403 || answer.status === 404) {
    throw new MailboxUnavailableError(mailbox, unavailableReason(answer.status, code, message), { cause });
  }
  throw new Error(`Graph could not create event ${event.transactionId} in mailbox ${mailbox} (${answer.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''})`, { cause });
}

/** A failed batch item about `mailbox`, as `failure` would say it for the same answer on its own. */
function itemFailure(mailbox: UserId, what: string, answer: BatchItemAnswer): Error {
  const error = odataErrorSchema.safeParse(answer.body);
  const code = error.success ? error.data.error.code ?? null : null;
  const message = error.success ? error.data.error.message ?? null : null;
  const cause = error.success ? error.data.error : answer.body;
  if (answer.status === 403 || answer.status === 404) return new MailboxUnavailableError(mailbox, unavailableReason(answer.status, code, message), { cause });
  return new Error(`Graph could not ${what} for mailbox ${mailbox} (${answer.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''})`, { cause });
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

function toEventView(event: z.infer<typeof eventViewSchema>): CalendarEventView {
  return {
    eventId: event.id,
    transactionId: event.transactionId ?? null,
    subject: event.subject ?? '',
    start: toIsoInstant(event.start),
    end: toIsoInstant(event.end),
    showAs: event.showAs ?? 'unknown',
    isCancelled: event.isCancelled ?? false,
    categories: event.categories ?? [],
    responseStatus: event.responseStatus?.response ?? null,
  };
}

/**
 * Teams join links carry the meeting chat's thread id, URL-encoded:
 * https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzY…%40thread.v2/0?context=… → 19:meeting_NzY…@thread.v2.
 * Newer short links (https://teams.microsoft.com/meet/…) carry none → null.
 */
export function meetingChatIdOf(joinUrl: string): string | null {
  let pathname: string;
  try {
    pathname = new URL(joinUrl).pathname;
  } catch {
    return null;
  }
  const segment = /\/l\/meetup-join\/([^/]+)/i.exec(pathname)?.[1];
  if (!segment) return null;
  let threadId: string;
  try {
    threadId = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return /^19:[^/]+@thread\.[a-z0-9]+$/i.test(threadId) ? threadId : null;
}

/**
 * What to throw for a failed Graph call about `mailbox`. 403 is always the mailbox (access denied,
 * typically outside the application access policy). 404 is the mailbox for calls on the mailbox itself;
 * for calls on one event (`itemLevel`) it is the event, unless Graph's code says the user is unknown.
 */
function failure(error: unknown, mailbox: string, what: string, abortSignal: AbortSignal | undefined, options: { itemLevel?: boolean } = {}): unknown {
  if (abortSignal?.aborted) return abortSignal.reason; // the caller stopped waiting: not a Graph failure
  if (error instanceof MailboxUnavailableError) return error;
  if (error instanceof GraphError) {
    const mailboxGone = error.statusCode === 404 && (!options.itemLevel || isUnknownUser(error.code, error.message));
    if (error.statusCode === 403 || mailboxGone) {
      return new MailboxUnavailableError(mailbox, unavailableReason(error.statusCode, error.code, error.message), { cause: error });
    }
  }
  return new Error(`Graph could not ${what} for mailbox ${mailbox}${statusSuffix(error)}`, { cause: error });
}

/** Graph's ways of saying "no such user or mailbox" (the sandbox says ErrorItemNotFound "The requested user … was not found"). */
function isUnknownUser(code: string | null, message: string): boolean {
  if (code && ['ErrorInvalidUser', 'MailboxNotEnabledForRESTAPI', 'MailboxNotFound', 'ResourceNotFound', 'Request_ResourceNotFound', 'ErrorMailRecipientNotFound'].includes(code)) return true;
  return /requested user/i.test(message);
}

function unavailableReason(status: number, code: string | null, message: string | null): string {
  const detail = `${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  return status === 403
    ? `the app is not allowed to use this mailbox; is it in the app's application access policy? (${detail})`
    : `no such user or mailbox (${detail})`;
}

function statusSuffix(error: unknown): string {
  return error instanceof GraphError ? ` (${error.statusCode}${error.code ? ` ${error.code}` : ''})` : '';
}

/** An ISO instant from the caller; one without an offset is read as UTC. */
/** The form the app stores instants in; read without luxon's general ISO parser, which costs more than the rest of a booking's time arithmetic. */
const STORED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function parseInstant(value: string, what: string): DateTime {
  const millis = STORED_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  const parsed = Number.isNaN(millis) ? DateTime.fromISO(value, { zone: 'utc' }) : DateTime.fromMillis(millis, { zone: 'utc' });
  if (!parsed.isValid) throw new RangeError(`${what} is not an ISO date and time: "${value}"`);
  return parsed.toUTC();
}

/** "2026-01-14T09:00:00.000Z" → Graph's UTC wall-clock "2026-01-14T09:00:00.000" (sent with timeZone 'UTC'). */
function toGraphDateTime(value: string, what: string): string {
  const millis = STORED_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(millis) ? parseInstant(value, what).toFormat("yyyy-LL-dd'T'HH:mm:ss.SSS") : new Date(millis).toISOString().slice(0, 23);
}

/** Graph's { dateTime: "2026-01-14T09:00:00.0000000", timeZone: "UTC" } → "2026-01-14T09:00:00.000Z". */
function toIsoInstant(value: DateTimeTimeZone): string {
  const name = value.timeZone ?? 'UTC';
  const zone = /^(utc|etc\/utc|gmt|z)$/i.test(name) ? 'utc' : ianaZoneOf(name);
  if (!zone) throw new RangeError(`Graph wrote a time in a zone this app does not know: "${name}"`);
  // Graph writes seven fractional digits; luxon reads at most milliseconds' worth reliably.
  const parsed = DateTime.fromISO(value.dateTime.replace(/(\.\d{3})\d+/, '$1'), { zone });
  if (!parsed.isValid) throw new RangeError(`Graph wrote a time that is not ISO 8601: "${value.dateTime}"`);
  return toIso(parsed);
}

function toIso(value: DateTime): string {
  return value.toUTC().toISO() ?? '';
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * An @odata.nextLink as a path under the client's base URL. The Graph client only recognises absolute
 * links that start with https:// and would append an http:// link (the sandbox's) to its base URL:
 * http://127.0.0.1:5123/v1.0/users/x/calendarView?…&$skiptoken=3 → /users/x/calendarView?…&$skiptoken=3.
 * Graph's links always name the host the request went to, so nothing is lost.
 */

/** OData string literal: a single quote is written twice. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Percent-encodes everything but unreserved characters (encodeURIComponent leaves !'()* alone). */
function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
