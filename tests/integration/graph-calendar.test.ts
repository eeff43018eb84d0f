import { createGraphCalendar } from '../../src/adapters/graph/calendar';
import { createGraphClient } from '../../src/adapters/graph/client';
import { parseUserId, type UserId } from '../../src/domain/ids';
import { MailboxUnavailableError, type NewCalendarEvent } from '../../src/ports/calendar';
import { loadDemoOrganisation, parseDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { startGraphSandbox, type RunningGraphSandbox, type SandboxRequestRecord } from '../../tools/graph-sandbox/server';

// Over real HTTP against the Graph sandbox, seeded around a fixed "today" (Wednesday 14 January 2026,
// winter: London = UTC, New York = UTC−5, Kolkata = UTC+5:30). The demo organisation gets 8 extra people
// with empty calendars (25 in all, for getSchedule's 20-schedule chunks), one of them in a zone no IANA
// name matches. Saturday 17 January has no seeded meetings: new events go there.

const NOW = new Date('2026-01-14T12:00:00Z');
const TEAMS_APP_ID = '0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3';
const NOBODY = '00000000-0000-4000-8000-000000000000' as UserId; // a well-formed object id no one has

const demo = loadDemoOrganisation();
const extraPeople: DemoPerson[] = Array.from({ length: 8 }, (_, i) => ({
  id: `9a000000-0000-4000-8000-00000000000${i}`,
  displayName: `Extra Person ${i}`,
  givenName: `Extra${i}`,
  surname: 'Person',
  userPrincipalName: `extra.${i}@contoso.example`,
  mail: `extra.${i}@contoso.example`,
  jobTitle: 'Analyst',
  department: 'Operations',
  team: demo.people[0]?.team ?? 'leadership',
  role: 'product-operations',
  timeZone: 'Europe/London',
  // Extra0's mailbox uses a custom zone, as Outlook writes one it has no Windows id for.
  windowsTimeZone: i === 0 ? 'Customized Time Zone' : 'GMT Standard Time',
  workingHours: { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '08:00', endTime: '16:00' },
  managerId: null,
  programmeOwner: false,
  admin: false,
}));
const organisation = parseDemoOrganisation({ ...demo, people: [...demo.people, ...extraPeople] });

let sandbox: RunningGraphSandbox;

function person(givenName: string): DemoPerson {
  const found = organisation.people.find((p) => p.givenName === givenName);
  if (!found) throw new Error(`no ${givenName} in the organisation`);
  return found;
}
function userIdOf(givenName: string): UserId {
  const id = parseUserId(person(givenName).id);
  if (!id) throw new Error(`${givenName} has no object id`);
  return id;
}
function calendar(options?: Parameters<typeof createGraphCalendar>[1]) {
  return createGraphCalendar(createGraphClient({ baseUrl: sandbox.url, credential: { kind: 'sandbox' } }), options);
}
function requestsSince(index: number): SandboxRequestRecord[] {
  return sandbox.control.requests().slice(index);
}

/** Half-hour events on Saturday 17 January from 06:00Z, transactionIds `<prefix>-<n>`. */
function practiceBlocks(prefix: string, count: number, overrides: Partial<NewCalendarEvent> = {}): NewCalendarEvent[] {
  return Array.from({ length: count }, (_, n) => {
    const start = new Date(Date.UTC(2026, 0, 17, 6, 30 * n));
    return {
      transactionId: `${prefix}-${n}`,
      subject: `AI practice: summariser for weekly reports (${n + 1})`,
      bodyHtml: '<p>Protected practice time. <a href="https://practice-loop.example/dashboard">Dashboard</a></p>',
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * 60_000).toISOString(),
      showAs: 'busy',
      categories: ['Practice Loop'],
      reminderMinutesBeforeStart: 10,
      ...overrides,
    };
  });
}

beforeAll(async () => {
  sandbox = await startGraphSandbox({ port: 0, organisation, now: () => NOW });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  // Every request the adapter sent kept to the OpenAPI description (Prefer header and $batch items included).
  expect(sandbox.control.invalidRequests()).toEqual([]);
});

