import { EntityTable } from '../../src/adapters/tables/entityTable';
import { loadConfig } from '../../src/config';
import type { PolicyAcknowledgement } from '../../src/domain/acknowledgement';
import { parseRoundId, type RoundId } from '../../src/domain/roundIds';
import { parseUserId } from '../../src/domain/ids';
import { kickoffCardFor } from '../../src/jobs/kickoffHandler';
import { createLogger } from '../../src/logging';
import { deliverKickoff } from '../../src/usecases/kickoff';
import { wireApplication, type Wiring } from '../../src/wiring';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';

// A person's latest policy acknowledgement is copied onto their round member row, the row that is also
// the kickoff's lock (decision 0001): the copy must not cost a kickoff its outcome, and rows from before still work.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Maya Johnson');
const reader = byName('Carlos Rivera'); // acknowledges while his kickoff is being sent
const earlier = byName('Emily Chen'); // her member row predates the copy
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';

let stack: TestStack;
let wiring: Wiring;
let roundId: RoundId;
let policyVersion: number;

async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.service.url}/api${path}`, { method, headers: { 'content-type': 'application/json', 'x-dev-user': person.id }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: response.headers.get('content-type')?.includes('json') ? await response.json() : null };
}

const acknowledgementOf = (person: DemoPerson): PolicyAcknowledgement => ({
  roundId, userId: parseUserId(person.id)!, policyVersion, toolId: 'm365-copilot', otherToolName: null, toolTermsAccepted: true, acknowledgedAt: new Date().toISOString(),
});

beforeAll(async () => {
  stack = await startTestStack('memberack', { env: { PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID } });
  const config = loadConfig({
    STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: stack.tablePrefix, GRAPH_BASE_URL: stack.sandbox.url,
    IN_PROCESS_WORKER: 'false', BOT_SERVICE_URL: stack.connector.url, TEAMS_APP_ID,
  });
  wiring = wireApplication(config, { logger: createLogger('member-ack', { level: 'warn' }), clock: { now: () => new Date() } });
  const created = await call(owner, 'POST', '/rounds', aNewRoundBody(organisation, { managerScopes: [manager.id] }));
  roundId = parseRoundId(created.json.id)!;
  expect((await call(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
  policyVersion = (await wiring.ports.rounds.get(roundId))!.round.policy.versions.at(-1)!.version;
}, 60_000);

afterAll(async () => { await stack?.stop(); });

describe('the latest acknowledgement on the member row', () => {
  it('does not cost a kickoff its outcome when it lands while the card is being sent: sent once, acknowledgement kept', async () => {
    const userId = parseUserId(reader.id)!;
    const { ports } = wiring;
    const sentBefore = stack.connector.activities.length;
    const outcome = await deliverKickoff(roundId, userId, ports, {
      attempt: 1, maxAttempts: 5,
      // Between the claim (queued → sending) and the send: the person confirms the policy in the tab.
      renderCard: async (round, recipient) => {
        await ports.acknowledgements.record(acknowledgementOf(reader));
        return kickoffCardFor(round, recipient, ports);
      },
    });
    expect(outcome).toBe('sent');
    expect(stack.connector.activities.length).toBe(sentBefore + 1);
    const member = (await ports.roundMembers.get(roundId, userId))!.member;
    expect(member).toMatchObject({ delivery: 'sent', deliveryAttempts: 1, latestAcknowledgement: { policyVersion, toolId: 'm365-copilot' } });
    expect(await deliverKickoff(roundId, userId, ports, { attempt: 1, maxAttempts: 5, renderCard: (round, recipient) => kickoffCardFor(round, recipient, ports) })).toBe('already-sent');
    expect(stack.connector.activities.length).toBe(sentBefore + 1);

    const outline = await call(reader, 'GET', `/rounds/${roundId}/outline`);
    expect(outline.json.acknowledgedPolicyVersion).toBe(policyVersion);
  });

  it('is read from the acknowledgements for a member row written before the copy existed', async () => {
    const userId = parseUserId(earlier.id)!;
    await wiring.ports.acknowledgements.record(acknowledgementOf(earlier));
    // The row as it was stored before: no latestAcknowledgement column.
    const members = EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}RoundMembers`, 'round member');
    const row = (await members.get(roundId, userId))!;
    const { latestAcknowledgement: _copy, via, delivery, deliveryAttempts, deliveryReason, deliveredAt, updatedAt } = row.properties as Record<string, string | number | null>;
    await members.update(roundId, userId, { via, delivery, deliveryAttempts, deliveryReason, deliveredAt, updatedAt }, row.etag);
    expect((await wiring.ports.roundMembers.get(roundId, userId))!.member.latestAcknowledgement).toBeUndefined();

    const outline = await call(earlier, 'GET', `/rounds/${roundId}/outline`);
    expect(outline.json.acknowledgedPolicyVersion).toBe(policyVersion);
    const me = await call(earlier, 'GET', `/rounds/${roundId}/me`);
    expect(me.json.needsAcknowledgement).toBe(false);
  });
});
