import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { eventually } from '../support/eventually';
import { cardOf, cardSubmitActivity, postActivity } from '../support/activities';
import { cardSchemaErrors } from '../support/cardSchema';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';

// Step 3 over real HTTP against the Graph sandbox: an approved plan becomes busy blocks in Outlook, once;
// the shareback is on everyone's calendar from the day the round opens.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Maya Johnson'); // New York; two reports
const participant = byName('Carlos Rivera');
const secondParticipant = byName('Emily Chen');
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';

let stack: TestStack;
let roundId: string;

const as = (person: DemoPerson) => ({ 'content-type': 'application/json', 'x-dev-user': person.id });
async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.service.url}/api${path}`, { method, headers: as(person), body: body === undefined ? undefined : JSON.stringify(body) });
  const json = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  return { status: response.status, json };
}

const selection = {
  frictionPoint: { description: 'Summarising long customer call notes for the CRM', frequency: 'daily', minutesToday: 45 },
  role: 'sales', tool: { kind: 'catalogue', entry: null }, kpi: 'Minutes per call note',
  scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 5, riskSupport: 4 }, supportNamed: 'Maya',
};
const hypothesis = {
  measure: 'Minutes to write one call summary', baseline: { value: 45, unit: 'minutes' }, target: { value: 15, unit: 'minutes' },
  howWeWillKnow: 'I will time ten summaries in the last week and compare.', preferredTimes: 'mornings', blockMinutes: 60,
};

async function approvePlanOf(person: DemoPerson, beforeApproval: () => void = () => undefined): Promise<void> {
  const round = await call(owner, 'GET', `/rounds/${roundId}`);
  const policyVersion = round.json.round.policy.versions.at(-1).version;
  expect((await call(person, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } })).status).toBe(200);
  const catalogueEntry = round.json.round.catalogue.find((t: { id: string }) => t.id === 'm365-copilot');
  const saved = await call(person, 'PUT', `/rounds/${roundId}/me/selection`, { selection: { ...selection, tool: { kind: 'catalogue', entry: catalogueEntry } } });
  expect(saved.status).toBe(200);
  const submitted = await call(person, 'POST', `/rounds/${roundId}/me/submit`, { hypothesis, expectedVersion: saved.json.version });
  expect(submitted.status).toBe(200);
  // The same form sent again is stale now: refused with the experiment as it stands, for the form to show.
  const stale = await call(person, 'POST', `/rounds/${roundId}/me/submit`, { hypothesis, expectedVersion: saved.json.version });
  expect(stale.status).toBe(409);
  expect(stale.json.current).toMatchObject({ state: 'submitted', version: submitted.json.version });
  beforeApproval();
  const approved = await call(manager, 'POST', `/rounds/${roundId}/experiments/${person.id}/review`, { kind: 'approve' });
  expect(approved.status).toBe(200);
  expect(approved.json.state).toBe('approved');
}

async function practiceTimeOf(person: DemoPerson) {
  const round = await call(owner, 'GET', `/rounds/${roundId}`);
  return round.json.people.find((p: { userId: string }) => p.userId === person.id).practiceTime as { status: string; reason: string | null; blocks: number; weeks: Array<{ plannedMinutes: number; targetMinutes: number }> } | null;
}

const practiceEvents = (person: DemoPerson) => stack.sandbox.control.events(person.id).filter((e) => (e.categories as string[] | undefined)?.includes('Practice Loop') && !String(e.subject).startsWith('Practice Loop shareback'));

beforeAll(async () => {
  stack = await startTestStack('booking', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID, TAB_ENDPOINT: 'https://practiceloop.example' } });
  const created = await call(owner, 'POST', '/rounds', aNewRoundBody(organisation, { managerScopes: [manager.id] }));
  roundId = created.json.id;
  expect((await call(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
}, 30_000);

afterAll(async () => { await stack.stop(); });

describe('the shareback meeting', () => {
  it('is a Teams meeting in the owner’s calendar from the day the round opens, with every participant and manager invited and the app’s tab in its chat', async () => {
    const shareback = await eventually(async () => {
      const round = await call(owner, 'GET', `/rounds/${roundId}`);
      expect(round.json.shareback?.tabAdded).toBe(true);
      return round.json.shareback;
    }, { timeoutInMs: 15_000 });
    expect(shareback.joinUrl).toMatch(/meetup-join/);
    const meeting = stack.sandbox.control.events(owner.id).find((e) => String(e.subject).startsWith('Practice Loop shareback'))!;
    const invited = (meeting.attendees as Array<{ emailAddress: { address: string } }>).map((a) => a.emailAddress.address).sort();
    expect(invited).toEqual([manager.mail, participant.mail, secondParticipant.mail].sort());
    // The invitees see it in their own calendars too.
    expect(stack.sandbox.control.events(participant.id).some((e) => String(e.subject).startsWith('Practice Loop shareback'))).toBe(true);
  });
});

describe('booking practice time', () => {
  it('books the approved plan as busy blocks in the participant’s working hours, meeting the weekly hours', async () => {
    await approvePlanOf(participant);
    const booked = await eventually(async () => {
      const time = await practiceTimeOf(participant);
      expect(time?.status).toBe('booked');
      return time!;
    }, { timeoutInMs: 20_000 });
    const events = practiceEvents(participant);
    expect(events).toHaveLength(booked.blocks);
    expect(booked.weeks.every((w) => w.plannedMinutes === w.targetMinutes)).toBe(true);
    for (const event of events) {
      expect(event.showAs).toBe('busy');
      expect(String(event.subject)).toBe('AI practice: Microsoft 365 Copilot for Summarising long customer call notes for the CRM');
      expect(String((event.body as { content: string }).content)).toContain('45 minutes to 15 minutes');
    }
    expect(stack.sandbox.control.invalidRequests()).toEqual([]);
    // …and they are told in chat, week by week.
    await eventually(() => {
      const told = stack.connector.activities.some((a) => JSON.stringify(a.activity).includes('Your practice time is in your calendar') && a.conversationId.includes(participant.id));
      if (!told) throw new Error('not told yet');
    }, { timeoutInMs: 10_000 });
  });

  it('creates nothing twice when the booking job runs again', async () => {
    const before = practiceEvents(participant).length;
    const { createStorageJobQueue } = await import('../../src/adapters/queues/storageJobQueue');
    const { bookingQueueName } = await import('../../src/jobs/handlers');
    const { testConnectionString } = await import('../support/storage');
    const queue = createStorageJobQueue({ connectionString: testConnectionString(), queueName: bookingQueueName(stack.tablePrefix) });
    await queue.send([{ kind: 'calendar.book', id: 'again', payload: { roundId, participantId: participant.id } }]);
    const { QueueClient } = await import('@azure/storage-queue');
    const raw = new QueueClient(testConnectionString(), bookingQueueName(stack.tablePrefix));
    await eventually(async () => expect((await raw.getProperties()).approximateMessagesCount).toBe(0), { timeoutInMs: 10_000 });
    expect(practiceEvents(participant)).toHaveLength(before);
  });

  it('books everything exactly once through a throttling storm', async () => {
    // The storm hits the participant's mailbox, which only the booking touches after approval.
    await approvePlanOf(secondParticipant, () => {
      stack.sandbox.control.injectFaults({ status: 429, count: 4, retryAfterSeconds: 1, mailbox: secondParticipant.id });
      stack.sandbox.control.injectFaults({ status: 503, count: 2, retryAfterSeconds: 1, mailbox: secondParticipant.id });
    });
    const booked = await eventually(async () => {
      const time = await practiceTimeOf(secondParticipant);
      expect(time?.status).toBe('booked');
      return time!;
    }, { timeoutInMs: 30_000 });
    const events = practiceEvents(secondParticipant);
    expect(events).toHaveLength(booked.blocks);
    expect(new Set(events.map((e) => e.transactionId)).size).toBe(events.length);
    const pushedBack = stack.sandbox.control.requests().filter((r) => r.mailbox === secondParticipant.id && (r.status === 429 || r.status === 503));
    expect(pushedBack.length).toBeGreaterThan(0);
  });
});

describe('defending the practice time', () => {
  async function graph(method: string, path: string, body?: unknown) {
    const response = await fetch(`${stack.sandbox.url}/v1.0${path}`, { method, headers: { authorization: 'Bearer test', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(response.status).toBeLessThan(300);
    return response.status === 204 ? null : response.json();
  }

  it('moves a deleted block and a double-booked one into free time in the same week, and tells the participant', async () => {
    const before = practiceEvents(participant).sort((a, b) => String((a.start as { dateTime: string }).dateTime).localeCompare(String((b.start as { dateTime: string }).dateTime)));
    const [deleted, clashing] = [before[0]!, before[1]!];
    await graph('DELETE', `/users/${participant.id}/events/${deleted.id}`);
    // A new meeting lands on top of the second block.
    await graph('POST', `/users/${participant.id}/events`, {
      subject: 'Quarterly pipeline review', showAs: 'busy',
      start: clashing.start, end: clashing.end,
    });
    const { createStorageJobQueue } = await import('../../src/adapters/queues/storageJobQueue');
    const { bookingQueueName } = await import('../../src/jobs/handlers');
    const { testConnectionString } = await import('../support/storage');
    const queue = createStorageJobQueue({ connectionString: testConnectionString(), queueName: bookingQueueName(stack.tablePrefix) });
    await queue.send([{ kind: 'calendar.check', id: 'check-now', payload: { roundId, participantId: participant.id } }]);

    await eventually(() => {
      const told = stack.connector.activities.some((a) => JSON.stringify(a.activity).includes('We moved some of your practice time'));
      if (!told) throw new Error('not told yet');
    }, { timeoutInMs: 15_000 });
    const after = practiceEvents(participant);
    expect(after).toHaveLength(before.length);
    const ids = new Set(after.map((e) => e.id));
    expect(ids.has(deleted.id)).toBe(false);
    expect(ids.has(clashing.id)).toBe(false);
    // Nothing overlaps the new meeting (both are written in UTC), and nothing is booked twice.
    const meetings = stack.sandbox.control.events(participant.id).filter((e) => e.subject === 'Quarterly pipeline review');
    expect(meetings).toHaveLength(1);
    const overlaps = after.filter((block) => meetings.some((m) => String((m.start as { dateTime: string }).dateTime) < String((block.end as { dateTime: string }).dateTime) && String((block.start as { dateTime: string }).dateTime) < String((m.end as { dateTime: string }).dateTime)));
    expect(overlaps).toEqual([]);
    expect(new Set(after.map((e) => e.transactionId)).size).toBe(after.length);
    expect(stack.sandbox.control.invalidRequests()).toEqual([]);
  });

  it('puts a moved block back at its old time when the participant asks', async () => {
    const movedCard = stack.connector.activities.map((a) => cardOf(a.activity)).find((c) => JSON.stringify(c).includes('undoMove'))!;
    expect(cardSchemaErrors(movedCard)).toEqual([]);
    const undo = JSON.stringify(movedCard).match(/\{"verb":"undoMove"[^}]*\}/)![0];
    const data = JSON.parse(undo) as { fromStart: string };
    const before = practiceEvents(participant).length;
    const response = await postActivity(stack.service.url, cardSubmitActivity({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person: participant }, JSON.parse(undo)));
    expect(response.status).toBe(200);
    await stack.connector.waitFor(`a:${participant.id}`);
    const after = practiceEvents(participant);
    expect(after).toHaveLength(before);
    expect(after.some((e) => `${String((e.start as { dateTime: string }).dateTime).slice(0, 19)}` === data.fromStart.slice(0, 19))).toBe(true);
  });
});

describe('extending the window', () => {
  it('adds blocks for the added days and keeps every block already booked', async () => {
    const before = practiceEvents(participant).map((e) => e.id).sort();
    const extended = await call(manager, 'POST', `/rounds/${roundId}/experiments/${participant.id}/review`, { kind: 'extendWindow', days: 7 });
    expect(extended.status).toBe(200);
    const time = await eventually(async () => {
      const t = await practiceTimeOf(participant);
      expect(t?.weeks.length).toBe(4);
      expect(t?.status).toBe('booked');
      return t!;
    }, { timeoutInMs: 20_000 });
    const after = practiceEvents(participant);
    expect(after.map((e) => e.id)).toEqual(expect.arrayContaining(before));
    expect(after.length).toBe(time.blocks);
    expect(after.length).toBeGreaterThan(before.length);
    expect(new Set(after.map((e) => e.transactionId)).size).toBe(after.length);
  });
});

describe('withdrawing and cleaning up', () => {
  const invitees = () => {
    const meeting = stack.sandbox.control.events(owner.id).find((e) => String(e.subject).startsWith('Practice Loop shareback'))!;
    return (meeting.attendees as Array<{ emailAddress: { address: string } }>).map((a) => a.emailAddress.address);
  };

  it('removes the future blocks of a withdrawn experiment and takes the person off the shareback invite', async () => {
    expect(practiceEvents(secondParticipant).length).toBeGreaterThan(0);
    const withdrawn = await call(secondParticipant, 'POST', `/rounds/${roundId}/experiments/${secondParticipant.id}/withdraw`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.json.state).toBe('withdrawn');
    await eventually(() => expect(practiceEvents(secondParticipant)).toHaveLength(0), { timeoutInMs: 15_000 });
    await eventually(() => expect(invitees()).not.toContain(secondParticipant.mail), { timeoutInMs: 15_000 });
    expect(invitees()).toEqual(expect.arrayContaining([participant.mail, manager.mail]));
    // The release job records the booking as released right after its last delete.
    await eventually(async () => expect((await practiceTimeOf(secondParticipant))?.status).toBe('released'), { timeoutInMs: 10_000 });
  });

  it('lists every event the app created for the round, and removes them all for the owner only', async () => {
    const listed = await call(owner, 'GET', `/rounds/${roundId}/calendar-events`);
    expect(listed.json.value.length).toBe(practiceEvents(participant).length + 1);
    expect((await call(participant, 'DELETE', `/rounds/${roundId}/calendar-events`)).status).toBe(403);
    const removed = await call(owner, 'DELETE', `/rounds/${roundId}/calendar-events`);
    expect(removed.json.removed).toBe(listed.json.value.length);
    expect(practiceEvents(participant)).toHaveLength(0);
    expect(stack.sandbox.control.events(owner.id).some((e) => String(e.subject).startsWith('Practice Loop shareback'))).toBe(false);
    expect(stack.sandbox.control.invalidRequests()).toEqual([]);
  });
});