describe('getWorkingHours', () => {
  it.each([
    ['Amara', 'Europe/London', ['monday', 'tuesday', 'wednesday', 'thursday', 'friday']],
    ['Maya', 'America/New_York', undefined],
    ['Arjun', 'Asia/Kolkata', undefined],
  ])("reads %s's hours in their own zone, as IANA (%s)", async (givenName, zone, days) => {
    const who = person(givenName);

    const hours = await calendar().getWorkingHours(userIdOf(givenName));

    expect(hours).toEqual({
      daysOfWeek: days ?? who.workingHours.daysOfWeek,
      startTime: who.workingHours.startTime,
      endTime: who.workingHours.endTime,
      timeZone: zone,
      timeZoneKnown: true,
    });
  });

  it('hands back the raw name, marked unknown, for a zone with no IANA equivalent', async () => {
    const hours = await calendar().getWorkingHours(userIdOf('Extra0'));

    expect(hours).toMatchObject({ startTime: '08:00', endTime: '16:00', timeZone: 'Customized Time Zone', timeZoneKnown: false });
  });

  it('reports a mailbox that does not exist as unavailable', async () => {
    const failure = calendar().getWorkingHours(NOBODY);

    await expect(failure).rejects.toBeInstanceOf(MailboxUnavailableError);
    await expect(failure).rejects.toMatchObject({ mailbox: NOBODY, reason: expect.stringContaining('404') });
  });
});

describe('getBusy', () => {
  const week = { start: '2026-01-19T00:00:00.000Z', end: '2026-01-24T00:00:00.000Z' };

  it('returns the seeded meetings of a person as UTC intervals', async () => {
    const hannah = userIdOf('Hannah');

    const busy = await calendar().getBusy([hannah], week);

    // People sync Tue/Thu 10:00, lunch & learn Wed 12:30 (tentative), 1:1 Wed 14:00, all-hands Thu 13:00 (ISO week 4).
    expect(busy.get(hannah)).toEqual([
      { start: '2026-01-20T10:00:00.000Z', end: '2026-01-20T10:30:00.000Z' },
      { start: '2026-01-21T12:30:00.000Z', end: '2026-01-21T13:15:00.000Z' },
      { start: '2026-01-21T14:00:00.000Z', end: '2026-01-21T14:30:00.000Z' },
      { start: '2026-01-22T10:00:00.000Z', end: '2026-01-22T10:30:00.000Z' },
      { start: '2026-01-22T13:00:00.000Z', end: '2026-01-22T13:45:00.000Z' },
    ]);
  });

  it('counts working elsewhere as busy, merges overlaps and converts every zone to UTC', async () => {
    const [sofia, arjun, maya] = [userIdOf('Sofia'), userIdOf('Arjun'), userIdOf('Maya')];

    const busy = await calendar().getBusy([sofia, arjun, maya], week);

    // Customer calls Tue 13:30–15:30 swallow the 14:30 stand-up; the client visit Thu 09:00–12:00 is workingElsewhere.
    expect(busy.get(sofia)).toEqual(expect.arrayContaining([
      { start: '2026-01-20T13:30:00.000Z', end: '2026-01-20T15:30:00.000Z' },
      { start: '2026-01-22T09:00:00.000Z', end: '2026-01-22T12:00:00.000Z' },
    ]));
    expect(busy.get(sofia)).not.toContainEqual(expect.objectContaining({ start: '2026-01-20T14:30:00.000Z' }));
    // Engineering stand-up 14:30 in Kolkata = 09:00Z; marketing stand-up 09:30 in New York = 14:30Z.
    expect(busy.get(arjun)).toContainEqual({ start: '2026-01-19T09:00:00.000Z', end: '2026-01-19T09:15:00.000Z' });
    expect(busy.get(maya)).toContainEqual({ start: '2026-01-19T14:30:00.000Z', end: '2026-01-19T14:45:00.000Z' });
    for (const intervals of busy.values()) {
      for (const [i, interval] of intervals.entries()) {
        expect(interval.start < interval.end).toBe(true);
        if (i > 0) expect(intervals[i - 1]!.end < interval.start).toBe(true);
      }
    }
  });

  it('asks about 25 people in two getSchedule requests', async () => {
    const everyone = organisation.people.map((p) => parseUserId(p.id)!);
    const before = sandbox.control.requests().length;

    const busy = await calendar().getBusy(everyone, week);

    expect(everyone).toHaveLength(25);
    const schedules = requestsSince(before).filter((r) => r.operationId === 'users.user.calendar.getSchedule');
    expect(schedules.map((r) => r.status)).toEqual([200, 200]);
    expect([...busy.keys()].sort()).toEqual([...everyone].sort());
    expect(busy.get(userIdOf('Extra3'))).toEqual([]);
    expect(busy.get(userIdOf('Hannah'))).toHaveLength(5);
  });

  it('splits a window of 62 days or more into pieces Graph accepts and joins the answers', async () => {
    const hannah = userIdOf('Hannah');
    const before = sandbox.control.requests().length;

    const busy = await calendar().getBusy([hannah], { start: '2026-01-05T00:00:00.000Z', end: '2026-03-09T00:00:00.000Z' });

    expect(requestsSince(before).filter((r) => r.operationId === 'users.user.calendar.getSchedule').map((r) => r.status)).toEqual([200, 200]);
    const intervals = busy.get(hannah) ?? [];
    // Every week of the seeded range (up to 8 weeks after today) has the Tuesday people sync.
    expect(intervals.filter((i) => /T10:00:00.000Z$/.test(i.start) && new Date(i.start).getUTCDay() === 2)).toHaveLength(9);
    expect(intervals).toContainEqual({ start: '2026-01-20T10:00:00.000Z', end: '2026-01-20T10:30:00.000Z' });
  });

  it('reports a person the directory does not know as unavailable', async () => {
    const failure = calendar().getBusy([userIdOf('Hannah'), NOBODY], week);

    await expect(failure).rejects.toBeInstanceOf(MailboxUnavailableError);
    await expect(failure).rejects.toMatchObject({ mailbox: NOBODY });
  });
});

