import { DateTime } from 'luxon';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { apiRoutes, type RouteEntry } from '../support/apiRoutes';
import { eventually } from '../support/eventually';
import { approvePlanOf, sharebackChatIdOf } from '../support/loop';
import { wellFormedBody } from '../support/routeBodies';
import { aNewRoundBody } from '../support/rounds';
import { apiAs } from '../support/api';
import { startTestStack, type TestStack } from '../support/service';
import { snapshotChanges, tableSnapshot } from '../support/tableSnapshot';

// Every mutating /api route, sent bodies of the wrong shape by someone who may use it: each is a 4xx that names
// what is wrong, never a 5xx, and changes no row (the table snapshot's ETags are the same before and after).
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Maya Johnson');
const participant = byName('Carlos Rivera');
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';

let now = new Date();
let stack: TestStack;
let roundId: string;
let chatId: string;
let routes: RouteEntry[];
let serverErrors = 0;
let refusedRequests = 0;

const api = apiAs(() => stack.service.url);
/** Every answer counts towards the closing tally of 5xx. */
async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  // A string in a wrong shape is sent as a JSON string ("approve"), not as raw text.
  const answer = await api(person, method, path, typeof body === 'string' ? JSON.stringify(body) : body);
  if (answer.status >= 500) serverErrors++;
  return answer;
}

/** Who may use the route, so only the body can be the reason for a refusal. */
function actorFor(route: RouteEntry): DemoPerson {
  if (route.path.includes('/me')) return participant;
  if (route.path.includes('/reports/') || route.path.endsWith('/review')) return manager;
  return owner;
}

function concrete(path: string): string {
  return path.replace(':roundId', roundId).replace(':participantId', participant.id).replace(':userId', participant.id)
    .replace(':weekStart', DateTime.fromJSDate(now).startOf('week').toISODate()!).replace(':assetId', 'a-0000000000000000')
    .replace(':week', '1').replace(':index', '0').replace(':chatId', encodeURIComponent(chatId));
}

/** Bodies of the wrong shape for a route whose well-formed body is `body`: each field given the wrong type, an unknown field, not an object. */
function wrongShapes(body: unknown): Array<[string, unknown]> {
  const shapes: Array<[string, unknown]> = [['a list', []], ['a number', 42], ['a string', 'approve'], ['an unknown field', { ...(body as object ?? {}), unexpected: 1 }]];
  if (body && typeof body === 'object') {
    for (const [field, value] of Object.entries(body)) {
      const wrong = typeof value === 'string' ? 12345 : typeof value === 'number' ? 'twelve' : typeof value === 'boolean' ? 'yes' : Array.isArray(value) ? 'not a list' : true;
      shapes.push([`${field} of the wrong type`, { ...body, [field]: wrong }]);
    }
  }
  return shapes;
}

beforeAll(async () => {
  stack = await startTestStack('badinput', {
    env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID },
    overrides: { clock: { now: () => now } },
  });
  roundId = (await call(owner, 'POST', '/rounds', aNewRoundBody(organisation, { managerScopes: [manager.id] }))).json.id;
  expect((await call(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
  await approvePlanOf(call as never, participant, { roundId, owner, manager });
  chatId = await sharebackChatIdOf(stack, owner);
  routes = apiRoutes().filter((r) => r.method !== 'GET');
}, 120_000);

afterAll(async () => { await stack?.stop(); });

describe('bodies of the wrong shape on every mutating route', () => {
  it('has a well-formed body for every mutating route (so the list below is complete)', () => {
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) expect(() => wellFormedBody(route.method, route.path, { organisation, roundId, ownerId: owner.id, personId: participant.id })).not.toThrow();
  });

  it('refuses each with a 4xx naming the field, and writes nothing', async () => {
    // Let the jobs of the set-up (kickoff, shareback, booking) finish, so the snapshot only moves if a refused request writes.
    await eventually(async () => {
      const first = await tableSnapshot(stack.tablePrefix);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const changes = snapshotChanges(first, await tableSnapshot(stack.tablePrefix));
      if (changes.length > 0) throw new Error(`still settling: ${changes.join(', ')}`);
    }, { timeoutInMs: 30_000 });
    const problems: string[] = [];
    for (const route of routes) {
      const body = wellFormedBody(route.method, route.path, { organisation, roundId, ownerId: owner.id, personId: participant.id });
      if (body === undefined) continue; // DELETE takes no body
      for (const [what, shape] of wrongShapes(body)) {
        const before = await tableSnapshot(stack.tablePrefix);
        const response = await call(actorFor(route), route.method, concrete(route.path), shape);
        refusedRequests++;
        const changes = snapshotChanges(before, await tableSnapshot(stack.tablePrefix));
        const key = `${route.method} ${route.path} with ${what}`;
        if (response.status < 400 || response.status >= 500) problems.push(`${key} → ${response.status} ${response.text.slice(0, 120)}`);
        else if (response.status === 422 && !response.json?.fieldErrors) problems.push(`${key} → 422 without fieldErrors`);
        if (changes.length > 0) problems.push(`${key} wrote ${changes.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  }, 240_000);

  it('answers broken JSON, a huge body and control characters in ids without a 5xx', async () => {
    const raw = await fetch(`${stack.service.url}/api/rounds`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dev-user': owner.id }, body: '{"name": ' });
    expect(raw.status).toBe(400);
    const huge = await fetch(`${stack.service.url}/api/rounds`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dev-user': owner.id }, body: JSON.stringify({ name: 'x'.repeat(2_000_000) }) });
    expect(huge.status).toBe(413);
    for (const path of [`/rounds/${encodeURIComponent('r-\u0000\u001b')}/me`, `/rounds/${roundId}/experiments/${encodeURIComponent('../../x')}`, `/meetings/${encodeURIComponent('19:\u0000')}/session`]) {
      const response = await call(owner, 'GET', path);
      expect(response.status).toBeLessThan(500);
    }
  });

  it('counted no 5xx in all of the above', () => {
    console.log(`bad input: ${refusedRequests} refused requests over ${routes.length} mutating routes, ${serverErrors} answered 5xx`);
    expect(refusedRequests).toBeGreaterThan(routes.length * 4);
    expect(serverErrors).toBe(0);
  });
});
