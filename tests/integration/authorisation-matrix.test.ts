import type { Router } from 'express';
import { apiRouter } from '../../src/api/routes';
import { createLogger } from '../../src/logging';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';
import { offsetClock, systemClock } from '../../src/ports/clock';

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

interface RouteEntry { readonly method: string; readonly path: string }

/** Walks the router stack: each route's methods and path, nested routers (mounted at '/') included. */
function routesOf(router: Router): RouteEntry[] {
  const found: RouteEntry[] = [];
  const walk = (stack: unknown[]) => {
    for (const layer of stack as Array<{ route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }>) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) if (method !== '_all') found.push({ method: method.toUpperCase(), path: layer.route.path });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as unknown as { stack: unknown[] }).stack);
  return found;
}

/** Routes that answer about the caller only: a stranger gets their own (empty) view, never the victim's data. */
const CALLER_SCOPED = new Set([
  'GET /me', 'GET /dashboard', 'GET /reviews', 'GET /reports', 'GET /rounds', 'GET /checkins', 'GET /dev/users', 'GET /dev/clock',
]);
/** Creating a round and moving the demo clock need an owner's role (configuration), not access to anyone's data. */
const ROLE_GATED = new Set(['POST /rounds', 'POST /dev/clock']);

const CHAT_ID = '19:meeting_authzmatrix@thread.v2';
let stack: TestStack;
let roundId: string;
let routes: RouteEntry[];

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
    .replace(/:[a-zA-Z]+/g, 'x');
}

async function call(person: DemoPerson, method: string, path: string) {
  const response = await fetch(`${stack.service.url}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-dev-user': person.id },
    // A plausible body, so a refusal cannot hide behind "bad request".
    body: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify({ kind: 'approve', comment: 'ok', days: 3, kept: false, reason: 'x', text: 'A policy text long enough to be accepted by the validation rules.', message: 'Keep going', name: 'Renamed round', shared: true,
      submissionId: '3f0c2a9e-7b1d-4c55-9a0e-2d7f6b8c1e44', title: 'A prompt for summaries', content: 'Summarise this call in five bullets.', goodFor: 'Call notes',
      improved: 'Faster notes', hoursPractised: 1, roundId, order: [victim.id] }),
  });
  const text = await response.text();
  return { status: response.status, text };
}

beforeAll(async () => {
  stack = await startTestStack('authz', { env: { PROGRAMME_OWNER_IDS: owner.id } });
  const headers = { 'content-type': 'application/json', 'x-dev-user': owner.id };
  const created = await fetch(`${stack.service.url}/api/rounds`, { method: 'POST', headers, body: JSON.stringify(aNewRoundBody(organisation, { managerScopes: [manager.id] })) });
  expect(created.status).toBe(201);
  roundId = ((await created.json()) as { id: string }).id;
  expect((await fetch(`${stack.service.url}/api/rounds/${roundId}/open`, { method: 'POST', headers })).status).toBe(202);
  // The victim has an experiment, so a refusal below is a refusal, not "nothing there".
  const victimHeaders = { 'content-type': 'application/json', 'x-dev-user': victim.id };
  const ack = await fetch(`${stack.service.url}/api/rounds/${roundId}/me/acknowledgement`, { method: 'POST', headers: victimHeaders, body: JSON.stringify({ policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } }) });
  expect(ack.status).toBe(200);
  // The round's shareback meeting chat, linked by its owner, so the meeting routes have a round behind them.
  const linked = await fetch(`${stack.service.url}/api/meetings/${encodeURIComponent(CHAT_ID)}/link`, { method: 'POST', headers, body: JSON.stringify({ roundId }) });
  expect(linked.status).toBeLessThan(300);
  // Enumerated from a router built with the same code the service mounts (its handlers are never called here).
  routes = routesOf(apiRouter({
    authenticate: async () => ({ failure: 'enumeration only' }), directory: {} as never, logger: createLogger('authz', { level: 'silent' }),
    authMode: 'dev', ports: {} as never, callerFor: (() => { throw new Error('enumeration only'); }) as never,
    devClock: { clock: offsetClock(systemClock), store: {} as never },
  }));
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

  for (const who of ['stranger', 'colleague'] as const) {
    it(`refuses the ${who} every route that reaches someone else’s data (403, or 404 where existence must not leak)`, async () => {
      const person = who === 'stranger' ? stranger : colleague;
      const results: string[] = [];
      for (const route of routes) {
        const key = `${route.method} ${route.path}`;
        if (CALLER_SCOPED.has(key) || ROLE_GATED.has(key) || route.path === '/messages') continue;
        // "/me" routes are the caller's own records: for a stranger they must not write anything into a round they
        // are not in; reading their own (empty) records is not someone else's data.
        if (who === 'stranger' && route.path.includes('/me')) {
          const { status, text } = await call(person, route.method, concrete(route.path));
          if ((route.method !== 'GET' && status < 300) || text.includes(victim.id)) results.push(`${key} → ${status} ${text.slice(0, 120)}`);
          continue;
        }
        // The colleague's own experiment and the round's shared library are theirs to use: not someone else's data.
        if (who === 'colleague' && (route.path.includes('/me') || route.path.endsWith('/outline') || /\/assets$/.test(route.path) && route.method === 'GET')) continue;
        const { status, text } = await call(person, route.method, concrete(route.path));
        // A 404 from the catch-all means the route was never reached (a wrong concrete path): that is a failure here.
        const refused = status === 403 || (status === 404 && !text.includes('No API route'));
        if (!refused || text.includes(victim.displayName)) results.push(`${key} → ${status} ${text.slice(0, 120)}`);
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
    expect((await call(stranger, 'POST', '/rounds')).status).toBe(403);
  });

  it('lets the people who may see the experiment see it: the participant, their manager, the owner', async () => {
    for (const person of [victim, manager, owner]) {
      const { status, text } = await call(person, 'GET', `/rounds/${roundId}/experiments/${victim.id}`);
      expect(status).toBe(200);
      expect(JSON.parse(text).experiment.participantId).toBe(victim.id);
    }
  });
});