describe('createEvents', () => {
  it('creates 7 events in one $batch and returns their ids in input order', async () => {
    const priya = userIdOf('Priya');
    const events = practiceBlocks('exp-1-w1', 7);
    const before = sandbox.control.requests().length;

    const created = await calendar().createEvents(priya, events);

    expect(created.map((c) => c.transactionId)).toEqual(events.map((e) => e.transactionId));
    expect(new Set(created.map((c) => c.eventId)).size).toBe(7);
    expect(created.every((c) => c.joinUrl === null && c.chatId === null)).toBe(true);
    const sent = requestsSince(before);
    expect(sent.filter((r) => !r.inBatch).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1.0/$batch']);
    expect(sent.filter((r) => r.inBatch).map((r) => `${r.operationId} ${r.status}`)).toEqual(Array(7).fill('users.CreateEvents 201'));
    const stored = sandbox.control.events(priya).filter((e) => String(e.transactionId).startsWith('exp-1-w1-'));
    const first = stored.find((e) => e.transactionId === 'exp-1-w1-0');
    expect(first).toMatchObject({
      id: created[0]?.eventId,
      subject: events[0]?.subject,
      body: { contentType: 'html', content: events[0]?.bodyHtml },
      start: { dateTime: '2026-01-17T06:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2026-01-17T06:30:00.0000000', timeZone: 'UTC' },
      showAs: 'busy',
      categories: ['Practice Loop'],
      isReminderOn: true,
      reminderMinutesBeforeStart: 10,
    });
  });

  it('returns the same ids when the same 7 are created again, and the mailbox still holds 7', async () => {
    const tom = userIdOf('Tom');
    const events = practiceBlocks('exp-2-w1', 7);
    const port = calendar();

    const first = await port.createEvents(tom, events);
    const second = await port.createEvents(tom, events);

    expect(second).toEqual(first);
    expect(sandbox.control.events(tom).filter((e) => String(e.transactionId).startsWith('exp-2-w1-'))).toHaveLength(7);
  });

  it('creates each event exactly once while Graph throttles items of the batch', async () => {
    const grace = userIdOf('Grace');
    const events = practiceBlocks('exp-3-w1', 7);
    const before = sandbox.control.requests().length;
    sandbox.control.injectFaults({ status: 429, count: 5, retryAfterSeconds: 1 });

    const created = await calendar().createEvents(grace, events);

    expect(created).toHaveLength(7);
    const sent = requestsSince(before);
    expect(sent.filter((r) => r.inBatch && r.status === 429)).toHaveLength(5);
    // The 2 items that went through are kept; only the 5 throttled ones are sent again, in a second batch.
    expect(sent.filter((r) => r.path === '/v1.0/$batch')).toHaveLength(2);
    expect(sent.filter((r) => r.inBatch && r.status === 201)).toHaveLength(7);
    const stored = sandbox.control.events(grace).filter((e) => String(e.transactionId).startsWith('exp-3-w1-'));
    expect(stored.map((e) => e.transactionId).sort()).toEqual(events.map((e) => e.transactionId).sort());
    expect(stored.map((e) => e.id).sort()).toEqual(created.map((c) => c.eventId).sort());
  });

  it('retries items answered 503 as well', async () => {
    const ben = userIdOf('Ben');
    sandbox.control.injectFaults({ status: 503, count: 2, retryAfterSeconds: 0, mailbox: ben });

    const created = await calendar().createEvents(ben, practiceBlocks('exp-4-w1', 3));

    expect(created).toHaveLength(3);
    expect(sandbox.control.events(ben).filter((e) => String(e.transactionId).startsWith('exp-4-w1-'))).toHaveLength(3);
  });

  it('sends 25 events as two batches, one mailbox batch at a time, so Outlook never throttles', async () => {
    const oliver = userIdOf('Oliver');
    const port = calendar();
    const before = sandbox.control.requests().length;
    sandbox.control.setServiceTime(20);
    try {
      // Two callers at once for one mailbox: 45 items, never more than 4 in flight for Oliver.
      const [many, more] = await Promise.all([
        port.createEvents(oliver, practiceBlocks('exp-5-w1', 25)),
        port.createEvents(oliver, practiceBlocks('exp-5-w2', 20, { categories: ['Practice Loop', 'Week 2'] })),
      ]);
      expect(many).toHaveLength(25);
      expect(more).toHaveLength(20);
    } finally {
      sandbox.control.setServiceTime(0);
    }
    const sent = requestsSince(before);
    expect(sent.filter((r) => r.path === '/v1.0/$batch')).toHaveLength(3);
    expect(sent.filter((r) => r.status === 429)).toEqual([]);
  });

  it('creates a single event with a plain POST', async () => {
    const emily = userIdOf('Emily');
    const before = sandbox.control.requests().length;

    const [created] = await calendar().createEvents(emily, practiceBlocks('exp-6-w1', 1, { reminderMinutesBeforeStart: undefined, showAs: 'tentative' }));

    expect(requestsSince(before).map((r) => `${r.method} ${r.operationId} ${r.status}`)).toEqual(['POST users.CreateEvents 201']);
    expect(sandbox.control.events(emily).find((e) => e.id === created?.eventId)).toMatchObject({ isReminderOn: false, showAs: 'tentative' });
  });

  it('creates an online meeting and returns its join link and meeting chat id', async () => {
    const amara = userIdOf('Amara');
    const attendees = [person('Priya'), person('Neha')].map((p) => ({ email: p.mail, name: p.displayName }));
    const shareback = practiceBlocks('round-1-shareback', 1, { subject: 'Practice Loop shareback', showAs: 'busy', attendees, onlineMeeting: true });

    const [created] = await calendar().createEvents(amara, shareback);

    expect(created?.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    expect(created?.chatId).toMatch(/^19:meeting_[A-Za-z0-9]+@thread\.v2$/);
    expect(created?.joinUrl).toContain(encodeURIComponent(created?.chatId ?? '?'));
    expect(sandbox.control.events(amara).find((e) => e.id === created?.eventId)).toMatchObject({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
    // Attendees get a copy of the meeting in their own calendars.
    expect(sandbox.control.events(person('Neha').id).filter((e) => e.subject === 'Practice Loop shareback')).toHaveLength(1);
  });

  it('reports a mailbox that does not exist as unavailable, alone or in a batch', async () => {
    const port = calendar();

    await expect(port.createEvents(NOBODY, practiceBlocks('exp-7-w1', 1))).rejects.toMatchObject({ name: 'MailboxUnavailableError', mailbox: NOBODY });
    await expect(port.createEvents(NOBODY, practiceBlocks('exp-7-w1', 3))).rejects.toMatchObject({ name: 'MailboxUnavailableError', mailbox: NOBODY });
  });
});

describe('listEvents', () => {
  it('returns the created events with their transactionId, times in UTC, following nextLink', async () => {
    const carlos = userIdOf('Carlos');
    const events = practiceBlocks('exp-8-w1', 7);
    const created = await calendar().createEvents(carlos, events);
    const before = sandbox.control.requests().length;

    const listed = await calendar({ listPageSize: 3 }).listEvents(carlos, { start: '2026-01-17T00:00:00Z', end: '2026-01-18T00:00:00Z' });

    expect(listed).toEqual(
      events.map((event, i) => ({
        eventId: created[i]?.eventId,
        transactionId: event.transactionId,
        subject: event.subject,
        start: event.start,
        end: event.end,
        showAs: 'busy',
        isCancelled: false,
        categories: ['Practice Loop'],
        responseStatus: 'organizer',
      })),
    );
    const pages = requestsSince(before).filter((r) => r.operationId === 'users.ListCalendarView');
    expect(pages).toHaveLength(3);
    expect(pages[0]?.query).toContain('$select=');
  });

  it('lists seeded meetings too, with no transactionId', async () => {
    const hannah = userIdOf('Hannah');

    const listed = await calendar().listEvents(hannah, { start: '2026-01-20T00:00:00.000Z', end: '2026-01-21T00:00:00.000Z' });

    expect(listed).toEqual([
      expect.objectContaining({ subject: 'People team sync', transactionId: null, start: '2026-01-20T10:00:00.000Z', responseStatus: 'notResponded' }),
    ]);
  });
});

describe('updateAttendees', () => {
  it('replaces the attendees, so the new attendee gets the meeting and the removed one loses it', async () => {
    const daniel = userIdOf('Daniel');
    const [sofia, jordan] = [person('Sofia'), person('Jordan')];
    const port = calendar();
    const [created] = await port.createEvents(daniel, practiceBlocks('round-2-shareback', 1, { attendees: [{ email: sofia.mail, name: sofia.displayName }], onlineMeeting: true }));
    const eventId = created?.eventId ?? '';

    await port.updateAttendees(daniel, eventId, [{ email: jordan.mail, name: jordan.displayName }]);

    const copies = (who: DemoPerson) => sandbox.control.events(who.id).filter((e) => e.start && (e.start as { dateTime: string }).dateTime.startsWith('2026-01-17T06:00'));
    expect(copies(jordan)).toHaveLength(1);
    expect(copies(sofia)).toHaveLength(0);
  });

  it('says which event is missing rather than blaming the mailbox', async () => {
    const failure = calendar().updateAttendees(userIdOf('Daniel'), 'AAMkAGI2doesnotexistAAA=', []);

    await expect(failure).rejects.toThrow(/event AAMkAGI2doesnotexistAAA= for mailbox .* \(404/);
    await expect(failure).rejects.not.toBeInstanceOf(MailboxUnavailableError);
  });
});

describe('deleteEvent', () => {
  it('deletes an event, and deleting it again succeeds', async () => {
    const rohan = userIdOf('Rohan');
    const port = calendar();
    const [created] = await port.createEvents(rohan, practiceBlocks('exp-9-w1', 1));
    const eventId = created?.eventId ?? '';

    await port.deleteEvent(rohan, eventId);
    await port.deleteEvent(rohan, eventId);

    expect(sandbox.control.events(rohan).filter((e) => e.id === eventId)).toEqual([]);
    // Deleted, the transactionId is free again: a new create makes a new event.
    const [again] = await port.createEvents(rohan, practiceBlocks('exp-9-w1', 1));
    expect(again?.eventId).not.toBe(eventId);
  });
});

describe('addAppToMeetingChat', () => {
  it('installs the app and adds one tab, however often it is asked', async () => {
    const arjun = userIdOf('Arjun');
    const port = calendar();
    const [meeting] = await port.createEvents(arjun, practiceBlocks('round-3-shareback', 1, { onlineMeeting: true }));
    const chatId = meeting?.chatId ?? '';
    const tab = { displayName: 'Shareback', contentUrl: 'https://practice-loop.example/tab/shareback?round=3', websiteUrl: 'https://practice-loop.example/rounds/3', entityId: 'shareback-3' };
    const before = sandbox.control.requests().length;

    await port.addAppToMeetingChat(chatId, TEAMS_APP_ID, tab);
    await port.addAppToMeetingChat(chatId, TEAMS_APP_ID, tab);

    expect(requestsSince(before).map((r) => `${r.method} ${r.operationId} ${r.status}`)).toEqual([
      'POST chats.CreateInstalledApps 201',
      'GET chats.ListTabs 200',
      'POST chats.CreateTabs 201',
      'POST chats.CreateInstalledApps 409',
      'GET chats.ListTabs 200',
    ]);
    const response = await fetch(`${sandbox.url}/v1.0/chats/${encodeURIComponent(chatId)}/tabs?$expand=teamsApp`, { headers: { Authorization: 'Bearer test' } });
    const tabs = ((await response.json()) as { value: { displayName: string; configuration: Record<string, unknown>; teamsApp: { id: string } }[] }).value; // the sandbox's own answer
    expect(tabs).toEqual([
      expect.objectContaining({
        displayName: 'Shareback',
        configuration: { entityId: 'shareback-3', contentUrl: tab.contentUrl, websiteUrl: tab.websiteUrl },
        teamsApp: expect.objectContaining({ id: TEAMS_APP_ID }),
      }),
    ]);
  });

  it('names the chat when it does not exist', async () => {
    await expect(calendar().addAppToMeetingChat('19:meeting_nothere@thread.v2', TEAMS_APP_ID, { displayName: 'x', contentUrl: 'https://x.example', websiteUrl: 'https://x.example', entityId: 'x' }))
      .rejects.toThrow(/meeting chat 19:meeting_nothere@thread\.v2 \(404/);
  });
});
