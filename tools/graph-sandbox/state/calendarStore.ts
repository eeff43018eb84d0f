import { createHash, randomBytes } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { DemoPerson } from '../../demo-org';
import { notFound } from '../core/graphResponses';
import { formatDateTimeTimeZone, formatInstant, type ResponseZone } from '../time/graphDateTime';
import type { Directory } from './directory';
import type { TeamsStore } from './teamsStore';

// Calendars in memory, one per mailbox, with Outlook's behaviours the app relies on:
// - a POST that repeats a transactionId returns the first event instead of a duplicate;
// - an organiser's event with attendees puts a copy (same iCalUId, its own id) in each attendee's
//   calendar, so their free/busy shows it; the organiser's PATCH and DELETE update or remove the copies;
// - an online meeting gets a Teams join link whose meeting chat thread id the app can find.

export interface EventTiming {
  /** Instants in UTC. */
  start: DateTime;
  end: DateTime;
  /** As the client wrote them ("GMT Standard Time", "Europe/London"); Graph echoes them as original*TimeZone. */
  startTimeZone: string;
  endTimeZone: string;
}

export interface StoredEvent {
  id: string;
  mailboxId: string;
  iCalUId: string;
  timing: EventTiming;
  /** Every other Graph property of the event, as returned to clients. */
  properties: Record<string, unknown>;
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  /** On the organiser's event: attendee mailbox id → the id of that attendee's copy. */
  attendeeCopies: Map<string, string>;
  /** On an attendee's copy: where the organiser's event lives. */
  organiserEvent?: { mailboxId: string; eventId: string };
}

export interface NewEvent {
  timing: EventTiming;
  properties: Record<string, unknown>;
  /** Deterministic ids for seeded events (the same demo calendar after every reset). */
  seed?: string;
}

export interface EventChanges {
  timing?: EventTiming;
  properties: Record<string, unknown>;
}

/** Properties the service sets; a client's value for them is ignored, as Graph does. */
const SERVICE_OWNED = new Set([
  'id', '@odata.etag', '@odata.type', '@odata.context', 'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'iCalUId',
  'isOrganizer', 'organizer', 'onlineMeeting', 'onlineMeetingUrl', 'webLink', 'bodyPreview', 'responseStatus', 'hasAttachments',
  'type', 'seriesMasterId', 'start', 'end', 'originalStartTimeZone', 'originalEndTimeZone', 'instances', 'exceptionOccurrences',
  'attachments', 'calendar', 'extensions', 'multiValueExtendedProperties', 'singleValueExtendedProperties', 'cancelledOccurrences',
]);

/** Properties that belong to one mailbox's copy, not to the meeting. */
const PER_MAILBOX = new Set(['isOrganizer', 'responseStatus', 'transactionId', 'webLink', 'isReminderOn', 'reminderMinutesBeforeStart', 'categories']);

const NEVER = '0001-01-01T00:00:00Z';

export class CalendarStore {
  private readonly mailboxes = new Map<string, Map<string, StoredEvent>>();
  private readonly transactions = new Map<string, Map<string, string>>();

  constructor(
    private readonly directory: Directory,
    private readonly teams: TeamsStore,
    private readonly now: () => Date,
  ) {}

  /** `created: false` when the transactionId was seen before in this mailbox: the first event comes back. */
  create(owner: DemoPerson, input: NewEvent): { event: StoredEvent; created: boolean } {
    const properties = withoutServiceOwned(input.properties);
    const transactionId = typeof properties.transactionId === 'string' ? properties.transactionId : undefined;
    const earlier = transactionId ? this.findByTransactionId(owner.id, transactionId) : undefined;
    if (earlier) return { event: earlier, created: false };

    const id = newEventId(input.seed);
    const stamp = formatInstant(this.now());
    const event: StoredEvent = {
      id,
      mailboxId: owner.id,
      iCalUId: newICalUId(input.seed),
      timing: input.timing,
      properties: {
        ...defaultEventProperties(owner, id),
        ...properties,
        showAs: properties.showAs ?? 'busy',
        attendees: this.normaliseAttendees(properties.attendees),
        bodyPreview: previewOf(properties.body),
      },
      changeKey: newChangeKey(input.seed),
      createdDateTime: stamp,
      lastModifiedDateTime: stamp,
      attendeeCopies: new Map(),
    };
    this.attachOnlineMeeting(owner, event, input.seed);
    this.calendarOf(owner.id).set(id, event);
    if (transactionId) this.transactionsOf(owner.id).set(transactionId, id);
    this.syncAttendeeCopies(owner, event, input.seed);
    return { event, created: true };
  }

