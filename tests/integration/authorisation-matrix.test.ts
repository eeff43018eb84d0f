import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { aNewRoundBody } from '../support/rounds';
import { wellFormedBody } from '../support/routeBodies';
import { apiRoutes, type RouteEntry } from '../support/apiRoutes';
import { cardSubmitActivity, executeActivity, postActivity, type ActivityContext } from '../support/activities';
import { snapshotChanges, tableSnapshot } from '../support/tableSnapshot';
import { startTestStack, type TestStack } from '../support/service';

/**
 * Every /api route, enumerated from the Express router itself (so a route added later is in this table without
 * anyone remembering to add it), called by someone who must not see or change another person's data:
 * a stranger (not in the round, nobody's manager there) and a colleague in the same round (not the person's manager).
 * Each must get 403, or 404 where even existence must not leak — never 2xx with the other person's data.
 * Routes that are about the caller only (their own dashboard, their own review queue) are listed explicitly
 * and checked not to contain the other person's data.
 */
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Daniel Hughes');
const victim = byName('Sofia Marin'); // reports to Daniel
const colleague = byName('Oliver Bennett'); // same team and round; not Sofia's manager
const stranger = byName('Neha Sharma'); // engineering; not in the round
const otherOwner = byName('Tom Whitfield'); // a programme owner, of another round only
const otherRoundParticipant = byName('Hannah Wright'); // takes part in the other round

/** Routes that answer about the caller only: a stranger gets their own (empty) view, never the victim's data. */
const CALLER_SCOPED = new Set([
  'GET /me', 'GET /dashboard', 'GET /reviews', 'GET /reports', 'GET /rounds', 'GET /checkins', 'GET /dev/users', 'GET /dev/clock',
]);
/** Creating a round and moving the demo clock need an owner's role (configuration), not access to anyone's data. */
const ROLE_GATED = new Set(['POST /rounds', 'POST /dev/clock']);

const CHAT_ID = '19:meeting_authzmatrix@thread.v2';
const VICTIM_FRICTION = 'Drafting tender responses from last year’s proposals';
let stack: TestStack;
let roundId: string;
let routes: RouteEntry[];
let matrixCalls = 0;

/** Query parameters a route cannot be asked without (it answers 400 before anything else), so the matrix reaches its access rule. */
const REQUIRED_QUERY: Record<string, string> = { '/rounds/:roundId/problems': '?kind=kickoff' };

function concrete(path: string): string {
  return path
    .replace(':roundId', roundId)
    .replace(':participantId', victim.id)
    .replace(':userId', victim.id)
    .replace(':weekStart', '2026-11-23')
    .replace(':assetId', 'a-0000000000000000')
    .replace(':week', '1')
    .replace(':index', '0')
    .replace(':chatId', encodeURIComponent(CHAT_ID))
    .replace(/:[a-zA-Z]+/g, 'x')
    + (REQUIRED_QUERY[path] ?? '');
}

function bodyFor(method: string, path: string): unknown {
  return wellFormedBody(method, path, { organisation, roundId, ownerId: owner.id, personId: victim.id });
}

async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.service.url}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-dev-user': person.id },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

