import { Writable } from 'node:stream';
import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config';
import { jobRegistry } from '../../src/jobs/registry';
import { createLogger } from '../../src/logging';
import { dashboardUrlOf, wireApplication } from '../../src/wiring';
import { testConnectionString } from '../support/storage';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { cardOf, cardText, messageActivity, postActivity } from '../support/activities';
import { eventually } from '../support/eventually';
import { approvePlanOf as approvePlanThroughApi } from '../support/loop';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';

// a round whose window began before it was opened (the first week already behind it, the
// second under way). Nothing may read as a false alarm: the kickoff says the round has started, the passed week is
// "already over" rather than "no free time", and the manager is not told their report's calendar is full.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Maya Johnson'); // New York
const carlos = byName('Carlos Rivera'); // New York, reports to Maya
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';

// Wednesday noon (London) of this week; the window began on the Monday of the week before.
const now = DateTime.now().setZone('Europe/London').startOf('week').plus({ days: 2, hours: 12 });
const windowStart = now.startOf('week').minus({ weeks: 1 });
const clock = { now: () => new Date(now.toMillis()) };

let stack: TestStack;
let roundId: string;

async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.service.url}/api${path}`, { method, headers: { 'content-type': 'application/json', 'x-dev-user': person.id }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text();
  return { status: response.status, json };
}

const cardsTo = (person: DemoPerson) => stack.connector.activities.filter((a) => a.conversationId === `a:${person.id}`).map((a) => {
  try { return cardText(cardOf(a.activity)); } catch { return ''; }
});

beforeAll(async () => {
  stack = await startTestStack('late', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID }, overrides: { clock } });
  for (const person of [carlos, manager]) {
    await postActivity(stack.service.url, messageActivity({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person }, 'hi'));
    await stack.connector.waitFor(`a:${person.id}`);
  }
  const body = aNewRoundBody(organisation, {
    managerScopes: [manager.id],
    window: { start: windowStart.toISODate(), weeks: 3 },
    shareback: { startsAt: windowStart.plus({ weeks: 3 }).set({ hour: 15 }).toUTC().toISO(), durationMinutes: 90, timeZone: 'Europe/London' },
  });
  const created = await call(owner, 'POST', '/rounds', body);
  expect(created.status).toBe(201);
  roundId = created.json.id;
  expect((await call(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
}, 60_000);

afterAll(async () => { await stack.stop(); });

describe('a round opened after its window began', () => {
  it('kicks off saying the round has started, not that it is about to', async () => {
    const kickoff = await eventually(() => {
      const card = cardsTo(carlos).find((text) => text.includes('your practice round'));
      if (!card) throw new Error('no kickoff yet');
      return card;
    }, { timeoutInMs: 15_000 });
    expect(kickoff).toContain('Hi Carlos, your practice round has started');
    expect(kickoff).not.toContain('about to start');
  });

  it('books the weeks ahead, calls the passed week over, and raises no alarm with the manager', async () => {
    await approvePlanThroughApi(call, carlos, { roundId, owner, manager, role: 'sales' });
    const notice = await eventually(() => {
      const card = cardsTo(carlos).find((text) => text.includes('Your practice time is in your calendar'));
      if (!card) throw new Error('no booking notice yet');
      return card;
    }, { timeoutInMs: 30_000 });
    expect(notice).toContain('Week 1: already over, so no practice time was planned');
    expect(notice).not.toContain('no free time found');
    const booked = (await call(owner, 'GET', `/rounds/${roundId}`)).json.people.find((p: { userId: string }) => p.userId === carlos.id).practiceTime;
    expect(booked.status).toBe('booked');
    expect(booked.weeks.slice(1).every((w: { plannedMinutes: number; targetMinutes: number }) => w.plannedMinutes >= w.targetMinutes)).toBe(true);
    // The notice job once more, awaited here, so whatever it tells the manager has been sent when we look.
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: stack.tablePrefix, GRAPH_BASE_URL: stack.sandbox.url,
      IN_PROCESS_WORKER: 'false', BOT_SERVICE_URL: stack.connector.url, PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID,
    });
    const { ports } = wireApplication(config, { logger: createLogger('second', { destination: new Writable({ write(_c, _e, done) { done(); } }) }), clock });
    const notices = cardsTo(carlos).filter((text) => text.includes('Your practice time is in your calendar')).length;
    await jobRegistry(ports, { dashboardUrl: dashboardUrlOf(config), tabEndpoint: null })['booking.notice'].handler({ kind: 'booking.notice', id: 'again', payload: { roundId, participantId: carlos.id } }, { attempt: 1, abortSignal: new AbortController().signal });
    expect(cardsTo(carlos).filter((text) => text.includes('Your practice time is in your calendar'))).toHaveLength(notices + 1);
    expect(cardsTo(manager).filter((text) => text.includes('calendar is full in places'))).toEqual([]);
    expect(stack.sandbox.control.invalidRequests()).toEqual([]);
  });
});
