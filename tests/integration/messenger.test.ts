import { Writable } from 'node:stream';
import { createGraphClient } from '../../src/adapters/graph/client';
import { createGraphDirectory } from '../../src/adapters/graph/directory';
import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableMemberRepo } from '../../src/adapters/tables/memberRepo';
import { createBot, type CreateBotOptions } from '../../src/bot/bot';
import type { BotDependencies } from '../../src/bot/dependencies';
import { loadConfig } from '../../src/config';
import { botDependenciesOf } from '../../src/wiring';
import { parseTenantId } from '../../src/domain/ids';
import { createLogger } from '../../src/logging';
import { DeliveryError, type CardContent } from '../../src/ports/chatMessenger';
import { systemClock } from '../../src/ports/clock';
import type { PersonalConversation } from '../../src/ports/memberRepo';
import { startBotConnector, type RunningConnector } from '../../tools/bot-connector/server';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { startGraphSandbox, type RunningGraphSandbox } from '../../tools/graph-sandbox/server';
import { cardOf } from '../support/activities';
import { eventually } from '../support/eventually';
import { testConnectionString, uniquePrefix } from '../support/storage';

// The bot's proactive path over real HTTP: createBot (anonymous, as locally) with its real adapters,
// sending into the Bot Connector stand-in, which enforces Teams' 50 requests/s and can refuse sends.

const organisation = loadDemoOrganisation();
const tenantId = parseTenantId(organisation.tenantId)!;
const BOT_ID = '28:practice-loop-test-bot';
const tablePrefix = uniquePrefix('messenger');
const logLines: string[] = [];
let connector: RunningConnector;
let sandbox: RunningGraphSandbox;
let deps: BotDependencies;

function botWith(options: CreateBotOptions = {}) {
  return createBot({ appType: 'MultiTenant' }, deps, options);
}

function conversation(id: string, serviceUrl = connector.url): PersonalConversation {
  return { conversationId: id, serviceUrl, channelId: 'msteams', botId: BOT_ID, tenantId };
}

function kickoffCard(name: string): CardContent {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body: [{ type: 'TextBlock', text: `Hi ${name}, the round starts Monday`, wrap: true }] };
}

beforeAll(async () => {
  connector = await startBotConnector({ requestsPerSecond: 50 });
  sandbox = await startGraphSandbox({ port: 0 });
  const destination = new Writable({ write(chunk, _encoding, done) { logLines.push(String(chunk)); done(); } });
  // The bot's real dependencies, wired exactly as the service wires them.
  const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: tablePrefix, GRAPH_BASE_URL: sandbox.url });
  deps = botDependenciesOf(config, createLogger('messenger-test', { destination, level: 'debug' }));

});

afterAll(async () => {
  await connector.close();
  await sandbox.close();
});

beforeEach(() => connector.clear());