  get(mailboxId: string, eventId: string): StoredEvent | undefined {
    return this.mailboxes.get(mailboxId)?.get(eventId);
  }

  list(mailboxId: string): StoredEvent[] {
    return [...(this.mailboxes.get(mailboxId)?.values() ?? [])];
  }

  /** Events that overlap [start, end): start < end of window and end > start of window. */
  overlapping(mailboxId: string, start: DateTime, end: DateTime): StoredEvent[] {
    const [startMs, endMs] = [start.toMillis(), end.toMillis()];
    return this.list(mailboxId).filter((e) => e.timing.start.toMillis() < endMs && e.timing.end.toMillis() > startMs);
  }

  /** PATCH: the given properties replace the stored ones (arrays whole, as Graph does). */
  update(owner: DemoPerson, eventId: string, changes: EventChanges): StoredEvent {
    const event = this.require(owner.id, eventId);
    const properties = withoutServiceOwned(changes.properties);
    event.properties = { ...event.properties, ...properties };
    if ('attendees' in properties) event.properties.attendees = this.normaliseAttendees(properties.attendees);
    if ('body' in properties) event.properties.bodyPreview = previewOf(properties.body);
    if (changes.timing) event.timing = changes.timing;
    this.touch(event);
    this.attachOnlineMeeting(owner, event);
    if (!event.organiserEvent) this.syncAttendeeCopies(owner, event);
    return event;
  }

  delete(owner: DemoPerson, eventId: string): void {
    const event = this.require(owner.id, eventId);
    this.calendarOf(owner.id).delete(eventId);
    for (const [transactionId, id] of this.transactionsOf(owner.id)) if (id === eventId) this.transactionsOf(owner.id).delete(transactionId);
    for (const [mailboxId, copyId] of event.attendeeCopies) this.mailboxes.get(mailboxId)?.delete(copyId);
    if (event.organiserEvent) this.get(event.organiserEvent.mailboxId, event.organiserEvent.eventId)?.attendeeCopies.delete(owner.id);
  }

  /** An event as Graph returns it, times in `zone`. */
  render(event: StoredEvent, zone: ResponseZone): Record<string, unknown> {
    return {
      '@odata.etag': `W/"${event.changeKey}"`,
      id: event.id,
      createdDateTime: event.createdDateTime,
      lastModifiedDateTime: event.lastModifiedDateTime,
      changeKey: event.changeKey,
      originalStartTimeZone: event.timing.startTimeZone,
      originalEndTimeZone: event.timing.endTimeZone,
      iCalUId: event.iCalUId,
      ...event.properties,
      start: formatDateTimeTimeZone(event.timing.start, zone),
      end: formatDateTimeTimeZone(event.timing.end, zone),
    };
  }

  private syncAttendeeCopies(organiser: DemoPerson, event: StoredEvent, seed?: string): void {
    const attendees = this.attendeePeople(event.properties.attendees).filter((p) => p.id !== organiser.id);
    const wanted = new Set(attendees.map((p) => p.id));
    for (const [mailboxId, copyId] of event.attendeeCopies) {
      if (wanted.has(mailboxId)) continue;
      this.mailboxes.get(mailboxId)?.delete(copyId);
      event.attendeeCopies.delete(mailboxId);
    }
    const shared = Object.fromEntries(Object.entries(event.properties).filter(([key]) => !PER_MAILBOX.has(key)));
    for (const attendee of attendees) {
      const existing = this.get(attendee.id, event.attendeeCopies.get(attendee.id) ?? '');
      if (existing) {
        existing.properties = { ...existing.properties, ...shared };
        existing.timing = event.timing;
        this.touch(existing);
        continue;
      }
      const copySeed = seed ? `${seed}/${attendee.id}` : undefined;
      const id = newEventId(copySeed);
      const copy: StoredEvent = {
        id,
        mailboxId: attendee.id,
        iCalUId: event.iCalUId,
        timing: event.timing,
        properties: {
          ...defaultEventProperties(attendee, id),
          ...shared,
          isOrganizer: false,
          responseRequested: true,
          responseStatus: { response: 'notResponded', time: NEVER },
        },
        changeKey: newChangeKey(copySeed),
        createdDateTime: event.createdDateTime,
        lastModifiedDateTime: event.lastModifiedDateTime,
        attendeeCopies: new Map(),
        organiserEvent: { mailboxId: organiser.id, eventId: event.id },
      };
      this.calendarOf(attendee.id).set(id, copy);
      event.attendeeCopies.set(attendee.id, id);
    }
  }

