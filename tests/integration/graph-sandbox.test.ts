import { z } from 'zod';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { getGraphContract } from '../../tools/graph-sandbox/contract/graphContract';
import { startGraphSandbox, type RunningGraphSandbox } from '../../tools/graph-sandbox/server';

// Over real HTTP against a sandbox on a free port, seeded relative to a fixed "today"
// (Wednesday 14 January 2026). Saturday 17 January has no seeded meetings, so new events there
// are the only busy time.

const NOW = new Date('2026-01-14T12:00:00Z');
const organisation = loadDemoOrganisation();
const person = (givenName: string) => {
  const found = organisation.people.find((p) => p.givenName === givenName);
  if (!found) throw new Error(`no ${givenName} in the demo organisation`);
  return found;
};
const sofia = person('Sofia');
const daniel = person('Daniel');
const amara = person('Amara');
const neha = person('Neha');

let sandbox: RunningGraphSandbox;
/** Requests this file sends on purpose against the contract: `METHOD /v1.0/path`. */
const deliberatelyInvalid: string[] = [];

beforeAll(async () => {
  sandbox = await startGraphSandbox({ now: () => NOW });
});
afterAll(async () => {
  await sandbox.close();
});

interface GraphAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  /** The JSON value at a path: answer.at('value', 0, 'id'). */
  at(...path: (string | number)[]): unknown;
  /** The string at a path ('' if there is none). */
  text(...path: (string | number)[]): string;
}

const batchResponses = z.array(z.object({ id: z.string(), status: z.number(), headers: z.record(z.string()).optional(), body: z.unknown() }));

