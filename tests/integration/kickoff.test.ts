import { QueueClient } from '@azure/storage-queue';
import { createStorageJobQueue } from '../../src/adapters/queues/storageJobQueue';
import { parseUserId } from '../../src/domain/ids';
import { parseRoundId } from '../../src/domain/roundIds';
import { jobQueueName } from '../../src/jobs/handlers';
import { kickoffJob } from '../../src/usecases/kickoff';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { testConnectionString } from '../support/storage';
import { cardOf, installActivity, postActivity } from '../support/activities';
import { eventually } from '../support/eventually';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';
import { cardSchemaErrors } from '../support/cardSchema';

// Opening a round reaches every participant exactly once: by the chat they already have with the bot,
// or by installing the app for them through Graph first.
const organisation = loadDemoOrganisation();
const owner = organisation.people.find((p) => p.programmeOwner)!;
const everyoneButCeo = organisation.people.filter((p) => p.managerId);
const alreadyChatting = everyoneButCeo[3]!;
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';

let stack: TestStack;
const asOwner = { 'content-type': 'application/json', 'x-dev-user': owner.id };

beforeAll(async () => {
  stack = await startTestStack('kickoff', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID, AUTH_MODE: 'dev' } });
  // This person has talked to the bot before, so their conversation is known.
  await postActivity(stack.service.url, installActivity({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person: alreadyChatting }));
  await stack.connector.waitFor(`a:${alreadyChatting.id}`);
  stack.connector.clear();
}, 30_000);

afterAll(async () => { await stack.stop(); });

async function createAndOpen(): Promise<string> {
  const created = await fetch(`${stack.service.url}/api/rounds`, { method: 'POST', headers: asOwner, body: JSON.stringify(aNewRoundBody(organisation)) });
  expect(created.status).toBe(201);
  const round = (await created.json()) as { id: string };
  const opened = await fetch(`${stack.service.url}/api/rounds/${round.id}/open`, { method: 'POST', headers: asOwner });
  expect(opened.status).toBe(202);
  return round.id;
}

async function statusOf(roundId: string) {
  const response = await fetch(`${stack.service.url}/api/rounds/${roundId}`, { headers: asOwner });
  expect(response.status).toBe(200);
  return (await response.json()) as { people: Array<{ userId: string; kickoff: { state: string; reason: string | null } }> };
}

describe('opening a round', () => {
  let roundId: string;

  it('messages every person under the chosen manager once, with a valid kickoff card', async () => {
    stack.sandbox.control.reset();
    roundId = await createAndOpen();
    const status = await eventually(async () => {
      const s = await statusOf(roundId);
      expect(s.people.filter((p) => p.kickoff.state === 'sent')).toHaveLength(everyoneButCeo.length);
      return s;
    }, { timeoutInMs: 20_000 });
    expect(status.people.map((p) => p.userId).sort()).toEqual(everyoneButCeo.map((p) => p.id).sort());

    // One activity per person: the known chat for the person who talked to the bot, the new chat for the rest.
    const byConversation = new Map<string, number>();
    for (const sent of stack.connector.activities) byConversation.set(sent.conversationId, (byConversation.get(sent.conversationId) ?? 0) + 1);
    expect([...byConversation.values()].every((n) => n === 1)).toBe(true);
    expect(byConversation.size).toBe(everyoneButCeo.length);
    expect(byConversation.get(`a:${alreadyChatting.id}`)).toBe(1);
    const card = cardOf(stack.connector.activities[0]!.activity);
    expect(cardSchemaErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('startExperiment');
  });

  it('installed the app through Graph for people who had not opened it, with valid requests', () => {
    const installs = stack.sandbox.control.requests().filter((r) => r.method === 'POST' && /teamwork\/installedApps$/.test(r.path));
    expect(installs).toHaveLength(everyoneButCeo.length - 1);
    expect(stack.sandbox.control.invalidRequests()).toEqual([]);
  });

  it('sends nothing more when the round is opened again', async () => {
    const before = stack.connector.activities.length;
    const again = await fetch(`${stack.service.url}/api/rounds/${roundId}/open`, { method: 'POST', headers: asOwner });
    expect(again.status).toBe(200);
    expect((await again.json()).kickoffsQueued).toBe(0);
    expect(stack.connector.activities.length).toBe(before);
  });

  it('sends nothing more when a kickoff job is delivered again (a retry or a duplicate message)', async () => {
    const before = stack.connector.activities.length;
    const queue = createStorageJobQueue({ connectionString: testConnectionString(), queueName: jobQueueName(stack.tablePrefix) });
    await queue.send(everyoneButCeo.map((p) => kickoffJob(parseRoundId(roundId)!, parseUserId(p.id)!)));
    // The duplicates are consumed (the queue drains) without a single new message.
    const raw = new QueueClient(testConnectionString(), jobQueueName(stack.tablePrefix));
    await eventually(async () => {
      expect((await raw.getProperties()).approximateMessagesCount).toBe(0);
    }, { timeoutInMs: 15_000 });
    expect(stack.connector.activities.length).toBe(before);
  });

  it('shows the reason when a person cannot be reached', async () => {
    stack.connector.clear();
    stack.connector.failNext({ status: 403, count: 100, code: 'ConversationBlockedByUser' });
    const blockedRound = await createAndOpen();
    const status = await eventually(async () => {
      const s = await statusOf(blockedRound);
      expect(s.people.every((p) => p.kickoff.state === 'failed')).toBe(true);
      return s;
    }, { timeoutInMs: 20_000 });
    expect(status.people[0]!.kickoff.reason).toMatch(/blocked the app/);
  });

  it('is refused to someone who is not a programme owner', async () => {
    const response = await fetch(`${stack.service.url}/api/rounds`, { method: 'POST', headers: { ...asOwner, 'x-dev-user': alreadyChatting.id }, body: JSON.stringify(aNewRoundBody(organisation)) });
    expect(response.status).toBe(403);
  });
});