describe('sendCard', () => {
  it('delivers exactly one card to each of 150 conversations although the connector throttles', async () => {
    // Pushed at 150/s against the connector's 50/s, so throttling is certain and the retries must absorb it.
    let pushedBack = 0;
    const { messenger } = botWith({ messenger: { requestsPerSecond: 150, onThrottled: () => { pushedBack++; } } });
    const throttledBefore = connector.throttledCount();
    const ids = Array.from({ length: 150 }, (_, i) => `a:kickoff-${i}`);

    const results = await Promise.all(ids.map((id, i) => messenger.sendCard(conversation(id), kickoffCard(`person ${i}`))));

    expect(connector.throttledCount() - throttledBefore).toBeGreaterThan(0);
    expect(pushedBack).toBe(connector.throttledCount() - throttledBefore);
    expect(connector.activities).toHaveLength(150);
    const perConversation = new Map<string, number>();
    for (const captured of connector.activities) perConversation.set(captured.conversationId, (perConversation.get(captured.conversationId) ?? 0) + 1);
    expect([...perConversation.keys()].sort()).toEqual([...ids].sort());
    expect([...perConversation.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(results.map((r) => r.activityId)).size).toBe(150);
    expect(results.every((r) => r.activityId.length > 0)).toBe(true);
  });

  it('sends an Adaptive Card attachment as the bot, into the conversation, not as a reply', async () => {
    const { messenger } = botWith();

    await messenger.sendCard(conversation('a:card-shape'), kickoffCard('Neha'));

    const [captured] = await connector.waitFor('a:card-shape');
    expect(captured).toMatchObject({ method: 'POST', replyToId: null });
    expect(cardOf(captured!.activity)).toEqual(kickoffCard('Neha'));
    expect(captured!.activity).toMatchObject({
      type: 'message',
      from: { id: BOT_ID },
      conversation: { id: 'a:card-shape', tenantId, conversationType: 'personal' },
      channelId: 'msteams',
    });
  });

  it('keeps every messenger of the bot in this process to one pace (50/s by default)', async () => {
    // Two bots with the same app id share the process-wide limiter: 120 sends take at least 119 × 20 ms.
    const first = botWith().messenger;
    const second = botWith().messenger;
    const startedAt = Date.now();

    await Promise.all(Array.from({ length: 120 }, (_, i) =>
      (i % 2 === 0 ? first : second).sendCard(conversation(`a:paced-${i}`), kickoffCard(`person ${i}`))));

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(119 * 20 - 50);
    expect(connector.activities).toHaveLength(120);
    expect(new Set(connector.activities.map((a) => a.conversationId)).size).toBe(120);
  });

  it('refuses for good, with a readable reason, when the person blocked the app (403)', async () => {
    const { messenger } = botWith();
    connector.failNext({ status: 403, code: 'ConversationBlockedByUser', conversationId: 'a:blocked' });

    const failure = await messenger.sendCard(conversation('a:blocked'), kickoffCard('Tom')).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ retryable: false, message: expect.stringMatching(/blocked the app/) });
    expect((failure as DeliveryError).cause).toBeDefined();
    expect(connector.requestsTo('a:blocked')).toBe(1);
    expect(connector.activities).toHaveLength(0);
  });

  it('refuses for good when the conversation is gone (404)', async () => {
    const { messenger } = botWith();
    connector.failNext({ status: 404, conversationId: 'a:gone' });

    const failure = await messenger.sendCard(conversation('a:gone'), kickoffCard('Maya')).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: 'DeliveryError', retryable: false, message: expect.stringMatching(/no longer exists/) });
    expect(connector.requestsTo('a:gone')).toBe(1);
  });

  it('delivers once after a 503 (retried in place)', async () => {
    const { messenger } = botWith({ messenger: { backoffBaseInMs: 20 } });
    connector.failNext({ status: 503, conversationId: 'a:flaky' });

    const { activityId } = await messenger.sendCard(conversation('a:flaky'), kickoffCard('Arjun'));

    expect(connector.requestsTo('a:flaky')).toBe(2);
    expect(connector.activities.map((a) => a.conversationId)).toEqual(['a:flaky']);
    expect(activityId).toEqual(expect.any(String));
  });

  it('gives up after maxAttempts with a retryable DeliveryError, counting every request (no hidden SDK retries)', async () => {
    const { messenger } = botWith();
    connector.failNext({ status: 429, count: 6, retryAfterSeconds: 0, conversationId: 'a:busy' });

    const failure = await messenger.sendCard(conversation('a:busy'), kickoffCard('Oliver')).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ retryable: true, message: expect.stringMatching(/5 attempts.*429/) });
    expect(connector.requestsTo('a:busy')).toBe(5);
    expect(connector.activities).toHaveLength(0);
  });

  it('retries a 412 from the connector', async () => {
    const { messenger } = botWith({ messenger: { backoffBaseInMs: 20 } });
    connector.failNext({ status: 412, count: 2, conversationId: 'a:precondition' });

    await messenger.sendCard(conversation('a:precondition'), kickoffCard('Jordan'));

    expect(connector.requestsTo('a:precondition')).toBe(3);
    expect(connector.activities).toHaveLength(1);
  });

  it('stops waiting for a Retry-After when the caller aborts', async () => {
    const { messenger } = botWith();
    connector.failNext({ status: 429, retryAfterSeconds: 30, conversationId: 'a:patient' });
    const controller = new AbortController();
    const reason = new Error('the kickoff job was cancelled');

    const sending = messenger.sendCard(conversation('a:patient'), kickoffCard('Carlos'), { abortSignal: controller.signal });
    await eventually(() => expect(connector.requestsTo('a:patient')).toBe(1));
    const abortedAt = Date.now();
    controller.abort(reason);

    await expect(sending).rejects.toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(connector.activities).toHaveLength(0);
  });

  it('stops waiting for its turn in the pace when the caller aborts', async () => {
    const { messenger } = botWith({ messenger: { requestsPerSecond: 1 } });
    await messenger.sendCard(conversation('a:slow-1'), kickoffCard('Emily'));
    const controller = new AbortController();

    const queued = messenger.sendCard(conversation('a:slow-2'), kickoffCard('Emily'), { abortSignal: controller.signal });
    const abortedAt = Date.now();
    controller.abort();

    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(500);
  });

  it('reports a connector that does not answer as retryable, after its attempts', async () => {
    const closed = await startBotConnector();
    const unreachable = closed.url;
    await closed.close();
    const { messenger } = botWith({ messenger: { maxAttempts: 3, backoffBaseInMs: 10 } });

    const failure = await messenger.sendCard(conversation('a:nowhere', unreachable), kickoffCard('Sofia')).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ retryable: true, message: expect.stringMatching(/3 attempts.*no answer/) });
  });
});
