import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { systemClock } from '../../src/ports/clock';
import { bookPracticeTime } from '../../src/usecases/booking';
import { wireApplication } from '../../src/wiring';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { aRound, anExperiment, PEOPLE, ROUND_ID } from '../support/builders';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';
import type { UserId } from '../../src/domain/ids';

// The owner's read models for the dashboard over real HTTP: kickoff failures and "could not book" with their
// reasons, the funnel with its people, the export — for a round seeded through the repositories.
const organisation = loadDemoOrganisation();
const owner = organisation.people.find((p) => p.displayName === 'Priya Raman')!;
const stranger = organisation.people.find((p) => p.displayName === 'Neha Sharma')!;

let stack: TestStack;

async function get(userId: string, path: string) {
  const response = await fetch(`${stack.service.url}/api${path}`, { headers: { 'x-dev-user': userId } });
  const text = await response.text();
  return { status: response.status, text, json: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
}

beforeAll(async () => {
  stack = await startTestStack('dashapi');
  const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: stack.tablePrefix, GRAPH_BASE_URL: stack.sandbox.url });
  const { ports } = wireApplication(config, { logger: createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) }), clock: systemClock });
  // Owned by a demo person (so the dev sign-in works); participants are the builders' people, unknown to the directory.
  await ports.rounds.create(aRound({ status: 'open', ownerIds: [owner.id as UserId] }));
  const members = await ports.roundMembers.list(ROUND_ID);
  expect(members.map((m) => m.userId).sort()).toEqual([PEOPLE.dana, PEOPLE.lee].sort());
  const lee = (await ports.roundMembers.get(ROUND_ID, PEOPLE.lee))!;
  await ports.roundMembers.update({ ...lee.member, delivery: 'failed', deliveryAttempts: 5, deliveryReason: 'the app could not be installed for them' }, lee.etag);
  await ports.acknowledgements.record({ roundId: ROUND_ID, userId: PEOPLE.dana, policyVersion: 1, toolId: 'm365-copilot', otherToolName: null, toolTermsAccepted: true, acknowledgedAt: new Date().toISOString() });
  await ports.experiments.create(anExperiment({ state: 'approved' }));
  // Dana's mailbox is not in the directory, so booking fails with its reason.
  expect(await bookPracticeTime(ROUND_ID, PEOPLE.dana, ports, { dashboardUrl: '' })).toBe('failed');
}, 60_000);

afterAll(async () => { await stack.stop(); });

describe('the owner’s overview of a round', () => {
  it('lists kickoff failures and booking problems with their reasons', async () => {
    const { status, json } = await get(owner.id, `/rounds/${ROUND_ID}/overview`);
    expect(status).toBe(200);
    expect(json.people).toBe(2);
    expect(json.kickoff).toEqual({ queued: 1, sending: 0, sent: 0, failed: 1, uncertain: 0 });
    expect(json.kickoffFailures).toEqual([{ userId: PEOPLE.lee, state: 'failed', reason: 'the app could not be installed for them', attempts: 5, displayName: null }]);
    expect(json.bookingProblems).toEqual([{ userId: PEOPLE.dana, reason: expect.stringMatching(/^could not book: /), displayName: null }]);
  });

  it('counts the funnel and names who is at each stage', async () => {
    const overview = (await get(owner.id, `/rounds/${ROUND_ID}/overview`)).json;
    // The builders' round window opened long ago, so Dana's approved plan counts as practising (FUNNEL_STAGE_DEFINITIONS).
    expect(Object.fromEntries(overview.funnel.map((r: { stage: string; count: number }) => [r.stage, r.count]))).toMatchObject({ invited: 2, acknowledged: 1, selected: 1, approved: 1, practising: 1, journaling: 0 });
    const funnel = (await get(owner.id, `/rounds/${ROUND_ID}/funnel`)).json.value;
    expect(funnel.find((r: { stage: string }) => r.stage === 'approved').userIds).toEqual([PEOPLE.dana]);
    const people = await get(owner.id, `/rounds/${ROUND_ID}/people?ids=${PEOPLE.dana},${stranger.id}`);
    // Someone outside the round is not listed, even when asked for by id.
    expect(people.json.value.map((p: { userId: string }) => p.userId)).toEqual([PEOPLE.dana]);
  });

  it('refuses more than a page of names, and ids that are not ids, with a field error', async () => {
    const many = Array.from({ length: 51 }, () => PEOPLE.dana).join(',');
    expect((await get(owner.id, `/rounds/${ROUND_ID}/people?ids=${many}`)).status).toBe(422);
    const bad = await get(owner.id, `/rounds/${ROUND_ID}/people?ids=robert');drop`);
    expect(bad.status).toBe(422);
    expect(bad.json.fieldErrors.ids).toBeDefined();
  });

  it('exports the booking problem in the CSV', async () => {
    const { status, text } = await get(owner.id, `/rounds/${ROUND_ID}/export.csv`);
    expect(status).toBe(200);
    const dana = text.split('\n').find((line) => line.startsWith(PEOPLE.dana))!;
    expect(dana).toMatch(/approved/);
    expect(dana).toMatch(/failed,could not book: /);
  });

  it('refuses everyone else', async () => {
    for (const path of ['overview', 'funnel', `people?ids=${PEOPLE.dana}`, 'export.csv']) {
      expect((await get(stranger.id, `/rounds/${ROUND_ID}/${path}`)).status).toBe(403);
    }
  });
});