beforeAll(async () => {
  stack = await startTestStack('authz', { env: { PROGRAMME_OWNER_IDS: `${owner.id},${otherOwner.id}` } });
  const headers = { 'content-type': 'application/json', 'x-dev-user': owner.id };
  const created = await fetch(`${stack.service.url}/api/rounds`, { method: 'POST', headers, body: JSON.stringify(aNewRoundBody(organisation, { managerScopes: [manager.id] })) });
  expect(created.status).toBe(201);
  roundId = ((await created.json()) as { id: string }).id;
  expect((await fetch(`${stack.service.url}/api/rounds/${roundId}/open`, { method: 'POST', headers })).status).toBe(202);
  // The victim has an experiment, so a refusal below is a refusal, not "nothing there".
  const victimHeaders = { 'content-type': 'application/json', 'x-dev-user': victim.id };
  const ack = await fetch(`${stack.service.url}/api/rounds/${roundId}/me/acknowledgement`, { method: 'POST', headers: victimHeaders, body: JSON.stringify({ policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } }) });
  expect(ack.status).toBe(200);
  // …and a plan waiting for her manager, whose text must reach nobody else.
  const details = await fetch(`${stack.service.url}/api/rounds/${roundId}`, { headers });
  const entry = ((await details.json()) as { round: { catalogue: { id: string }[] } }).round.catalogue.find((t) => t.id === 'm365-copilot');
  const saved = await fetch(`${stack.service.url}/api/rounds/${roundId}/me/selection`, { method: 'PUT', headers: victimHeaders, body: JSON.stringify({ selection: {
    frictionPoint: { description: VICTIM_FRICTION, frequency: 'daily', minutesToday: 40 }, role: 'sales', tool: { kind: 'catalogue', entry }, kpi: 'Minutes per proposal',
    scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 5, riskSupport: 4 }, supportNamed: 'Daniel',
  } }) });
  expect(saved.status).toBe(200);
  const submitted = await fetch(`${stack.service.url}/api/rounds/${roundId}/me/submit`, { method: 'POST', headers: victimHeaders, body: JSON.stringify({ expectedVersion: ((await saved.json()) as { version: number }).version, hypothesis: {
    measure: 'Minutes per proposal', baseline: { value: 60, unit: 'minutes' }, target: { value: 20, unit: 'minutes' }, howWeWillKnow: 'I will time ten proposals.', preferredTimes: 'mornings', blockMinutes: 60,
  } }) });
  expect(submitted.status).toBe(200);
  // The round's shareback meeting chat, linked by its owner, so the meeting routes have a round behind them.
  const linked = await fetch(`${stack.service.url}/api/meetings/${encodeURIComponent(CHAT_ID)}/link`, { method: 'POST', headers, body: JSON.stringify({ roundId }) });
  expect(linked.status).toBeLessThan(300);
  // Another round, run by another owner, with its own participant: neither may reach this round's people.
  const other = await fetch(`${stack.service.url}/api/rounds`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dev-user': otherOwner.id }, body: JSON.stringify(aNewRoundBody(organisation, { participantIds: [otherRoundParticipant.id], managerScopes: [] })) });
  expect(other.status).toBe(201);
  // Enumerated from a router built with the same code the service mounts (its handlers are never called here).
  routes = apiRoutes();
}, 60_000);

afterAll(async () => { await stack.stop(); });

