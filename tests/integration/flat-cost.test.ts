import { randomUUID } from 'node:crypto';
import { BOOKING_COUNTER_SHARDS } from '../../src/adapters/tables/bookingRepo';
import { COUNTER_ROW_PREFIX } from '../../src/adapters/tables/countedPartition';
import { EntityTable } from '../../src/adapters/tables/entityTable';
import { MEMBER_COUNTER_SHARDS } from '../../src/adapters/tables/roundRepo';
import { DRILL_DOWN_PAGE } from '../../src/usecases/queries/common';
import { loadConfig } from '../../src/config';
import { newExperiment } from '../../src/domain/experiment';
import { parseRoundId, type RoundId } from '../../src/domain/roundIds';
import { parseTenantId, parseUserId, type UserId } from '../../src/domain/ids';
import { kickoffCardFor } from '../../src/jobs/kickoffHandler';
import { createLogger } from '../../src/logging';
import { bookPracticeTime } from '../../src/usecases/booking';
import { deliverKickoff } from '../../src/usecases/kickoff';
import { wireApplication, type Wiring } from '../../src/wiring';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { cardSubmitActivity, postActivity } from '../support/activities';
import { approvePlanOf } from '../support/loop';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';

// Cost flat per person: no per-person path reads anything whose size grows with the round. Each use case
// runs once in a round padded to N people and once at 5N; every entity the table adapter hands back is counted.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Daniel Hughes');
const viewer = byName('Sofia Marin'); // reads her screens at both sizes; nothing of hers changes in between
const first = byName('Oliver Bennett'); // kickoff and booking at N
const second = byName('Jordan Brooks'); // the same at 5N
const N = 40;
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';
const tenantId = parseTenantId(organisation.tenantId)!;

let stack: TestStack;
let wiring: Wiring;
let roundId: RoundId;

interface EntityCount { readonly table: string; readonly partitionKey: string; count: number }
let recording: EntityCount[] | null = null;

function counted(table: EntityTable, partitionKey: string, entities: number) {
  recording?.push({ table: table.label, partitionKey, count: entities });
}

/** Entities read while `action` runs: all of them, and those from partitions keyed by the round (the ones that grow with it). */
async function entitiesReadBy(action: () => Promise<unknown>): Promise<{ total: number; fromRoundPartitions: number; queries: EntityCount[] }> {
  recording = [];
  try {
    await action();
    const queries = recording;
    return {
      total: queries.reduce((sum, q) => sum + q.count, 0),
      fromRoundPartitions: queries.filter((q) => q.partitionKey === roundId).reduce((sum, q) => sum + q.count, 0),
      queries,
    };
  } finally {
    recording = null;
  }
}

