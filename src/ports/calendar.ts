import type { UserId } from '../domain/ids';

/** [start, end) between two ISO instants in UTC, e.g. "2026-01-14T09:00:00.000Z". */
export interface Interval { readonly start: string; readonly end: string }

/** A person's working hours as their mailbox states them, in their own zone ("09:00"–"17:30" Europe/London). */
export interface MailboxHours {
  readonly daysOfWeek: readonly ('monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday')[];
  /** Local "HH:mm". */
  readonly startTime: string;
  readonly endTime: string;
  /** IANA ("Europe/London"), or Outlook's raw name when it maps to no IANA zone (then `timeZoneKnown` is false). */
  readonly timeZone: string;
  readonly timeZoneKnown: boolean;
}

export interface NewCalendarEvent {
  /** Deterministic (e.g. experiment id + week + block index): creating it again returns the same event. */
  readonly transactionId: string;
  readonly subject: string;
  readonly bodyHtml: string;
  /** ISO instants (UTC). */
  readonly start: string;
  readonly end: string;
  readonly showAs: 'busy' | 'free' | 'tentative';
  readonly categories: readonly string[];
  /** Omitted → no reminder. */
  readonly reminderMinutesBeforeStart?: number;
  readonly attendees?: readonly { readonly email: string; readonly name: string }[];
  /** A Teams meeting (isOnlineMeeting with the teamsForBusiness provider). */
  readonly onlineMeeting?: boolean;
}

export interface CreatedEvent {
  readonly transactionId: string;
  readonly eventId: string;
  /** Teams join link of an online meeting; null otherwise. */
  readonly joinUrl: string | null;
  /** The meeting chat's thread id parsed from joinUrl ("19:meeting_…@thread.v2"); null when there is none or the link carries none. */
  readonly chatId: string | null;
}

export interface CalendarEventView {
  readonly eventId: string;
  /** Null for events the app did not create. */
  readonly transactionId: string | null;
  readonly subject: string;
  /** ISO instants (UTC). */
  readonly start: string;
  readonly end: string;
  /** Graph's freeBusyStatus: free, tentative, busy, oof, workingElsewhere, unknown. */
  readonly showAs: string;
  readonly isCancelled: boolean;
  readonly categories: readonly string[];
  /** The mailbox owner's response: organizer, accepted, declined, tentativelyAccepted, notResponded, none. */
  readonly responseStatus: string | null;
}

export interface CalendarOptions { readonly abortSignal?: AbortSignal }

/**
 * The mailbox does not exist (404) or the app may not use it (403, e.g. outside the application access
 * policy). The caller marks the person "could not book: <reason>" and carries on with everyone else.
 */
export class MailboxUnavailableError extends Error {
  constructor(readonly mailbox: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`Mailbox ${mailbox} is unavailable: ${reason}`, options);
    this.name = 'MailboxUnavailableError';
  }
}

export interface CalendarPort {
  /** The person's working hours and zone (mailboxSettings). */
  getWorkingHours(userId: UserId, options?: CalendarOptions): Promise<MailboxHours>;
  /**
   * Busy time per person in the window, UTC, sorted and merged. Busy means any status but free:
   * busy, tentative, oof and workingElsewhere (a client visit or a maybe-meeting is no time to practise).
   * Any window length and any number of people (requests are chunked to Graph's limits).
   * Throws MailboxUnavailableError (naming the first such person) when someone's schedule cannot be read.
   */
  getBusy(userIds: readonly UserId[], window: Interval, options?: CalendarOptions): Promise<Map<UserId, Interval[]>>;
  /** Creates the events in the mailbox, replay-safe by transactionId; results in input order. */
  createEvents(mailbox: UserId, events: readonly NewCalendarEvent[], options?: CalendarOptions): Promise<CreatedEvent[]>;
  /** Replaces the event's attendee list (Graph invites the added and cancels for the removed). */
  updateAttendees(mailbox: UserId, eventId: string, attendees: readonly { email: string; name: string }[], options?: CalendarOptions): Promise<void>;
  /** Succeeds when the event is already gone. */
  deleteEvent(mailbox: UserId, eventId: string, options?: CalendarOptions): Promise<void>;
  /** Every event overlapping the window (calendarView: occurrences expanded, free ones included), earliest first. */
  listEvents(mailbox: UserId, window: Interval, options?: CalendarOptions): Promise<CalendarEventView[]>;
  /** Installs the app in a meeting chat (already installed is fine) and adds its tab unless the app has one there. */
  addAppToMeetingChat(
    chatId: string,
    teamsAppId: string,
    tab: { displayName: string; contentUrl: string; websiteUrl: string; entityId: string },
    options?: CalendarOptions,
  ): Promise<void>;
}