describe('the authorisation matrix over every /api route', () => {
  it('finds the routes from the router (so none can be missed)', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes).toEqual(expect.arrayContaining([
      { method: 'GET', path: '/rounds/:roundId' }, { method: 'POST', path: '/rounds/:roundId/experiments/:participantId/review' },
      { method: 'GET', path: '/rounds/:roundId/overview' }, { method: 'GET', path: '/rounds/:roundId/experiments/:participantId' },
    ]));
  });

  it('classifies every route: about someone else’s data (has a round or person in its path), caller-scoped, or role-gated', () => {
    const unclassified = routes.filter((r) => !CALLER_SCOPED.has(`${r.method} ${r.path}`) && !ROLE_GATED.has(`${r.method} ${r.path}`) && !/:(roundId|participantId|userId|chatId)/.test(r.path));
    expect(unclassified).toEqual([]);
  });

  const outsiders = { stranger: () => stranger, colleague: () => colleague, 'owner of another round': () => otherOwner, 'participant of another round': () => otherRoundParticipant } as const;
  for (const who of Object.keys(outsiders) as (keyof typeof outsiders)[]) {
    it(`refuses the ${who} every route that reaches someone else’s data (403, or 404 where existence must not leak)`, async () => {
      const person = outsiders[who]();
      const outsideTheRound = who !== 'colleague';
      const results: string[] = [];
      for (const route of routes) {
        const key = `${route.method} ${route.path}`;
        if (CALLER_SCOPED.has(key) || ROLE_GATED.has(key) || route.path === '/messages') continue;
        // "/me" routes are the caller's own records: for a stranger they must not write anything into a round they
        // are not in; reading their own (empty) records is not someone else's data.
        if (outsideTheRound && route.path.includes('/me')) {
          const { status, text } = await call(person, route.method, concrete(route.path), bodyFor(route.method, route.path));
          if ((route.method !== 'GET' && status < 300) || text.includes(victim.id)) results.push(`${key} → ${status} ${text.slice(0, 120)}`);
          continue;
        }
        // The colleague's own experiment and the round's shared library are theirs to use: not someone else's data.
        if (who === 'colleague' && (route.path.includes('/me') || route.path.endsWith('/outline') || /\/assets$/.test(route.path) && route.method === 'GET')) continue;
        const before = route.method === 'GET' ? null : await tableSnapshot(stack.tablePrefix);
        const { status, text } = await call(person, route.method, concrete(route.path), bodyFor(route.method, route.path));
        matrixCalls++;
        // A 404 from the catch-all means the route was never reached (a wrong concrete path): that is a failure here.
        const refused = status === 403 || (status === 404 && !text.includes('No API route'));
        if (!refused || text.includes(victim.displayName)) results.push(`${key} → ${status} ${text.slice(0, 120)}`);
        // A refused command changes nothing.
        const changes = before ? snapshotChanges(before, await tableSnapshot(stack.tablePrefix)) : [];
        if (changes.length > 0) results.push(`${key} wrote ${changes.join(', ')}`);
      }
      expect(results).toEqual([]);
    }, 60_000);
  }

  it('refuses a stranger the round’s own pages even with the round id (outline, shared library, participant view)', async () => {
    for (const path of [`/rounds/${roundId}/outline`, `/rounds/${roundId}/me`]) {
      expect((await call(stranger, 'GET', path)).status).toBe(403);
    }
  });

  it('answers caller-scoped routes with the caller’s own data only', async () => {
    for (const key of CALLER_SCOPED) {
      const [method, path] = key.split(' ') as [string, string];
      if (!routes.some((r) => r.method === method && r.path === path)) continue;
      if (path === '/dev/users') continue; // the demo directory for the sign-in picker (AUTH_MODE=dev only)
      const { status, text } = await call(stranger, method, path);
      expect([200, 403]).toContain(status);
      expect(text).not.toContain(victim.id);
    }
  });

  it('refuses a stranger moving the demo clock (owners only)', async () => {
    expect((await call(stranger, 'POST', '/dev/clock')).status).toBe(403);
  });

  it('refuses a stranger creating rounds (a configured role, not a request field)', async () => {
    expect((await call(stranger, 'POST', '/rounds', bodyFor('POST', '/rounds'))).status).toBe(403);
  });

  it('lets the people who may see the experiment see it: the participant, their manager, the owner', async () => {
    for (const person of [victim, manager, owner]) {
      const { status, text } = await call(person, 'GET', `/rounds/${roundId}/experiments/${victim.id}`);
      expect(status).toBe(200);
      expect(JSON.parse(text).experiment.participantId).toBe(victim.id);
    }
  });
});

/**
 * The bot's card actions and invokes, each naming the victim's records: the same outsiders must get nothing of
 * hers back (not her plan, not her name), and nothing may be written or sent because of it.
 */
