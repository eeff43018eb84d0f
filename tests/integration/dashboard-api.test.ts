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
import { parseUserId, type UserId } from '../../src/domain/ids';
import { parseRoundId } from '../../src/domain/roundIds';
import { MEMBER_ROWS_PER_UPDATE } from '../../src/ports/roundRepo';

// The owner's read models for the dashboard over real HTTP: kickoff failures and "could not book" with their
// reasons, the funnel with its people, the export — for a round seeded through the repositories.
const organisation = loadDemoOrganisation();
const owner = organisation.people.find((p) => p.displayName === 'Priya Raman')!;
const stranger = organisation.people.find((p) => p.displayName === 'Neha Sharma')!;
const participant = organisation.people.find((p) => p.id !== owner.id && p.id !== stranger.id)!;
// A round with more undelivered kickoffs than one page of a problem list (the page is 50).
const CROWDED_ROUND = parseRoundId('round-2025-crowded')!;
const UNDELIVERED = Array.from({ length: 120 }, (_, i) => parseUserId(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)!);

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

  await ports.rounds.create(aRound({ id: CROWDED_ROUND, status: 'open', ownerIds: [owner.id as UserId], participantIds: [participant.id as UserId] }));
  expect(await ports.roundMembers.addQueued(CROWDED_ROUND, UNDELIVERED.map((userId) => ({ userId, via: 'manager' as const })), new Date().toISOString())).toHaveLength(UNDELIVERED.length);
  const queued = await ports.roundMembers.getMany(CROWDED_ROUND, UNDELIVERED);
  const failed = UNDELIVERED.map((userId, i) => {
    const stored = queued.get(userId)!;
    return { ...stored, member: { ...stored.member, delivery: 'failed' as const, deliveryAttempts: 5, deliveryReason: `mailbox ${i} refused` } };
  });
  for (let at = 0; at < failed.length; at += MEMBER_ROWS_PER_UPDATE) await ports.roundMembers.updateMany(CROWDED_ROUND, failed.slice(at, at + MEMBER_ROWS_PER_UPDATE));
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

describe('the owner’s problem lists, a page at a time', () => {
  it('shows one page of each list in the overview, with the total and a token for the next page', async () => {
    const { status, json } = await get(owner.id, `/rounds/${CROWDED_ROUND}/overview`);
    expect(status).toBe(200);
    expect(json.kickoff.failed).toBe(UNDELIVERED.length);
    expect(json.kickoffFailures).toHaveLength(50);
    expect(json.problemLists.kickoff).toEqual({ total: UNDELIVERED.length, next: expect.any(String) });
    expect(json.problemLists.booking).toEqual({ total: 0, next: null });
    expect(json.problemLists.effect).toEqual({ total: 0, next: null });
    // A list that fits on one page has no token.
    expect((await get(owner.id, `/rounds/${ROUND_ID}/overview`)).json.problemLists).toEqual({
      kickoff: { total: 1, next: null }, booking: { total: 1, next: null }, effect: { total: 0, next: null },
    });
  });

  it('gives the rest by following the tokens, each problem exactly once', async () => {
    const overview = (await get(owner.id, `/rounds/${CROWDED_ROUND}/overview`)).json;
    const seen: string[] = overview.kickoffFailures.map((f: { userId: string }) => f.userId);
    let next: string | null = overview.problemLists.kickoff.next;
    const pageSizes: number[] = [];
    while (next !== null) {
      const page = await get(owner.id, `/rounds/${CROWDED_ROUND}/problems?kind=kickoff&after=${encodeURIComponent(next)}`);
      expect(page.status).toBe(200);
      expect(page.json.kind).toBe('kickoff');
      pageSizes.push(page.json.problems.length);
      for (const problem of page.json.problems) expect(problem).toEqual({ userId: expect.any(String), state: 'failed', reason: expect.stringMatching(/^mailbox \d+ refused$/), attempts: 5, displayName: null });
      seen.push(...page.json.problems.map((f: { userId: string }) => f.userId));
      next = page.json.next;
    }
    expect(pageSizes).toEqual([50, 20]);
    expect(seen).toHaveLength(UNDELIVERED.length);
    expect([...seen].sort()).toEqual([...UNDELIVERED].sort());
    // Without a token: the first page, as the overview shows it.
    const first = await get(owner.id, `/rounds/${CROWDED_ROUND}/problems?kind=kickoff`);
    expect(first.json.problems.map((f: { userId: string }) => f.userId)).toEqual(overview.kickoffFailures.map((f: { userId: string }) => f.userId));
    const booking = await get(owner.id, `/rounds/${ROUND_ID}/problems?kind=booking`);
    expect(booking.json).toEqual({ kind: 'booking', problems: [{ userId: PEOPLE.dana, reason: expect.stringMatching(/^could not book: /), displayName: null }], next: null });
  });

  it('refuses the round’s participant and anyone else, as the overview does', async () => {
    const token = (await get(owner.id, `/rounds/${CROWDED_ROUND}/overview`)).json.problemLists.kickoff.next;
    for (const person of [participant, stranger]) {
      const overview = await get(person.id, `/rounds/${CROWDED_ROUND}/overview`);
      expect([403, 404]).toContain(overview.status);
      for (const query of ['kind=kickoff', `kind=kickoff&after=${encodeURIComponent(token)}`, 'kind=effect']) {
        const page = await get(person.id, `/rounds/${CROWDED_ROUND}/problems?${query}`);
        expect(page.status).toBe(overview.status);
        expect(page.text).not.toContain(UNDELIVERED[0]);
      }
    }
  });

  it('answers 400 with a clear message to a token it did not give out, or a list that does not exist', async () => {
    const token: string = (await get(owner.id, `/rounds/${CROWDED_ROUND}/overview`)).json.problemLists.kickoff.next;
    const damaged = `${token.slice(0, -4)}%%%`;
    const garbage = Buffer.from('not json').toString('base64url');
    for (const query of [`kind=kickoff&after=${damaged}`, `kind=kickoff&after=${garbage}`, `kind=booking&after=${token}`, 'kind=kickoff&after=']) {
      const { status, json } = await get(owner.id, `/rounds/${CROWDED_ROUND}/problems?${query}`);
      expect(status).toBe(400);
      expect(json.error).toMatch(/token is not one this (kickoff|booking) list gave out/);
    }
    for (const query of ['', 'kind=everything']) {
      const { status, json } = await get(owner.id, `/rounds/${CROWDED_ROUND}/problems?${query}`);
      expect(status).toBe(400);
      expect(json.error).toMatch(/kind=kickoff, kind=booking, kind=effect/);
    }
  });
});