  private attachOnlineMeeting(organiser: DemoPerson, event: StoredEvent, seed?: string): void {
    if (event.properties.isOnlineMeeting !== true || event.properties.onlineMeeting || event.organiserEvent) return;
    const meeting = this.teams.createOnlineMeeting(organiser, {
      subject: typeof event.properties.subject === 'string' ? event.properties.subject : '',
      start: event.timing.start,
      end: event.timing.end,
      attendees: this.attendeePeople(event.properties.attendees),
      seed,
    });
    event.properties.onlineMeeting = { joinUrl: meeting.joinWebUrl, conferenceId: meeting.joinMeetingId, tollNumber: null };
    event.properties.onlineMeetingProvider = 'teamsForBusiness';
  }

  private normaliseAttendees(value: unknown): Record<string, unknown>[] {
    if (!Array.isArray(value)) return [];
    return value.filter(isRecord).map((attendee) => {
      const email = isRecord(attendee.emailAddress) ? attendee.emailAddress : {};
      const address = typeof email.address === 'string' ? email.address : null;
      const person = address ? this.directory.findByEmail(address) : undefined;
      return {
        type: 'required',
        status: { response: 'none', time: NEVER },
        ...attendee,
        emailAddress: { name: person?.displayName ?? address, ...email, address },
      };
    });
  }

  private attendeePeople(attendees: unknown): DemoPerson[] {
    const people = new Map<string, DemoPerson>();
    for (const attendee of Array.isArray(attendees) ? attendees.filter(isRecord) : []) {
      const email = isRecord(attendee.emailAddress) ? attendee.emailAddress.address : undefined;
      const person = typeof email === 'string' ? this.directory.findByEmail(email) : undefined;
      if (person) people.set(person.id, person);
    }
    return [...people.values()];
  }

  private findByTransactionId(mailboxId: string, transactionId: string): StoredEvent | undefined {
    const id = this.transactions.get(mailboxId)?.get(transactionId);
    return id ? this.get(mailboxId, id) : undefined;
  }

  private require(mailboxId: string, eventId: string): StoredEvent {
    const event = this.get(mailboxId, eventId);
    if (!event) throw notFound(`The specified object was not found in the store. (event ${eventId})`);
    return event;
  }

  private touch(event: StoredEvent): void {
    event.changeKey = newChangeKey();
    event.lastModifiedDateTime = formatInstant(this.now());
  }

  private calendarOf(mailboxId: string): Map<string, StoredEvent> {
    let calendar = this.mailboxes.get(mailboxId);
    if (!calendar) this.mailboxes.set(mailboxId, (calendar = new Map()));
    return calendar;
  }

  private transactionsOf(mailboxId: string): Map<string, string> {
    let transactions = this.transactions.get(mailboxId);
    if (!transactions) this.transactions.set(mailboxId, (transactions = new Map()));
    return transactions;
  }
}

function defaultEventProperties(owner: DemoPerson, id: string): Record<string, unknown> {
  return {
    categories: [],
    transactionId: null,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: '',
    bodyPreview: '',
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: false,
    isCancelled: false,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: null,
    showAs: 'busy',
    type: 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    recurrence: null,
    onlineMeeting: null,
    responseStatus: { response: 'organizer', time: NEVER },
    body: { contentType: 'html', content: '' },
    location: { displayName: '', locationType: 'default', uniqueIdType: 'unknown' },
    locations: [],
    attendees: [],
    organizer: { emailAddress: { name: owner.displayName, address: owner.mail } },
  };
}

function withoutServiceOwned(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).filter(([key]) => !SERVICE_OWNED.has(key)));
}

function previewOf(body: unknown): string {
  const content = isRecord(body) && typeof body.content === 'string' ? body.content : '';
  return content.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 255);
}

/** Outlook ids are long base64 strings that often end in '=': clients must URL-encode them. */
function newEventId(seed?: string): string {
  const bytes = seed ? createHash('sha256').update(`event:${seed}`).digest() : randomBytes(32);
  return `AAMkAGI2${bytes.toString('base64url').slice(0, 40)}AAA=`;
}

function newICalUId(seed?: string): string {
  const bytes = seed ? createHash('sha256').update(`ical:${seed}`).digest() : randomBytes(32);
  return `040000008200E00074C5B7101A82E00800000000${bytes.toString('hex').slice(0, 48).toUpperCase()}`;
}

function newChangeKey(seed?: string): string {
  const bytes = seed ? createHash('sha256').update(`change:${seed}`).digest() : randomBytes(16);
  return bytes.subarray(0, 16).toString('base64');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