describe('the authorisation matrix over the bot’s card verbs', () => {
  const ctx = (person: DemoPerson): ActivityContext => ({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person });
  const experimentId = () => `${roundId}--${victim.id}`;
  const EXECUTE: Record<string, () => Record<string, unknown>> = {
    approvePlan: () => ({ experimentId: experimentId(), expectedVersion: 3 }),
    requestChanges: () => ({ experimentId: experimentId(), expectedVersion: 3, comment: 'Please redo' }),
    extendWindow: () => ({ experimentId: experimentId(), expectedVersion: 3, days: 7 }),
    refreshReview: () => ({ experimentId: experimentId() }),
    decideExperiment: () => ({ roundId, participantId: victim.id, expectedVersion: 3, outcome: 'stop', dueDate: '2030-01-15', learned: 'x' }),
    refreshUndecided: () => ({ roundId, participantId: victim.id }),
  };
  const SUBMIT: Record<string, () => Record<string, unknown>> = {
    refreshRoundSummary: () => ({ roundId }),
    openRound: () => ({ roundId }),
    resendKickoff: () => ({ roundId, who: 'failed' }),
    pickFollowUpTime: () => ({ roundId, participantId: victim.id, timeZone: 'Europe/London', date: '2030-01-15', time: '10:00' }),
    sendEncouragement: () => ({ roundId, userId: victim.id, message: 'Keep going' }),
    proposeCheckIn: () => ({ roundId, userId: victim.id }),
    digestExtendWindow: () => ({ roundId, userId: victim.id }),
  };
  const outsiders = () => ({ stranger, colleague, 'owner of another round': otherOwner, 'participant of another round': otherRoundParticipant });
  // The caller's own conversation reference is recorded on every turn; anything else written is a leak.
  const ownRowsOnly = (changes: string[], person: DemoPerson) => changes.filter((line) => !(line.includes(`${stack.tablePrefix}Members|`) && line.includes(person.id)));

  it('covers every verb a card can send that names someone else’s records', () => {
    expect(Object.keys(EXECUTE).length + Object.keys(SUBMIT).length).toBe(13);
  });

  for (const who of ['stranger', 'colleague', 'owner of another round', 'participant of another round'] as const) {
    it(`gives the ${who} nothing of the victim’s and changes nothing, for every verb`, async () => {
      const person = outsiders()[who];
      const leaks: string[] = [];
      for (const [verb, data] of Object.entries(EXECUTE)) {
        const before = await tableSnapshot(stack.tablePrefix);
        stack.connector.clear();
        const response = await postActivity(stack.service.url, executeActivity(ctx(person), verb, data()));
        const text = await response.text();
        matrixCalls++;
        if (response.status >= 500 || text.includes(VICTIM_FRICTION) || text.includes(victim.displayName)) leaks.push(`${verb} → ${response.status} ${text.slice(0, 160)}`);
        const changes = ownRowsOnly(snapshotChanges(before, await tableSnapshot(stack.tablePrefix)), person);
        if (changes.length > 0) leaks.push(`${verb} wrote ${changes.join(', ')}`);
        if (stack.connector.activities.some((a) => a.conversationId.includes(victim.id))) leaks.push(`${verb} messaged the victim`);
      }
      for (const [verb, data] of Object.entries(SUBMIT)) {
        const before = await tableSnapshot(stack.tablePrefix);
        stack.connector.clear();
        const response = await postActivity(stack.service.url, cardSubmitActivity(ctx(person), { verb, ...data() }));
        matrixCalls++;
        const replies = await stack.connector.waitFor(`a:${person.id}`, 1);
        const text = JSON.stringify(replies.map((r) => r.activity));
        if (response.status >= 500 || text.includes(VICTIM_FRICTION) || text.includes(victim.displayName)) leaks.push(`${verb} → ${response.status} ${text.slice(0, 160)}`);
        const changes = ownRowsOnly(snapshotChanges(before, await tableSnapshot(stack.tablePrefix)), person);
        if (changes.length > 0) leaks.push(`${verb} wrote ${changes.join(', ')}`);
        if (stack.connector.activities.some((a) => a.conversationId.includes(victim.id))) leaks.push(`${verb} messaged the victim`);
      }
      expect(leaks).toEqual([]);
    }, 120_000);
  }

  it('reports the size of the matrix it ran', () => {
    // roles × routes plus roles × verbs, as calls actually made.
    console.log(`authorisation matrix: ${matrixCalls} refused calls (4 outsider roles × ${routes.length} REST routes and 13 bot verbs)`);
    expect(matrixCalls).toBeGreaterThan(4 * 13);
  });
});
