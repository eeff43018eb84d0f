import { Writable } from 'node:stream';
import type { Authenticate } from '../../src/api/auth';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import type { TenantId, UserId } from '../../src/domain/ids';
import { startService } from '../../src/server';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';

// The demo clock (POST /api/dev/clock): dev only, owners only, forward only, validated field by field; the
// scheduler runs what fell due; the offset survives a restart on the same storage; absent under AUTH_MODE=entra.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const participant = byName('Sofia Marin');
const DAY_IN_MS = 86_400_000;

describe('the demo clock in AUTH_MODE=dev', () => {
  let stack: TestStack;
  beforeAll(async () => { stack = await startTestStack('democlock', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id } }); });
  afterAll(async () => { await stack.stop(); });

  async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
    const response = await fetch(`${stack.service.url}/api${path}`, { method, headers: { 'content-type': 'application/json', 'x-dev-user': person.id }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, json: await response.json() };
  }

  it('starts at the real time', async () => {
    const clock = await call(owner, 'GET', '/dev/clock');
    expect(clock.json.offsetInMs).toBe(0);
    expect(Math.abs(Date.parse(clock.json.now) - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    [{}, 'advanceBy'],
    [{ advanceBy: 'P1D', to: '2030-01-01T00:00:00Z' }, 'advanceBy'],
    [{ advanceBy: 'next week' }, 'advanceBy'],
    [{ advanceBy: '-P1D' }, 'advanceBy'],
    [{ advanceBy: 'P1Y' }, 'advanceBy'],
    [{ to: 'Monday' }, 'to'],
    [{ to: '2099-01-01T00:00:00Z' }, 'to'],
    [{ advanceBy: 'P1D', by: 'owner' }, 'by'],
  ])('refuses %j with 422 naming %s, and does not move', async (body, field) => {
    const refused = await call(owner, 'POST', '/dev/clock', body);
    expect(refused.status).toBe(422);
    expect(Object.keys(refused.json.fieldErrors)).toContain(field);
    expect((await call(owner, 'GET', '/dev/clock')).json.offsetInMs).toBe(0);
  });

  it('is for owners only', async () => {
    const refused = await call(participant, 'POST', '/dev/clock', { advanceBy: 'P1D' });
    expect(refused.status).toBe(403);
    expect((await call(owner, 'GET', '/dev/clock')).json.offsetInMs).toBe(0);
  });

  it('moves forward by a duration and runs the periodic tasks that fell due', async () => {
    const moved = await call(owner, 'POST', '/dev/clock', { advanceBy: 'P2D' });
    expect(moved.status).toBe(200);
    // Two days from when the request came in (the real clock ran on meanwhile).
    expect(Math.abs(moved.json.offsetInMs - 2 * DAY_IN_MS)).toBeLessThan(60_000);
    expect(moved.json.ran).toEqual(expect.arrayContaining(['practice-time.check', 'practice.start', 'journal.prompts', 'journal.nudges', 'shareback.meeting-end']));
    // The API answers in the app's time.
    expect(Date.parse((await call(owner, 'GET', '/dev/clock')).json.now) - Date.now()).toBeGreaterThan(2 * DAY_IN_MS - 60_000);
  });

  it('moves to a time, but never back', async () => {
    const now = Date.parse((await call(owner, 'GET', '/dev/clock')).json.now);
    const back = await call(owner, 'POST', '/dev/clock', { to: new Date(now - DAY_IN_MS).toISOString() });
    expect(back.status).toBe(422);
    expect(back.json.fieldErrors.to).toMatch(/only moves forward/);
    const to = new Date(now + 3 * 3_600_000).toISOString();
    const moved = await call(owner, 'POST', '/dev/clock', { to });
    expect(moved.status).toBe(200);
    expect(moved.json.movedTo).toBe(to);
  });

  it('keeps its offset across a restart on the same storage', async () => {
    const before = (await call(owner, 'GET', '/dev/clock')).json.offsetInMs;
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: stack.tablePrefix, GRAPH_BASE_URL: stack.sandbox.url, IN_PROCESS_WORKER: 'false', BOT_SERVICE_URL: stack.connector.url });
    const restarted = await startService(config, { logger: createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) }) });
    try {
      const response = await fetch(`${restarted.url}/api/dev/clock`, { headers: { 'x-dev-user': owner.id } });
      expect((await response.json()).offsetInMs).toBe(before);
      // The tab learns the app's time with its settings, so its "this week" follows the demo clock.
      const settings = await (await fetch(`${restarted.url}/tab/settings.json`)).json();
      expect(Date.parse(settings.now) - Date.now()).toBeGreaterThan(before - 60_000);
    } finally {
      await restarted.close();
    }
  });
});

describe('the demo clock in AUTH_MODE=entra', () => {
  let stack: TestStack;
  // A signed-in owner (token checks are tested in api.test.ts): the route must be missing, not merely refused.
  const authenticate: Authenticate = async () => ({ userId: owner.id as UserId, tenantId: organisation.tenantId as TenantId, displayName: owner.displayName, via: 'entra' });
  beforeAll(async () => {
    stack = await startTestStack('democlockentra', {
      env: { AUTH_MODE: 'entra', AAD_APP_CLIENT_ID: 'c6a3b4f1-1d1e-4c3b-9a55-0b1f7e3c9d20', AAD_APP_TENANT_ID: organisation.tenantId, MicrosoftAppId: 'b0f7b3a2-0000-4000-8000-000000000001', MicrosoftAppPassword: 'x', PROGRAMME_OWNER_IDS: owner.id },
      overrides: { authenticate },
    });
  });
  afterAll(async () => { await stack.stop(); });

  it('is absent from the router (404), and the app keeps the real time', async () => {
    const post = await fetch(`${stack.service.url}/api/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceBy: 'P1D' }) });
    expect(post.status).toBe(404);
    expect((await post.json()).error).toBe('No API route POST /api/dev/clock.');
    expect((await fetch(`${stack.service.url}/api/dev/clock`)).status).toBe(404);
    const settings = await (await fetch(`${stack.service.url}/tab/settings.json`)).json();
    expect(Math.abs(Date.parse(settings.now) - Date.now())).toBeLessThan(60_000);
  });
});
