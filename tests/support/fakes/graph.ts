import { ianaZoneOf } from '../../../src/adapters/graph/zones';
import { parseUserId, type UserId } from '../../../src/domain/ids';
import { normalize } from '../../../src/domain/intervals';
import {
  MailboxUnavailableError,
  type CalendarEventView,
  type CalendarPort,
  type CreatedEvent,
  type Interval,
  type MailboxHours,
  type NewCalendarEvent,
} from '../../../src/ports/calendar';
import type { DirectoryPerson, DirectoryPort } from '../../../src/ports/directory';
import type { DemoOrganisation, DemoPerson } from '../../../tools/demo-org';

/*
 * The directory and the calendar in memory, seeded from the same demo organisation as the Graph sandbox
 * (people, managers, working hours, zones) but with empty calendars: a use-case test adds the meetings it
 * is about (`calendar.addEvent`). The behaviour the use cases rely on is checked against the sandbox through
 * the real Graph adapters by tests/integration/port-contracts.test.ts.
 */

export type FakePerson = Pick<DemoPerson, 'id' | 'displayName' | 'mail' | 'jobTitle' | 'department' | 'managerId' | 'windowsTimeZone' | 'workingHours'>;

function idOf(person: FakePerson): UserId {
  const id = parseUserId(person.id);
  if (!id) throw new Error(`fake directory: ${person.id} is not an object id`);
  return id;
}

function toDirectoryPerson(person: FakePerson): DirectoryPerson {
  return { id: idOf(person), displayName: person.displayName, mail: person.mail, jobTitle: person.jobTitle, department: person.department };
}

export interface FakeDirectory extends DirectoryPort {
  /** Adds or replaces a person (e.g. a new starter, or someone whose manager changed). */
  put(person: FakePerson): void;
}

export function fakeDirectory(people: readonly FakePerson[]): FakeDirectory {
  const byId = new Map<string, FakePerson>(people.map((p) => [p.id.toLowerCase(), p]));
  const find = (userId: string) => byId.get(userId.toLowerCase()) ?? null;
  return {
    put(person) {
      byId.set(person.id.toLowerCase(), person);
    },
    async getPerson(userId) {
      const person = find(userId);
      return person ? toDirectoryPerson(person) : null;
    },
    async *listPeople() {
      for (const person of byId.values()) yield toDirectoryPerson(person);
    },
    async getManager(userId) {
      const managerId = find(userId)?.managerId;
      const manager = managerId ? find(managerId) : null;
      return manager ? toDirectoryPerson(manager) : null;
    },
    async listDirectReports(userId) {
      return [...byId.values()].filter((p) => p.managerId?.toLowerCase() === userId.toLowerCase()).map(toDirectoryPerson);
    },
    async getTimeZone(userId) {
      const person = find(userId);
      return person ? ianaZoneOf(person.windowsTimeZone) : null;
    },
    async listDirectReportsOfMany(managerIds) {
      return new Map(managerIds.map((managerId) => [managerId, [...byId.values()].filter((p) => p.managerId?.toLowerCase() === managerId.toLowerCase()).map(toDirectoryPerson)]));
    },
    async getPeople(userIds) {
      return new Map(userIds.flatMap((userId) => { const person = find(userId); return person ? [[userId, toDirectoryPerson(person)] as const] : []; }));
    },
    async getTimeZones(userIds) {
      return new Map(userIds.map((userId) => { const person = find(userId); return [userId, person ? ianaZoneOf(person.windowsTimeZone) : null] as const; }));
    },
    async probe() {},
  };
}

interface StoredEvent extends CalendarEventView {
  readonly attendees: readonly { readonly email: string; readonly name: string }[];
  /** Shared by the organiser's event and the attendees' copies (Graph's iCalUId). */
  readonly meetingId: string;
}