/** A Graph call as the app makes it (bearer token, JSON); the answer is checked against the description too. */
async function graph(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<GraphAnswer> {
  const response = await fetch(`${sandbox.url}/v1.0${path}`, {
    method,
    headers: { Authorization: 'Bearer dev-token', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = await response.text();
  const json: unknown = raw ? JSON.parse(raw) : undefined;
  const at = (...path: (string | number)[]) =>
    path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined), json); // walking parsed JSON
  const text = (...path: (string | number)[]) => {
    const value = at(...path);
    return typeof value === 'string' ? value : '';
  };
  const answer: GraphAnswer = { status: response.status, headers: response.headers, body: json, at, text };
  expectAnswerInDescribedShape(method, path, answer);
  return answer;
}

async function invalidGraph(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<GraphAnswer> {
  deliberatelyInvalid.push(`${method} /v1.0${path.split('?')[0]}`);
  return graph(method, path, body, headers);
}

/**
 * The description gives these creates an installation body, but Graph answers 201 with no body
 * ("Add app for user"/"Add app to chat" on Learn), and so does the sandbox.
 */
const ANSWERED_WITHOUT_A_BODY = new Set(['users.teamwork.CreateInstalledApps', 'chats.CreateInstalledApps']);

function expectAnswerInDescribedShape(method: string, path: string, answer: GraphAnswer): void {
  const contract = getGraphContract();
  const segments = path.split('?')[0]?.split('/').filter(Boolean).map(decodeURIComponent) ?? [];
  const match = contract.match(method, segments);
  if (match.kind !== 'operation') return;
  if (answer.status === 201 && ANSWERED_WITHOUT_A_BODY.has(match.operation.operationId)) {
    expect(answer.body).toBeUndefined();
    return;
  }
  expect({ request: `${method} ${path}`, problems: contract.validateResponse(match.operation, answer.status, answer.body) }).toEqual({ request: `${method} ${path}`, problems: [] });
}

const saturday = (time: string) => ({ dateTime: `2026-01-17T${time}:00`, timeZone: 'GMT Standard Time' });
const anEvent = (overrides: Record<string, unknown> = {}) => ({
  subject: 'Practice: draft a prompt library',
  body: { contentType: 'text', content: 'Practice time booked by Practice Loop.' },
  start: saturday('10:00'),
  end: saturday('11:00'),
  showAs: 'busy',
  categories: ['Practice Loop'],
  ...overrides,
});
const scheduleOf = (address: string, casing: 'camel' | 'Pascal' = 'camel', interval = 30) =>
  casing === 'camel'
    ? { schedules: [address], startTime: saturday('09:00'), endTime: saturday('12:00'), availabilityViewInterval: interval }
    : { Schedules: [address], StartTime: saturday('09:00'), EndTime: saturday('12:00'), AvailabilityViewInterval: interval };
const eventsPath = (upn: string) => `/users/${encodeURIComponent(upn)}/events`;

describe('Graph sandbox: contract checks', () => {
  it('rejects an event whose showAs is not a free/busy status, naming the field', async () => {
    const answer = await invalidGraph('POST', eventsPath(sofia.userPrincipalName), anEvent({ showAs: 'sometimes' }));
    expect(answer.status).toBe(400);
    expect(answer.text('error', 'code')).toBe('BadRequest');
    expect(answer.text('error', 'message')).toMatch(/'showAs' must be one of .*busy.*\(got "sometimes"\)/);
  });

  it('rejects an event whose start is a number, naming the field', async () => {
    const answer = await invalidGraph('POST', eventsPath(sofia.userPrincipalName), anEvent({ start: 1768644000 }));
    expect(answer.status).toBe(400);
    expect(answer.text('error', 'message')).toContain("'start' must be object");
  });

  it('answers 501 naming the method and path of an operation the description does not have', async () => {
    const answer = await invalidGraph('GET', `/users/${sofia.id}/messages`);
    expect(answer.status).toBe(501);
    expect(answer.text('error', 'message')).toContain(`GET /users/${sofia.id}/messages`);
  });

  it('answers 401 to a request without a bearer token', async () => {
    deliberatelyInvalid.push('GET /v1.0/users');
    const response = await fetch(`${sandbox.url}/v1.0/users`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('answers the health check at /v1.0/ and /_sandbox/health', async () => {
    expect((await fetch(`${sandbox.url}/v1.0/`)).status).toBe(200);
    expect(await (await fetch(`${sandbox.url}/_sandbox/health`)).json()).toEqual({ status: 'ok' });
  });
});

describe('Graph sandbox: calendars', () => {
  it('shows a created event as busy in getSchedule and returns it from calendarView', async () => {
    const created = await graph('POST', eventsPath(sofia.userPrincipalName), anEvent({ transactionId: 'busy-check' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), iCalUId: expect.any(String), changeKey: expect.any(String), '@odata.etag': expect.stringMatching(/^W\//) });

    const schedule = await graph('POST', `/users/${sofia.id}/calendar/getSchedule`, scheduleOf(sofia.mail));
    expect(schedule.status).toBe(200);
    // 09:00–12:00 London in 30-minute slots; busy 10:00–11:00 → slots 3 and 4
    expect(schedule.at('value', 0)).toMatchObject({ scheduleId: sofia.mail, availabilityView: '002200', scheduleItems: [{ status: 'busy', subject: 'Practice: draft a prompt library' }] });
    expect(schedule.at('value', 0, 'workingHours')).toMatchObject({ startTime: '09:00:00.0000000', timeZone: { name: 'GMT Standard Time' } });

    const view = await graph('GET', `/users/${sofia.id}/calendarView?startDateTime=2026-01-17T00:00:00Z&endDateTime=2026-01-18T00:00:00Z&$select=subject,start,end`);
    expect(view.status).toBe(200);
    expect(view.at('value')).toEqual([expect.objectContaining({ id: created.text('id'), subject: 'Practice: draft a prompt library', start: { dateTime: '2026-01-17T10:00:00.0000000', timeZone: 'UTC' } })]);
  });

  it('returns the first event for a repeated transactionId and never stores a duplicate', async () => {
    const event = anEvent({ subject: 'Replay-safe block', start: saturday('14:00'), end: saturday('15:00'), transactionId: 'experiment-42/block-1' });
    const first = await graph('POST', eventsPath(daniel.userPrincipalName), event);
    const second = await graph('POST', eventsPath(daniel.userPrincipalName), event);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.text('id')).toBe(first.text('id'));
    expect(sandbox.control.events(daniel.id).filter((e) => e.transactionId === 'experiment-42/block-1')).toHaveLength(1);
  });

  it("puts a meeting in each attendee's calendar, follows the organiser's changes and removes it with the organiser's delete", async () => {
    const meeting = await graph('POST', eventsPath(amara.userPrincipalName), anEvent({
      subject: 'Shareback rehearsal', start: saturday('12:00'), end: saturday('12:30'),
      attendees: [{ type: 'required', emailAddress: { address: neha.mail } }],
    }));
    const copies = () => sandbox.control.events(neha.id).filter((e) => e.iCalUId === meeting.text('iCalUId'));
    expect(copies()).toEqual([expect.objectContaining({ subject: 'Shareback rehearsal', isOrganizer: false })]);
    expect(copies()[0]?.id).not.toBe(meeting.text('id'));

    const patched = await graph('PATCH', `${eventsPath(amara.userPrincipalName)}/${encodeURIComponent(meeting.text('id'))}`, { subject: 'Shareback rehearsal (moved)', end: saturday('13:00') });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ subject: 'Shareback rehearsal (moved)', body: { content: 'Practice time booked by Practice Loop.' } });
    expect(copies()).toEqual([expect.objectContaining({ subject: 'Shareback rehearsal (moved)', end: { dateTime: '2026-01-17T13:00:00.0000000', timeZone: 'UTC' } })]);

    const deleted = await graph('DELETE', `${eventsPath(amara.userPrincipalName)}/${encodeURIComponent(meeting.text('id'))}`);
    expect(deleted.status).toBe(204);
    expect(copies()).toEqual([]);
    expect((await graph('GET', `${eventsPath(amara.userPrincipalName)}/${encodeURIComponent(meeting.text('id'))}`)).status).toBe(404);
  });

  it('gives an online-meeting event a join link that carries the meeting chat thread id', async () => {
    const created = await graph('POST', eventsPath(amara.userPrincipalName), anEvent({ subject: 'Shareback', isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' }));
    const joinUrl = created.text('onlineMeeting', 'joinUrl');
    const threadId = decodeURIComponent(/meetup-join\/([^/]+)\//.exec(joinUrl)?.[1] ?? '');
    expect(threadId).toMatch(/^19:meeting_[A-Za-z0-9]+@thread\.v2$/);
    expect(joinUrl).toContain(encodeURIComponent(threadId));
    const meetings = await graph('GET', `/users/${amara.id}/onlineMeetings?$filter=${encodeURIComponent(`JoinWebUrl eq '${joinUrl}'`)}`);
    expect(meetings.at('value')).toEqual([expect.objectContaining({ joinWebUrl: joinUrl, chatInfo: expect.objectContaining({ threadId }) })]);
  });

  it('accepts getSchedule parameters in camelCase and in PascalCase', async () => {
    const camel = await graph('POST', `/users/${sofia.id}/calendar/getSchedule`, scheduleOf(sofia.mail, 'camel'));
    const pascal = await graph('POST', `/users/${sofia.id}/calendar/microsoft.graph.getSchedule`, scheduleOf(sofia.mail, 'Pascal'));
    expect(camel.status).toBe(200);
    expect(pascal.body).toEqual(camel.body);
  });

  it('refuses a getSchedule window of 62 days or more', async () => {
    const answer = await graph('POST', `/users/${sofia.id}/calendar/getSchedule`, {
      schedules: [sofia.mail], startTime: { dateTime: '2026-01-01T00:00:00', timeZone: 'UTC' }, endTime: { dateTime: '2026-03-04T00:00:00', timeZone: 'UTC' },
    });
    expect(answer.status).toBe(400);
    expect(answer.text('error', 'code')).toBe('ErrorTimeIntervalTooBig');
  });
});

describe('Graph sandbox: throttling and faults', () => {
  it('refuses a fifth concurrent request to one mailbox with 429 and Retry-After while four succeed', async () => {
    // Each request holds its slot for a second, so all five overlap even on a busy machine.
    sandbox.control.setServiceTime(1000);
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => graph('GET', `/users/${neha.id}/mailboxSettings`)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 429]);
      const refused = answers.find((a) => a.status === 429);
      expect(refused?.text('error', 'code')).toBe('ApplicationThrottled');
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      sandbox.control.setServiceTime(0);
    }
  });

  it('answers an injected 503 with Retry-After, then serves the retry', async () => {
    sandbox.control.injectFaults({ status: 503, count: 1, retryAfterSeconds: 2, mailbox: sofia.userPrincipalName });
    const failed = await graph('GET', `/users/${sofia.id}/mailboxSettings`);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('2');
    expect((await graph('GET', `/users/${sofia.id}/mailboxSettings`)).status).toBe(200);
  });
});

describe('Graph sandbox: JSON batching', () => {
  const item = (id: string, url: string) => ({ id, method: 'GET', url });

  it('refuses a batch of 21 requests with 400', async () => {
    deliberatelyInvalid.push('POST /v1.0/$batch');
    const answer = await graph('POST', '/$batch', { requests: Array.from({ length: 21 }, (_, i) => item(String(i + 1), `/users/${sofia.id}`)) });
    expect(answer.status).toBe(400);
    expect(answer.text('error', 'message')).toContain('at most 20');
  });

  it("answers an invalid item with that item's 400 inside a 200 batch", async () => {
    deliberatelyInvalid.push(`POST /v1.0/users/${sofia.id}/events`);
    const answer = await graph('POST', '/$batch', {
      requests: [
        item('1', `users/${sofia.id}/mailboxSettings`),
        { id: '2', method: 'POST', url: `/users/${sofia.id}/events`, headers: { 'Content-Type': 'application/json' }, body: anEvent({ showAs: 'sometimes' }) },
      ],
    });
    expect(answer.status).toBe(200);
    const byId = new Map(batchResponses.parse(answer.at('responses')).map((r) => [r.id, r]));
    expect(byId.get('1')).toMatchObject({ status: 200 });
    expect(byId.get('2')).toMatchObject({ status: 400, body: { error: { code: 'BadRequest', message: expect.stringContaining("'showAs'") } } });
  });

  it('answers 424 for an item whose dependency failed', async () => {
    const answer = await graph('POST', '/$batch', {
      requests: [item('1', '/users/nobody@contoso.example'), { ...item('2', `/users/${sofia.id}`), dependsOn: ['1'] }],
    });
    const statuses = Object.fromEntries(batchResponses.parse(answer.at('responses')).map((r) => [r.id, r.status]));
    expect(statuses).toEqual({ 1: 404, 2: 424 });
  });

  it('throttles each item on its own: 429 inside a 200 batch', async () => {
    sandbox.control.injectFaults({ status: 429, count: 1, retryAfterSeconds: 3, mailbox: daniel.id });
    const answer = await graph('POST', '/$batch', { requests: [item('a', `/users/${daniel.id}/mailboxSettings`), item('b', `/users/${sofia.id}/mailboxSettings`)] });
    expect(answer.status).toBe(200);
    const responses = batchResponses.parse(answer.at('responses'));
    expect(responses.find((r) => r.id === 'a')).toMatchObject({ status: 429, headers: { 'Retry-After': '3' } });
    expect(responses.find((r) => r.id === 'b')).toMatchObject({ status: 200 });
  });
});

describe('Graph sandbox: directory and Teams', () => {
  it('follows the fixture for manager and directReports', async () => {
    const manager = await graph('GET', `/users/${sofia.id}/manager`);
    expect(manager.body).toMatchObject({ '@odata.type': '#microsoft.graph.user', id: daniel.id });
    const reports = await graph('GET', `/users/${daniel.id}/directReports?$select=id,displayName`);
    const expected = organisation.people.filter((p) => p.managerId === daniel.id).map((p) => p.id).sort();
    expect(z.array(z.object({ id: z.string() })).parse(reports.at('value')).map((r) => r.id).sort()).toEqual(expected);
    expect((await graph('GET', `/users/${amara.id}/manager`)).status).toBe(404);
  });

  it('finds a user by userPrincipalName, in any case, and 404s an unknown one', async () => {
    const answer = await graph('GET', `/users/${encodeURIComponent(sofia.userPrincipalName.toUpperCase())}?$select=id,department`);
    expect(answer.body).toMatchObject({ id: sofia.id, department: 'Sales' });
    const unknown = await graph('GET', '/users/nobody@contoso.example');
    expect(unknown.status).toBe(404);
    expect(unknown.text('error', 'code')).toBe('Request_ResourceNotFound');
  });

  it("installs the app for a user, then finds the personal chat's id", async () => {
    const teamsAppId = '7b2e9c1d-aaaa-4bbb-8ccc-1234567890ab';
    const installed = await graph('POST', `/users/${neha.id}/teamwork/installedApps`, { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${teamsAppId}` });
    expect(installed.status).toBe(201);
    const listed = await graph('GET', `/users/${neha.id}/teamwork/installedApps?$expand=teamsApp&$filter=${encodeURIComponent(`teamsApp/id eq '${teamsAppId}'`)}`);
    const installationId = listed.text('value', 0, 'id');
    const chat = await graph('GET', `/users/${neha.id}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`);
    expect(chat.body).toMatchObject({ id: expect.stringMatching(/^19:.+@unq\.gbl\.spaces$/), chatType: 'oneOnOne' });
    const again = await graph('GET', `/users/${neha.id}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`);
    expect(again.text('id')).toBe(chat.text('id'));
  });

  it('installs the app in a meeting chat and pins a tab there, but not before it is installed', async () => {
    const teamsAppId = '22222222-3333-4444-8555-666666666666';
    const bind = { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${teamsAppId}` };
    const meeting = await graph('POST', eventsPath(daniel.userPrincipalName), anEvent({ subject: 'Sales shareback', isOnlineMeeting: true }));
    const chatId = decodeURIComponent(/meetup-join\/([^/]+)\//.exec(meeting.text('onlineMeeting', 'joinUrl'))?.[1] ?? '');
    const chatPath = `/chats/${encodeURIComponent(chatId)}`;
    const tab = { displayName: 'Shareback', ...bind, configuration: { entityId: 'shareback-1', contentUrl: 'https://example.test/tab/shareback', websiteUrl: 'https://example.test/shareback' } };

    expect((await graph('POST', `${chatPath}/tabs`, tab)).status).toBe(400);
    expect((await graph('POST', `${chatPath}/installedApps`, bind)).status).toBe(201);
    expect((await graph('GET', `${chatPath}/installedApps?$expand=teamsApp`)).at('value')).toEqual([expect.objectContaining({ teamsApp: expect.objectContaining({ id: teamsAppId }) })]);
    const pinned = await graph('POST', `${chatPath}/tabs`, tab);
    expect(pinned.status).toBe(201);
    expect(pinned.body).toMatchObject({ id: expect.any(String), displayName: 'Shareback', configuration: { entityId: 'shareback-1' } });
    expect((await graph('GET', `${chatPath}/tabs`)).at('value')).toHaveLength(1);
  });

  it('answers 409 Conflict to installing the same app twice', async () => {
    const body = { 'teamsApp@odata.bind': 'https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/11111111-2222-4333-8444-555555555555' };
    expect((await graph('POST', `/users/${sofia.id}/teamwork/installedApps`, body)).status).toBe(201);
    const second = await graph('POST', `/users/${sofia.id}/teamwork/installedApps`, body);
    expect(second.status).toBe(409);
    expect(second.text('error', 'code')).toBe('Conflict');
  });
});

describe('Graph sandbox: request log', () => {
  it('logged every request of this file as valid, except the deliberate contract breaches', () => {
    const invalid = sandbox.control.invalidRequests().map((r) => `${r.method} ${decodeURIComponent(r.path)}`);
    expect(invalid.sort()).toEqual(deliberatelyInvalid.map(decodeURIComponent).sort());
    expect(sandbox.control.requests().filter((r) => r.valid).length).toBeGreaterThan(30);
  });
});