const as = (person: DemoPerson) => ({ 'content-type': 'application/json', 'x-dev-user': person.id });
async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.service.url}/api${path}`, { method, headers: as(person), body: body === undefined ? undefined : JSON.stringify(body) });
  const json = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  return { status: response.status, json };
}

async function expectOk(person: DemoPerson, path: string) {
  const response = await call(person, 'GET', path);
  expect(response.status).toBe(200);
}

/** People who are not in the directory: a member row, an acknowledgement and a draft experiment each, like a busy round. */
async function padRoundTo(size: number) {
  const { ports } = wiring;
  const present = (await ports.roundMembers.list(roundId)).length;
  const people: UserId[] = Array.from({ length: Math.max(0, size - present) }, () => parseUserId(randomUUID())!);
  await ports.roundMembers.addQueued(roundId, people.map((userId) => ({ userId, via: 'named' as const })), new Date().toISOString());
  const policyVersion = (await ports.rounds.get(roundId))!.round.policy.versions.at(-1)!.version;
  const now = new Date().toISOString();
  for (let i = 0; i < people.length; i += 10) {
    await Promise.all(people.slice(i, i + 10).map(async (userId) => {
      await ports.acknowledgements.record({ roundId, userId, policyVersion, toolId: 'm365-copilot', otherToolName: null, toolTermsAccepted: true, acknowledgedAt: now });
      await ports.experiments.create(newExperiment(roundId, userId, tenantId, now));
    }));
  }
  expect((await ports.roundMembers.list(roundId)).length).toBe(size);
}

/** One person's use cases, each measured on its own. */
async function perPersonReads(kickoffAndBookingFor: DemoPerson) {
  const userId = parseUserId(kickoffAndBookingFor.id)!;
  const { ports } = wiring;
  return {
    kickoff: await entitiesReadBy(async () => {
      const outcome = await deliverKickoff(roundId, userId, ports, { attempt: 1, maxAttempts: 5, renderCard: (round, recipient) => kickoffCardFor(round, recipient, ports) });
      expect(outcome).toBe('sent');
    }),
    booking: await entitiesReadBy(async () => expect(await bookPracticeTime(roundId, userId, ports, { dashboardUrl: '' })).toBe('booked')),
    me: await entitiesReadBy(() => expectOk(viewer, `/rounds/${roundId}/me`)),
    outline: await entitiesReadBy(() => expectOk(viewer, `/rounds/${roundId}/outline`)),
    cardAction: await entitiesReadBy(async () => {
      const context = { serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person: viewer };
      expect((await postActivity(stack.service.url, cardSubmitActivity(context, { verb: 'startExperiment', roundId }))).status).toBe(200);
    }),
  };
}

beforeAll(async () => {
  stack = await startTestStack('flatcost', { env: { PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID } });
  const config = loadConfig({
    STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: stack.tablePrefix, GRAPH_BASE_URL: stack.sandbox.url,
    IN_PROCESS_WORKER: 'false', BOT_SERVICE_URL: stack.connector.url, TEAMS_APP_ID,
  });
  wiring = wireApplication(config, { logger: createLogger('flat-cost', { level: 'warn' }), clock: { now: () => new Date() } });

  const created = await call(owner, 'POST', '/rounds', aNewRoundBody(organisation, { managerScopes: [manager.id] }));
  expect(created.status).toBe(201);
  roundId = parseRoundId(created.json.id)!;
  expect((await call(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
  for (const person of [viewer, first, second]) await approvePlanOf(call, person, { roundId, owner, manager });

  const list = EntityTable.prototype.listPartition;
  jest.spyOn(EntityTable.prototype, 'listPartition').mockImplementation(async function* (this: EntityTable, partitionKey, options) {
    let entities = 0;
    try {
      for await (const row of list.call(this, partitionKey, options)) {
        entities++;
        yield row;
      }
    } finally {
      counted(this, partitionKey, entities);
    }
  });
  const listRange = EntityTable.prototype.listRange;
  jest.spyOn(EntityTable.prototype, 'listRange').mockImplementation(async function (this: EntityTable, partitionKey, range, options) {
    const rows = await listRange.call(this, partitionKey, range, options);
    counted(this, partitionKey, rows.length);
    return rows;
  });
  const get = EntityTable.prototype.get;
  jest.spyOn(EntityTable.prototype, 'get').mockImplementation(async function (this: EntityTable, partitionKey, rowKey, options) {
    const row = await get.call(this, partitionKey, rowKey, options);
    // A point read costs one read whether or not the row is there yet, so it counts as one either way. Counter shards
    // are left out: a change reads its shard only when this process holds no copy of it from its own last write, which
    // depends on which shard the person's row hashes to, never on the size of the round.
    if (!rowKey.startsWith(COUNTER_ROW_PREFIX)) counted(this, partitionKey, 1);
    return row;
  });
}, 60_000);

afterAll(async () => {
  jest.restoreAllMocks();
  await stack?.stop();
});

describe('a per-person path in a round of N and of 5N people', () => {
  it('reads the same number of entities whatever the size of the round', async () => {
    await padRoundTo(N);
    await entitiesReadBy(() => expectOk(viewer, `/rounds/${roundId}/me`)); // warm the service's first-call paths
    const small = await perPersonReads(first);
    await padRoundTo(5 * N);
    const large = await perPersonReads(second);

    const roundShare = (reads: typeof small) => Object.fromEntries(Object.entries(reads).map(([name, r]) => [name, r.fromRoundPartitions]));
    const totals = ({ booking: _differsByCalendar, ...reads }: typeof small) => Object.fromEntries(Object.entries(reads).map(([name, r]) => [name, r.total]));
    // From the round's own partitions: exactly the same at 5N (a member list, an acknowledgement partition or a
    // round-wide experiment read would add at least 4N here).
    expect(roundShare(large)).toEqual(roundShare(small));
    // Everything read, for the paths whose own data is the same at both sizes (booking reads each person's own
    // calendar blocks, which differ between the two people).
    expect(totals(large)).toEqual(totals(small));
    // And nothing is a listing of the round: the largest single read stays small.
    // The latest acknowledgement comes with the member row: a participant's screens do not ask the acknowledgements.
    for (const reads of [large.me, large.outline, large.cardAction]) expect(reads.queries.filter((q) => q.table === 'acknowledgement')).toEqual([]);
    const largest = Math.max(...Object.values(large).flatMap((r) => r.queries.map((q) => q.count)));
    expect(largest).toBeLessThan(N);
  }, 120_000);

  it('gives the owner the round overview from its counters, not from every record', async () => {
    // At 5N people (after the test above) every whole-round read would be at least 5N rows; the counters, the problem
    // rows and the round form's one page of named people are bounded whatever the size of the round.
    const overview = await entitiesReadBy(async () => {
      const response = await call(owner, 'GET', `/rounds/${roundId}/overview`);
      expect(response.status).toBe(200);
      expect(response.json.people).toBe(5 * N);
    });
    expect(overview.fromRoundPartitions).toBeLessThanOrEqual(DRILL_DOWN_PAGE + MEMBER_COUNTER_SHARDS + BOOKING_COUNTER_SHARDS + 10);
    expect(overview.fromRoundPartitions).toBeLessThan(5 * N);
    // The page of members reads one row more than it returns, to know whether another page follows.
    expect(Math.max(...overview.queries.map((q) => q.count))).toBeLessThanOrEqual(DRILL_DOWN_PAGE + 1);
  }, 60_000);
});
