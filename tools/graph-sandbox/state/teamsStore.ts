import { createHash, randomUUID } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { DemoPerson } from '../../demo-org';
import { GraphError } from '../core/graphResponses';
import { formatInstant } from '../time/graphDateTime';

// The Teams side of the sandbox: app installations (personal scope and chats), chats, tabs, online
// meetings created from calendar events, and the activity notifications the app sent.

export interface AppInstallation {
  id: string;
  teamsAppId: string;
}

export interface ChatRecord {
  id: string;
  chatType: 'oneOnOne' | 'group' | 'meeting';
  topic: string | null;
  createdDateTime: string;
  /** For meeting chats: the meeting's join link and organiser. */
  meeting?: { joinWebUrl: string; organiser: DemoPerson };
  installations: Map<string, AppInstallation>;
  tabs: Map<string, Record<string, unknown>>;
}

export interface OnlineMeetingRecord {
  id: string;
  organiser: DemoPerson;
  threadId: string;
  joinWebUrl: string;
  joinMeetingId: string;
  subject: string;
  start: DateTime;
  end: DateTime;
  attendees: DemoPerson[];
  creationDateTime: string;
}

export interface ActivityNotificationRecord {
  /** The recipient's object id. */
  mailbox: string;
  at: string;
  body: unknown;
}

export interface NewOnlineMeeting {
  subject: string;
  start: DateTime;
  end: DateTime;
  attendees: DemoPerson[];
  /** Makes seeded meetings reproducible; omitted → random. */
  seed?: string;
}

export class TeamsStore {
  private readonly userInstallations = new Map<string, Map<string, AppInstallation>>();
  private readonly chats = new Map<string, ChatRecord>();
  private readonly meetingsByOrganiser = new Map<string, OnlineMeetingRecord[]>();
  readonly notifications: ActivityNotificationRecord[] = [];

  constructor(private readonly tenantId: string, private readonly now: () => Date) {}

  /** Like Graph: installing an app the user already has is 409 Conflict. */
  installForUser(user: DemoPerson, teamsAppId: string): AppInstallation {
    const installations = this.userInstallations.get(user.id) ?? new Map<string, AppInstallation>();
    this.userInstallations.set(user.id, installations);
    if ([...installations.values()].some((i) => i.teamsAppId === teamsAppId)) {
      throw new GraphError(409, 'Conflict', `App ${teamsAppId} is already installed for user ${user.id}.`);
    }
    // Graph's ids are opaque; these decode to "<user id>##<app id>" as Graph's do.
    const installation = { id: Buffer.from(`${user.id}##${teamsAppId}`).toString('base64'), teamsAppId };
    installations.set(installation.id, installation);
    return installation;
  }

  listUserInstallations(userId: string): AppInstallation[] {
    return [...(this.userInstallations.get(userId)?.values() ?? [])];
  }

  getUserInstallation(userId: string, installationId: string): AppInstallation | undefined {
    return this.userInstallations.get(userId)?.get(installationId);
  }

  /** The personal chat between a user and the app's bot; the same id every time for that user and app. */
  personalChat(user: DemoPerson, installation: AppInstallation): ChatRecord {
    const id = `19:${user.id}_${installation.teamsAppId}@unq.gbl.spaces`;
    const existing = this.chats.get(id);
    if (existing) return existing;
    const chat: ChatRecord = {
      id, chatType: 'oneOnOne', topic: null, createdDateTime: formatInstant(this.now()),
      installations: new Map([[installation.id, installation]]), tabs: new Map(),
    };
    this.chats.set(id, chat);
    return chat;
  }

  getChat(chatId: string): ChatRecord | undefined {
    return this.chats.get(chatId);
  }

  installInChat(chat: ChatRecord, teamsAppId: string): AppInstallation {
    if ([...chat.installations.values()].some((i) => i.teamsAppId === teamsAppId)) {
      throw new GraphError(409, 'Conflict', `App ${teamsAppId} is already installed in chat ${chat.id}.`);
    }
    const installation = { id: Buffer.from(`${chat.id}##${teamsAppId}`).toString('base64'), teamsAppId };
    chat.installations.set(installation.id, installation);
    return installation;
  }

  /** Graph: "the corresponding app must already be installed in the chat". */
  addTab(chat: ChatRecord, teamsAppId: string, properties: Record<string, unknown>): Record<string, unknown> {
    if (![...chat.installations.values()].some((i) => i.teamsAppId === teamsAppId)) {
      throw new GraphError(400, 'BadRequest', `App ${teamsAppId} is not installed in chat ${chat.id}; install it first (POST /chats/{chat-id}/installedApps).`);
    }
    const tab = { ...properties, id: randomUUID(), teamsAppId };
    chat.tabs.set(String(tab.id), tab);
    return tab;
  }

  /** What Teams does when an event is created with isOnlineMeeting: a meeting, its chat thread and a join link. */
  createOnlineMeeting(organiser: DemoPerson, meeting: NewOnlineMeeting): OnlineMeetingRecord {
    const token = meeting.seed ? createHash('sha256').update(meeting.seed).digest('hex').slice(0, 32) : randomUUID().replace(/-/g, '');
    const threadId = `19:meeting_${Buffer.from(token).toString('base64').replace(/[^A-Za-z0-9]/g, '')}@thread.v2`;
    const context = encodeURIComponent(JSON.stringify({ Tid: this.tenantId, Oid: organiser.id }));
    // Teams join links carry the thread id URL-encoded: /l/meetup-join/19%3ameeting_…%40thread.v2/0?context=…
    const joinWebUrl = `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(threadId)}/0?context=${context}`;
    const record: OnlineMeetingRecord = {
      id: Buffer.from(`1*${organiser.id}*0**${threadId}`).toString('base64'),
      organiser,
      threadId,
      joinWebUrl,
      joinMeetingId: String(parseInt(token.slice(0, 10), 16)).padStart(12, '0').slice(0, 12),
      subject: meeting.subject,
      start: meeting.start,
      end: meeting.end,
      attendees: meeting.attendees,
      creationDateTime: formatInstant(this.now()),
    };
    this.meetingsByOrganiser.set(organiser.id, [...(this.meetingsByOrganiser.get(organiser.id) ?? []), record]);
    this.chats.set(threadId, {
      id: threadId, chatType: 'meeting', topic: meeting.subject, createdDateTime: record.creationDateTime,
      meeting: { joinWebUrl, organiser }, installations: new Map(), tabs: new Map(),
    });
    return record;
  }

  onlineMeetingsOf(organiserId: string): OnlineMeetingRecord[] {
    return this.meetingsByOrganiser.get(organiserId) ?? [];
  }

  recordNotification(mailbox: string, body: unknown): void {
    this.notifications.push({ mailbox, at: formatInstant(this.now()), body });
  }
}