export interface FakeCalendar extends CalendarPort {
  /** A meeting the app did not create (transactionId null), e.g. a customer call that makes the person busy. */
  addEvent(mailbox: UserId, event: { subject?: string; start: string; end: string; showAs?: string }): string;
  /** Every event in a mailbox, cancelled ones included, in creation order. */
  events(mailbox: UserId): readonly CalendarEventView[];
  /** Attendee lists as last written, by event id. */
  attendeesOf(mailbox: UserId, eventId: string): readonly { email: string; name: string }[];
  /** Meeting chats the app was added to, with the tab it added. */
  readonly meetingChats: Map<string, { teamsAppId: string; tab: { displayName: string; contentUrl: string; websiteUrl: string; entityId: string } }>;
  /** From now on, every call naming this mailbox fails as Graph does for a mailbox outside the access policy. */
  makeUnavailable(mailbox: UserId, reason?: string): void;
}

const OUTLOOK_DEFAULT_DAYS: MailboxHours['daysOfWeek'] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

const overlaps = (event: { start: string; end: string }, window: Interval) => event.start < window.end && event.end > window.start;

export function fakeCalendar(people: readonly FakePerson[]): FakeCalendar {
  const byId = new Map<string, FakePerson>(people.map((p) => [p.id.toLowerCase(), p]));
  const byMail = new Map<string, FakePerson>(people.map((p) => [p.mail.toLowerCase(), p]));
  const mailboxes = new Map<string, StoredEvent[]>();
  const unavailable = new Map<string, string>();
  const meetingChats: FakeCalendar['meetingChats'] = new Map();
  let nextId = 0;

  function mailboxOf(userId: string): StoredEvent[] {
    const key = userId.toLowerCase();
    const refused = unavailable.get(key);
    if (refused !== undefined) throw new MailboxUnavailableError(userId, refused);
    if (!byId.has(key)) throw new MailboxUnavailableError(userId, 'no such user in the directory, or the user has no email address');
    let events = mailboxes.get(key);
    if (!events) {
      events = [];
      mailboxes.set(key, events);
    }
    return events;
  }

  function view(event: StoredEvent): CalendarEventView {
    const { attendees: _attendees, meetingId: _meetingId, ...rest } = event;
    return { ...rest, categories: [...event.categories] };
  }

  function create(mailbox: UserId, event: NewCalendarEvent): CreatedEvent {
    const events = mailboxOf(mailbox);
    const existing = events.find((e) => e.transactionId === event.transactionId && !e.isCancelled);
    const chatOf = (id: string) => (event.onlineMeeting ? `19:meeting_${id}@thread.v2` : null);
    if (existing) {
      const chatId = chatOf(existing.meetingId);
      return { transactionId: event.transactionId, eventId: existing.eventId, joinUrl: chatId ? joinUrlOf(chatId) : null, chatId };
    }
    nextId += 1;
    const eventId = `fake-event-${nextId}`;
    const meetingId = `fake-meeting-${nextId}`;
    const attendees = event.attendees ?? [];
    events.push({
      eventId, transactionId: event.transactionId, subject: event.subject, start: new Date(event.start).toISOString(), end: new Date(event.end).toISOString(),
      showAs: event.showAs, isCancelled: false, categories: [...event.categories], responseStatus: 'organizer', attendees, meetingId,
    });
    copyToAttendees(mailbox, meetingId, attendees);
    const chatId = chatOf(meetingId);
    return { transactionId: event.transactionId, eventId, joinUrl: chatId ? joinUrlOf(chatId) : null, chatId };
  }

  /** Attendees in the organisation get their own copy, which follows the organiser's changes. */
  function copyToAttendees(organiser: UserId, meetingId: string, attendees: readonly { email: string }[]) {
    const original = (mailboxes.get(organiser.toLowerCase()) ?? []).find((e) => e.meetingId === meetingId);
    if (!original) return;
    for (const attendee of attendees) {
      const person = byMail.get(attendee.email.toLowerCase());
      if (!person || person.id.toLowerCase() === organiser.toLowerCase()) continue;
      const theirs = mailboxes.get(person.id.toLowerCase()) ?? [];
      mailboxes.set(person.id.toLowerCase(), theirs);
      if (theirs.some((e) => e.meetingId === meetingId)) continue;
      nextId += 1;
      theirs.push({ ...original, eventId: `fake-event-${nextId}`, transactionId: null, responseStatus: 'notResponded', attendees: [] });
    }
  }

  function removeMeeting(meetingId: string, except: (mailbox: string) => boolean = () => false) {
    for (const [mailbox, events] of mailboxes) {
      if (except(mailbox)) continue;
      mailboxes.set(mailbox, events.filter((e) => e.meetingId !== meetingId));
    }
  }

  return {
    meetingChats,
    addEvent(mailbox, event) {
      const events = mailboxOf(mailbox);
      nextId += 1;
      const eventId = `fake-event-${nextId}`;
      events.push({
        eventId, transactionId: null, subject: event.subject ?? 'Meeting', start: new Date(event.start).toISOString(), end: new Date(event.end).toISOString(),
        showAs: event.showAs ?? 'busy', isCancelled: false, categories: [], responseStatus: 'organizer', attendees: [], meetingId: `fake-meeting-${nextId}`,
      });
      return eventId;
    },
    events: (mailbox) => (mailboxes.get(mailbox.toLowerCase()) ?? []).map(view),
    attendeesOf: (mailbox, eventId) => (mailboxes.get(mailbox.toLowerCase()) ?? []).find((e) => e.eventId === eventId)?.attendees ?? [],
    makeUnavailable(mailbox, reason = 'Graph refused access to the mailbox (403: ErrorAccessDenied)') {
      unavailable.set(mailbox.toLowerCase(), reason);
    },

    async getWorkingHours(userId) {
      mailboxOf(userId);
      const person = byId.get(userId.toLowerCase())!;
      const iana = ianaZoneOf(person.windowsTimeZone);
      return {
        daysOfWeek: person.workingHours.daysOfWeek.length > 0 ? [...person.workingHours.daysOfWeek] : [...OUTLOOK_DEFAULT_DAYS],
        startTime: person.workingHours.startTime,
        endTime: person.workingHours.endTime,
        timeZone: iana ?? person.windowsTimeZone,
        timeZoneKnown: iana !== null,
      };
    },

    async getBusy(userIds, window) {
      if (window.end <= window.start) throw new RangeError(`the window must end after it starts (${window.start} – ${window.end})`);
      const result = new Map<UserId, Interval[]>();
      for (const userId of new Set(userIds)) {
        const busy = mailboxOf(userId)
          .filter((e) => !e.isCancelled && e.showAs !== 'free' && e.showAs !== 'unknown' && overlaps(e, window))
          .map((e) => ({ start: Date.parse(e.start), end: Date.parse(e.end) }));
        result.set(userId, normalize(busy).map((s) => ({ start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() })));
      }
      return result;
    },

    async createEvents(mailbox, events) {
      return events.map((event) => create(mailbox, event));
    },

    async updateAttendees(mailbox, eventId, attendees) {
      const events = mailboxOf(mailbox);
      const at = events.findIndex((e) => e.eventId === eventId);
      if (at < 0) throw new MailboxUnavailableError(mailbox, `event ${eventId} does not exist (404: ErrorItemNotFound)`);
      const event = events[at]!;
      events[at] = { ...event, attendees: [...attendees] };
      const kept = new Set(attendees.map((a) => byMail.get(a.email.toLowerCase())?.id.toLowerCase()).filter(Boolean));
      removeMeeting(event.meetingId, (box) => box === mailbox.toLowerCase() || kept.has(box));
      copyToAttendees(mailbox, event.meetingId, attendees);
    },

    async deleteEvent(mailbox, eventId) {
      const event = mailboxOf(mailbox).find((e) => e.eventId === eventId);
      if (!event) return; // already gone
      if (event.responseStatus === 'organizer') removeMeeting(event.meetingId);
      else mailboxes.set(mailbox.toLowerCase(), mailboxOf(mailbox).filter((e) => e.eventId !== eventId));
    },

    async listEvents(mailbox, window) {
      return mailboxOf(mailbox).filter((e) => overlaps(e, window)).map(view).sort((a, b) => a.start.localeCompare(b.start));
    },

    async addAppToMeetingChat(chatId, teamsAppId, tab) {
      if (!meetingChats.has(chatId)) meetingChats.set(chatId, { teamsAppId, tab });
    },
  };
}

function joinUrlOf(chatId: string): string {
  return `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(chatId)}/0`;
}

/** The fake people of a demo organisation (the sandbox's seed). */
export function peopleOf(organisation: Pick<DemoOrganisation, 'people'>): FakePerson[] {
  return organisation.people.map((p) => ({ ...p }));
}
