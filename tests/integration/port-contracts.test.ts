import { createGraphCalendar } from '../../src/adapters/graph/calendar';
import { createGraphClient } from '../../src/adapters/graph/client';
import { createGraphDirectory } from '../../src/adapters/graph/directory';
import { createQueueClient, decodeJobMessage } from '../../src/adapters/queues/queueMessages';
import { createStorageJobQueue } from '../../src/adapters/queues/storageJobQueue';
import { EntityTable, EntityTooLargeError, TABLE_LIMITS } from '../../src/adapters/tables/entityTable';
import { createTableAssetRepo } from '../../src/adapters/tables/assetRepo';
import { createTableBookingRepo } from '../../src/adapters/tables/bookingRepo';
import { createTableAcknowledgementRepo, createTableExperimentRepo } from '../../src/adapters/tables/experimentRepo';
import { createTableJournalRepo } from '../../src/adapters/tables/journalRepo';
import { createTableOutbox } from '../../src/adapters/tables/outbox';
import { createTableRepositories } from '../../src/adapters/tables/repositories';
import { createTableRoundMemberRepo, createTableRoundRepo } from '../../src/adapters/tables/roundRepo';
import { createTableScheduleStore } from '../../src/adapters/tables/scheduleStore';
import { createTableSharebackSessionRepo } from '../../src/adapters/tables/sharebackSessionRepo';
import { createAsset, parseAssetId } from '../../src/domain/asset';
import { parseUserId, type UserId } from '../../src/domain/ids';
import { saveJournalEntry } from '../../src/domain/journal';
import { experimentIdFor } from '../../src/domain/roundIds';
import { createBot } from '../../src/bot/bot';
import { loadConfig } from '../../src/config';
import { parseTenantId } from '../../src/domain/ids';
import { silentLogger } from '../../src/logging';
import type { Booking } from '../../src/ports/bookingRepo';
import { DeliveryError, type CardContent, type ChatMessenger } from '../../src/ports/chatMessenger';
import { botDependenciesOf } from '../../src/wiring';
import { experimentOutbox } from '../../src/usecases/outbox';
import { startBotConnector, type RunningConnector } from '../../tools/bot-connector/server';
import { cardOf } from '../support/activities';
import { MailboxUnavailableError, type CalendarPort } from '../../src/ports/calendar';
import type { DirectoryPort } from '../../src/ports/directory';
import type { Job, JobQueue } from '../../src/ports/jobQueue';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../../src/ports/storageErrors';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { startGraphSandbox, type RunningGraphSandbox } from '../../tools/graph-sandbox/server';
import { aRound, anExperiment, NOW, PEOPLE, ROUND_ID, later, unwrap } from '../support/builders';
import { fakeCalendar, fakeDirectory, fakeJobQueue, fakeMessenger, memoryEntityTable, peopleOf } from '../support/fakes';
import { testConnectionString, uniquePrefix } from '../support/storage';

/*
 * One contract, two implementations: every expectation below runs on the real adapters (Azurite's tables and
 * queues, the Graph sandbox through the Graph adapters) and on the in-memory kit of tests/support/fakes. The
 * use-case tests on the fakes (tests/usecases) are only as good as this file: when the fakes and the real
 * adapters part ways, it fails here first. Expectations are derived from the demo organisation, never from
 * one implementation's answers.
 */

const organisation = loadDemoOrganisation();
const SATURDAY = { start: '2026-01-17T00:00:00.000Z', end: '2026-01-18T00:00:00.000Z' }; // no seeded meetings on Saturdays
const NOBODY = '00000000-0000-4000-8000-000000000000' as UserId;

function userIdOf(person: DemoPerson): UserId {
  const id = parseUserId(person.id);
  if (!id) throw new Error(`${person.displayName} has no object id`);
  return id;
}

const withManager = organisation.people.find((p) => p.managerId !== null)!;
const manager = organisation.people.find((p) => p.id === withManager.managerId)!;
const top = organisation.people.find((p) => p.managerId === null)!;

interface Backend {
  table(name: string, label: string): EntityTable;
  readonly directory: DirectoryPort;
  readonly calendar: CalendarPort;
  /** A fresh queue, and a way to read back what it holds (as a worker would receive it). */
  queue(): Promise<{ jobs: JobQueue; read(): Promise<Job[]> }>;
  readonly messenger: ChatMessenger;
  /** Where a conversation lives (the connector's URL for the real one), what arrived in it, and "the person blocked the app" next time. */
  readonly serviceUrl: string;
  delivered(conversationId: string): Promise<CardContent[]>;
  blockNext(conversationId: string): void;
}

let sandbox: RunningGraphSandbox;
let connector: RunningConnector;
let realMessenger: ChatMessenger;
const createdTables: EntityTable[] = [];
const prefix = uniquePrefix('contract');
let queues = 0;

const real: Backend = {
  table(name, label) {
    const table = EntityTable.fromConnectionString(testConnectionString(), `${prefix}${name}${createdTables.length}`, label);
    createdTables.push(table);
    return table;
  },
  get directory() {
    return createGraphDirectory(createGraphClient({ baseUrl: sandbox.url, credential: { kind: 'sandbox' } }));
  },
  get calendar() {
    return createGraphCalendar(createGraphClient({ baseUrl: sandbox.url, credential: { kind: 'sandbox' } }));
  },
  async queue() {
    const queueName = `${prefix}-q${++queues}`;
    const jobs = createStorageJobQueue({ connectionString: testConnectionString(), queueName });
    await jobs.ensureCreated();
    const raw = createQueueClient(testConnectionString(), queueName);
    return {
      jobs,
      async read() {
        const { peekedMessageItems } = await raw.peekMessages({ numberOfMessages: 32 });
        return peekedMessageItems.map((m) => {
          const decoded = decodeJobMessage(m.messageText);
          if (!decoded.ok) throw new Error(decoded.problem);
          const { kind, id, payload } = decoded.envelope;
          return { kind, id, payload };
        });
      },
    };
  },
  get messenger() {
    return realMessenger;
  },
  get serviceUrl() {
    return connector.url;
  },
  async delivered(conversationId) {
    return connector.activities.filter((a) => a.conversationId === conversationId).map((a) => cardOf(a.activity) as CardContent);
  },
  blockNext(conversationId) {
    connector.failNext({ status: 403, code: 'ConversationBlockedByUser', conversationId });
  },
};

// The fake calendar keeps its events across the suite, as the sandbox's mailboxes do.
const memoryPeople = peopleOf(organisation);
const memoryCalendar = fakeCalendar(memoryPeople);
const memoryMessenger = fakeMessenger();
const memory: Backend = {
  messenger: memoryMessenger,
  serviceUrl: 'https://smba.example/teams/',
  delivered: async (conversationId) => memoryMessenger.sent.filter((s) => s.conversationId === conversationId).map((s) => s.card),
  blockNext: (conversationId) => memoryMessenger.failNext(conversationId, new DeliveryError('The person blocked the app in Teams.', false)),
  table: (name, label) => memoryEntityTable(name, label),
  directory: fakeDirectory(memoryPeople),
  calendar: memoryCalendar,
  async queue() {
    const jobs = fakeJobQueue();
    return { jobs, read: async () => jobs.sent.filter((s) => s.delayInMs === 0).map((s) => s.job) };
  },
};

beforeAll(async () => {
  sandbox = await startGraphSandbox({ now: () => new Date('2026-01-14T12:00:00Z') });
  connector = await startBotConnector({ requestsPerSecond: 50 });
  // The bot's proactive messenger as the service wires it (anonymous, as locally), sending into the connector stand-in.
  const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: `${prefix}bot`, GRAPH_BASE_URL: sandbox.url });
  realMessenger = createBot({ appType: 'MultiTenant' }, botDependenciesOf(config, silentLogger)).messenger;
});

afterAll(async () => {
  await connector?.close();
  await sandbox?.close();
  for (const table of createdTables) await table.deleteTable().catch(() => undefined);
  for (let n = 1; n <= queues; n++) await createQueueClient(testConnectionString(), `${prefix}-q${n}`).deleteIfExists();
});

describe.each([
  ['Azurite and the Graph sandbox', real],
  ['the in-memory fakes', memory],
] as const)('the port contract on %s', (_name, backend) => {
  describe('a table', () => {
    let table: EntityTable;
    beforeAll(async () => {
      table = backend.table('Contract', 'contract row');
      await table.ensureCreated();
      await table.ensureCreated(); // a second create of the same table is quiet
    });

    it('reads back what it wrote, under keys with / \\ # ? and non-ASCII, and drops null properties', async () => {
      const partition = 'p/1#?\\ Zoë';
      await table.create(partition, 'row|1', { text: "it's 🚀 'quoted'", count: 3, ratio: 1.5, yes: true, gone: null, skipped: undefined });
      const read = await table.get(partition, 'row|1');
      expect(read).toMatchObject({ partitionKey: partition, rowKey: 'row|1', properties: { text: "it's 🚀 'quoted'", count: 3, ratio: 1.5, yes: true } });
      expect(read?.properties).not.toHaveProperty('gone');
      expect(read?.properties).not.toHaveProperty('skipped');
      expect(await table.get(partition, 'row|2')).toBeNull();
    });

    it('refuses a second create of a key, and an update with an ETag that is no longer current', async () => {
      const first = await table.create('etags', 'one', { n: 1 });
      await expect(table.create('etags', 'one', { n: 99 })).rejects.toBeInstanceOf(EntityAlreadyExistsError);
      const second = await table.update('etags', 'one', { n: 2 }, first);
      expect(second).not.toBe(first);
      await expect(table.update('etags', 'one', { n: 3 }, first)).rejects.toBeInstanceOf(ConcurrencyConflictError);
      await expect(table.update('etags', 'missing', { n: 1 }, second)).rejects.not.toBeInstanceOf(ConcurrencyConflictError);
      const upserted = await table.upsert('etags', 'one', { other: 'x' });
      expect(upserted).not.toBe(second);
      expect((await table.get('etags', 'one'))?.properties).not.toHaveProperty('n'); // upsert replaces the row
      await expect(table.update('etags', 'one', { n: 4 }, second)).rejects.toBeInstanceOf(ConcurrencyConflictError);
    });

    it('applies an entity-group transaction whole, or not at all when one key is taken or one ETag is stale', async () => {
      const [a, b] = await table.transact('txn', [{ kind: 'create', rowKey: 'a', properties: { n: 1 } }, { kind: 'create', rowKey: 'b', properties: { n: 1 } }]);
      expect((await table.get('txn', 'a'))?.etag).toBe(a);
      await expect(table.transact('txn', [{ kind: 'create', rowKey: 'c', properties: { n: 1 } }, { kind: 'create', rowKey: 'a', properties: { n: 9 } }])).rejects.toBeInstanceOf(EntityAlreadyExistsError);
      expect(await table.get('txn', 'c')).toBeNull();
      const [a2] = await table.transact('txn', [{ kind: 'update', rowKey: 'a', properties: { n: 2 }, ifMatch: a! }, { kind: 'upsert', rowKey: 'd', properties: { n: 1 } }]);
      await expect(table.transact('txn', [{ kind: 'update', rowKey: 'b', properties: { n: 3 }, ifMatch: b! }, { kind: 'update', rowKey: 'a', properties: { n: 3 }, ifMatch: a! }])).rejects.toBeInstanceOf(ConcurrencyConflictError);
      expect((await table.get('txn', 'b'))?.properties.n).toBe(1); // the good half was not applied either
      expect((await table.get('txn', 'a'))).toMatchObject({ etag: a2, properties: { n: 2 } });
    });

    it('deletes quietly when the row is already gone', async () => {
      await table.create('deletes', 'one', { n: 1 });
      await table.delete('deletes', 'one');
      await table.delete('deletes', 'one');
      expect(await table.get('deletes', 'one')).toBeNull();
    });

    it('lists one partition in row-key order, and a row-key prefix as a range', async () => {
      for (const rowKey of ['b|2', 'a|1', 'b|10', 'b|1', 'bz', 'ä|1', 'c']) await table.create('listing', rowKey, { label: rowKey });
      await table.create('listing-other', 'b|1', { label: 'other partition' });
      const all: string[] = [];
      for await (const row of table.listPartition('listing')) all.push(row.rowKey);
      // Ordinal order of the encoded keys: "ä|1" is "!C3!A4!7C1" and "b|1" is "b!7C1", so both sort before "bz".
      expect(all).toEqual(['ä|1', 'a|1', 'b|1', 'b|10', 'b|2', 'bz', 'c']);
      const prefixed: string[] = [];
      for await (const row of table.listPartition('listing', { rowKeyPrefix: 'b|' })) prefixed.push(row.rowKey);
      expect(prefixed).toEqual(['b|1', 'b|10', 'b|2']);
      await table.probe();
    });

    it('applies a transaction whole or not at all, and leaves bookkeeping rows out of a listing unless asked', async () => {
      const first = await table.create('batch', 'kept', { n: 1 });
      const etags = await table.transact('batch', [
        { kind: 'update', rowKey: 'kept', properties: { n: 2 }, ifMatch: first },
        { kind: 'create', rowKey: '~count|00', properties: { counts: '{"a":1}' } },
        { kind: 'upsert', rowKey: 'added', properties: { n: 1 } },
      ]);
      expect(etags).toHaveLength(3);
      expect((await table.get('batch', 'kept'))?.etag).toBe(etags[0]);
      // A stale ETag in the middle: nothing of the transaction is applied.
      await expect(table.transact('batch', [
        { kind: 'create', rowKey: 'never', properties: { n: 1 } },
        { kind: 'update', rowKey: 'kept', properties: { n: 3 }, ifMatch: first },
      ])).rejects.toBeInstanceOf(ConcurrencyConflictError);
      await expect(table.transact('batch', [{ kind: 'create', rowKey: 'added', properties: { n: 9 } }])).rejects.toBeInstanceOf(EntityAlreadyExistsError);
      expect(await table.get('batch', 'never')).toBeNull();
      expect((await table.get('batch', 'kept'))?.properties).toMatchObject({ n: 2 });
      await table.transact('batch', [{ kind: 'delete', rowKey: 'added' }]);
      const records: string[] = [];
      for await (const row of table.listPartition('batch')) records.push(row.rowKey);
      expect(records).toEqual(['kept']);
      const bookkeeping: string[] = [];
      for await (const row of table.listPartition('batch', { rowKeyPrefix: '~' })) bookkeeping.push(row.rowKey);
      expect(bookkeeping).toEqual(['~count|00']);
      expect((await table.listRange('batch', { limit: 5 })).map((row) => row.rowKey)).toEqual(['kept']);
    });

    it('writes rows alongside a create or an update in one transaction: all of them, or none when one write is refused', async () => {
      const etag = await table.create('together', 'main', { n: 1 }, { alongside: [{ kind: 'create', rowKey: '~side|a', properties: { s: 'a' } }, { kind: 'upsert', rowKey: '~side|b', properties: { s: 'b' } }] });
      expect((await table.get('together', 'main'))?.etag).toBe(etag);
      const sides = async () => { const keys: string[] = []; for await (const row of table.listPartition('together', { rowKeyPrefix: '~side|' })) keys.push(row.rowKey); return keys; };
      expect(await sides()).toEqual(['~side|a', '~side|b']);
      // A stale ETag on the main row: the side rows are not written either.
      const next = await table.update('together', 'main', { n: 2 }, etag, { alongside: [{ kind: 'delete', rowKey: '~side|a' }] });
      await expect(table.update('together', 'main', { n: 3 }, etag, { alongside: [{ kind: 'create', rowKey: '~side|c', properties: { s: 'c' } }] })).rejects.toBeInstanceOf(ConcurrencyConflictError);
      expect(await sides()).toEqual(['~side|b']);
      // A taken side key: the main row keeps its value and ETag.
      await expect(table.update('together', 'main', { n: 4 }, next, { alongside: [{ kind: 'create', rowKey: '~side|b', properties: { s: 'again' } }] })).rejects.toBeInstanceOf(EntityAlreadyExistsError);
      expect(await table.get('together', 'main')).toMatchObject({ etag: next, properties: { n: 2 } });
    });

    it('refuses a text field over the limit before calling the service', async () => {
      await expect(table.create('limits', 'long', { text: 'x'.repeat(TABLE_LIMITS.maxStringPropertyCharacters + 1) })).rejects.toBeInstanceOf(EntityTooLargeError);
      await table.create('limits', 'fits', { text: 'x'.repeat(TABLE_LIMITS.maxStringPropertyCharacters) });
      expect(String((await table.get('limits', 'fits'))?.properties.text)).toHaveLength(TABLE_LIMITS.maxStringPropertyCharacters);
      await expect(table.create('limits', 'k'.repeat(513), { n: 1 })).rejects.toThrow(/512 characters/);
    });
  });

  describe('the repositories', () => {
    const roundTables = () => ({
      rounds: backend.table('Rounds', 'round'), roundsByOwner: backend.table('RoundsByOwner', 'owner index'), members: backend.table('RoundMembers', 'round member'),
      memberships: backend.table('Memberships', 'membership'), roundsByStatus: backend.table('RoundsByStatus', 'round status index'),
    });

    it('rounds: create once, update only from the current read, owner and open lists follow', async () => {
      const tables = roundTables();
      const rounds = createTableRoundRepo(tables);
      const members = createTableRoundMemberRepo(tables);
      const round = aRound({ status: 'open' });
      const created = await rounds.create(round);
      await expect(rounds.create(round)).rejects.toBeInstanceOf(EntityAlreadyExistsError);
      const renamed = await rounds.update({ ...round, name: 'Renamed', version: round.version + 1 }, created.etag);
      await expect(rounds.update({ ...round, name: 'Lost' }, created.etag)).rejects.toBeInstanceOf(ConcurrencyConflictError);
      expect((await rounds.get(ROUND_ID))?.etag).toBe(renamed.etag);
      expect((await rounds.get(ROUND_ID))?.round.name).toBe('Renamed');
      expect((await rounds.listForOwner(PEOPLE.omar)).map((r) => [r.roundId, r.name])).toEqual([[ROUND_ID, 'Renamed']]);
      expect(await rounds.listOpen()).toEqual([ROUND_ID]);
      expect(new Set((await members.list(ROUND_ID)).map((m) => m.userId))).toEqual(new Set(round.participantIds));
      expect(await members.addQueued(ROUND_ID, [{ userId: PEOPLE.dana, via: 'named' }, { userId: PEOPLE.sam, via: 'manager' }], NOW)).toEqual([PEOPLE.sam]);
      expect(await members.roundsOf(PEOPLE.sam)).toEqual([ROUND_ID]);
      await rounds.update({ ...round, status: 'closed', version: round.version + 2 }, renamed.etag);
      expect(await rounds.listOpen()).toEqual([]);
      // Many rows at once: read together, written in one transaction that a single stale ETag refuses whole.
      const rows = await members.getMany(ROUND_ID, [PEOPLE.dana, PEOPLE.sam, NOBODY]);
      expect([...rows.keys()].sort()).toEqual([PEOPLE.dana, PEOPLE.sam].sort());
      const [dana, sam] = [rows.get(PEOPLE.dana)!, rows.get(PEOPLE.sam)!];
      const written = await members.updateMany(ROUND_ID, [dana, sam].map((row) => ({ member: { ...row.member, delivery: 'sending', chatId: `chat-${row.member.userId}` }, etag: row.etag })));
      expect((await members.get(ROUND_ID, PEOPLE.sam))).toEqual(written[1]);
      await expect(members.updateMany(ROUND_ID, [{ member: { ...dana.member, delivery: 'sent' }, etag: written[0]!.etag }, { member: { ...sam.member, delivery: 'sent' }, etag: sam.etag }])).rejects.toBeInstanceOf(ConcurrencyConflictError);
      expect((await members.get(ROUND_ID, PEOPLE.dana))?.member).toMatchObject({ delivery: 'sending', chatId: `chat-${PEOPLE.dana}` });
    });

    it('experiments and acknowledgements: one per person, the reviewer queue, the latest version', async () => {
      const experimentsTable = backend.table('Experiments', 'experiment');
      const experiments = createTableExperimentRepo({ experiments: experimentsTable, reviewQueue: backend.table('ReviewQueue', 'review queue entry') });
      const outbox = createTableOutbox((address) => ({ table: experimentsTable, partitionKey: address.roundId, recordRowKey: 'participantId' in address ? address.participantId : '' }));
      const roundTables = { rounds: backend.table('AckRounds', 'round'), roundsByOwner: backend.table('AckRoundsByOwner', 'owner index'), members: backend.table('AckRoundMembers', 'round member'), memberships: backend.table('AckMemberships', 'membership'), roundsByStatus: backend.table('AckRoundsByStatus', 'round status index') };
      const acknowledgements = createTableAcknowledgementRepo(backend.table('Acks', 'acknowledgement'), createTableRoundMemberRepo(roundTables));
      const experiment = anExperiment({ state: 'submitted' });
      const stored = await experiments.create(experiment);
      await expect(experiments.create(experiment)).rejects.toBeInstanceOf(EntityAlreadyExistsError);
      expect((await experiments.get(ROUND_ID, PEOPLE.dana))?.experiment).toEqual(experiment);
      expect(await experiments.listForReviewer(PEOPLE.maria)).toEqual([{ experimentId: experiment.id, roundId: ROUND_ID, participantId: PEOPLE.dana, state: 'submitted', updatedAt: experiment.updatedAt }]);
      const job = (id: string) => ({ kind: 'review.request', id, payload: { roundId: ROUND_ID, participantId: PEOPLE.dana } });
      const updated = await experiments.update({ ...experiment, version: experiment.version + 1 }, stored.etag, { outbox: [job('review:1'), job('review:2')] });
      await expect(experiments.update(experiment, stored.etag, { outbox: [job('review:lost')] })).rejects.toBeInstanceOf(ConcurrencyConflictError);
      // The outbox rows sit beside the experiment (saved with it, not with the lost write) and stay out of the round's list.
      expect(await outbox.pending(experimentOutbox(ROUND_ID, PEOPLE.dana))).toEqual([job('review:1'), job('review:2')]);
      expect(await outbox.pending(experimentOutbox(ROUND_ID, PEOPLE.lee))).toEqual([]);
      expect((await experiments.listForRound(ROUND_ID)).map((e) => e.version)).toEqual([updated.experiment.version]);
      await outbox.clear(experimentOutbox(ROUND_ID, PEOPLE.dana), ['review:1', 'review:1']);
      expect(await outbox.pending(experimentOutbox(ROUND_ID, PEOPLE.dana))).toEqual([job('review:2')]);
      const ack = { roundId: ROUND_ID, userId: PEOPLE.dana, policyVersion: 2, toolId: 'm365-copilot', otherToolName: null, toolTermsAccepted: true as const, acknowledgedAt: NOW };
      await acknowledgements.record(ack);
      await acknowledgements.record(ack);
      await acknowledgements.record({ ...ack, policyVersion: 10, acknowledgedAt: later(NOW, 5) });
      await acknowledgements.record({ ...ack, policyVersion: 1, acknowledgedAt: later(NOW, 9) });
      expect((await acknowledgements.latest(ROUND_ID, PEOPLE.dana))?.policyVersion).toBe(10);
      expect((await acknowledgements.listForRound(ROUND_ID)).map((a) => a.policyVersion)).toEqual([2, 10, 1]);
      expect(await acknowledgements.latest(ROUND_ID, PEOPLE.lee)).toBeNull();
    });

    it('journals and assets: one entry per week, reminders recorded once, assets conditional on their ETag', async () => {
      const journals = createTableJournalRepo({ journals: backend.table('Journals', 'journal entry'), reminders: backend.table('Reminders', 'journal reminder') });
      const assets = createTableAssetRepo(backend.table('Assets', 'asset'));
      const target = { experimentId: experimentIdFor(ROUND_ID, PEOPLE.dana), roundId: ROUND_ID, participantId: PEOPLE.dana };
      const entry = unwrap(saveJournalEntry(null, { ...target, weekStart: '2026-03-02' }, { improved: 'a/b #c ü 🚀', hoursPractised: 1.5 }, { actorId: PEOPLE.dana, now: '2026-03-06T16:00:00Z', currentWeekStart: '2026-03-09' }));
      await journals.create(entry);
      await expect(journals.create(entry)).rejects.toBeInstanceOf(EntityAlreadyExistsError);
      expect((await journals.get(target.experimentId, '2026-03-02'))?.entry).toEqual(entry);
      expect((await journals.statsForRound(ROUND_ID)).get(PEOPLE.dana)).toEqual({ entries: 1, lastEntryAt: entry.updatedAt, hoursLogged: 1.5 });
      const reminder = { userId: PEOPLE.dana, kind: 'prompt' as const, key: `${ROUND_ID}|2026-03-02`, at: '2026-03-06T15:00:00.000Z' };
      expect(await journals.recordReminder(reminder)).toBe(true);
      expect(await journals.recordReminder(reminder)).toBe(false);
      await journals.forgetReminder(reminder);
      expect(await journals.recordReminder(reminder)).toBe(true);

      const created = unwrap(createAsset({ kind: 'prompt', title: 'Pipeline summary', content: 'Summarise the pipeline', goodFor: 'the weekly pipeline call' }, { id: parseAssetId('a1b2c3d4-0000-4000-8000-000000000001')!, roundId: ROUND_ID, experimentId: target.experimentId, authorId: PEOPLE.dana, tool: 'Copilot', now: NOW }));
      const asset = { ...created, shared: true, sharedAt: NOW };
      const saved = await assets.create(asset);
      await expect(assets.create(asset)).rejects.toBeInstanceOf(EntityAlreadyExistsError);
      await assets.update({ ...asset, title: 'Changed' }, saved.etag);
      await expect(assets.update({ ...asset, title: 'Lost' }, saved.etag)).rejects.toBeInstanceOf(ConcurrencyConflictError);
      expect((await assets.listShared(ROUND_ID)).map((a) => a.title)).toEqual(['Changed']);
      expect((await assets.countsForRound(ROUND_ID)).get(PEOPLE.dana)).toEqual({ saved: 1, shared: 1 });
    });

    it('outboxes: any record’s save carries its effects in its own transaction, a lost race writes none, and the record reads as before', async () => {
      const repos = createTableRepositories((name, label) => backend.table(`Outbox${name}`, label));
      const job = (id: string) => ({ kind: 'shareback.schedule', id, payload: { roundId: ROUND_ID } });
      const round = aRound({ status: 'open' });
      const created = await repos.rounds.create(round);
      await repos.rounds.update({ ...round, name: 'Renamed', version: round.version + 1 }, created.etag, { outbox: [job('round:1')] });
      await expect(repos.rounds.update({ ...round, name: 'Lost' }, created.etag, { outbox: [job('round:lost')] })).rejects.toBeInstanceOf(ConcurrencyConflictError);
      expect(await repos.outbox.pending({ record: 'round', roundId: ROUND_ID })).toEqual([job('round:1')]);
      expect((await repos.rounds.get(ROUND_ID))?.round.name).toBe('Renamed');

      const booking: Booking = {
        experimentId: experimentIdFor(ROUND_ID, PEOPLE.dana), roundId: ROUND_ID, participantId: PEOPLE.dana, status: 'booked', reason: null, timeZone: 'Europe/London',
        extensionDays: 0, weeks: [{ week: 1, targetMinutes: 150, plannedMinutes: 60, shortfall: null }], updatedAt: NOW,
        blocks: [{ week: 1, index: 1, start: '2025-03-11T09:00:00.000Z', end: '2025-03-11T10:00:00.000Z', eventId: 'event-1', transactionId: 'tx-1' }],
      };
      await repos.bookings.save(booking, { previous: null, outbox: [job('booking:1')] });
      await expect(repos.bookings.save({ ...booking, status: 'failed' }, { previous: null, outbox: [job('booking:lost')] })).rejects.toBeInstanceOf(EntityAlreadyExistsError);
      const danasBooking = { record: 'booking', roundId: ROUND_ID, participantId: PEOPLE.dana } as const;
      expect(await repos.outbox.pending(danasBooking)).toEqual([job('booking:1')]);
      expect(await repos.outbox.pending({ ...danasBooking, participantId: PEOPLE.lee })).toEqual([]);
      expect((await repos.bookings.get(booking.experimentId))?.blocks).toHaveLength(1);

      const session = { roundId: ROUND_ID, grouping: 'team' as const, order: null, currentParticipantId: null, version: 1, endHandledAt: NOW, updatedAt: NOW };
      await repos.sharebackSessions.saveSession(session, null, { outbox: [job('end:1')] });
      await repos.sharebackSessions.saveEffects({ roundId: ROUND_ID, participantId: PEOPLE.dana, outcomes: { 'carry:x': { status: 'needs-owner', detail: 'No next round', ref: null, at: NOW } } }, null, { outbox: [job('owner:1')] });
      expect(await repos.outbox.pending({ record: 'sharebackSession', roundId: ROUND_ID })).toEqual([job('end:1')]);
      expect(await repos.outbox.pending({ record: 'decisionEffects', roundId: ROUND_ID, participantId: PEOPLE.dana })).toEqual([job('owner:1')]);
      // Rows of one record are not another's, though they share a partition.
      expect(await repos.outbox.pending({ record: 'summary', roundId: ROUND_ID, participantId: PEOPLE.dana })).toEqual([]);
      await repos.outbox.clear({ record: 'round', roundId: ROUND_ID }, ['round:1', 'round:1']);
      expect(await repos.outbox.pending({ record: 'round', roundId: ROUND_ID })).toEqual([]);
    });

    it('bookings: a save replaces the blocks; shareback sessions create once; a scheduled run is claimed once', async () => {
      const bookings = createTableBookingRepo({ bookings: backend.table('Bookings', 'booking'), bookingsByRound: backend.table('BookingsByRound', 'round booking index') });
      const block = (index: number) => ({ week: 1, index, start: `2025-03-1${index}T09:00:00.000Z`, end: `2025-03-1${index}T10:00:00.000Z`, eventId: null, transactionId: `tx-${index}` });
      const booking: Booking = {
        experimentId: experimentIdFor(ROUND_ID, PEOPLE.dana), roundId: ROUND_ID, participantId: PEOPLE.dana, status: 'planned', reason: null, timeZone: 'Europe/London',
        extensionDays: 0, weeks: [{ week: 1, targetMinutes: 150, plannedMinutes: 120, shortfall: null }], blocks: [block(1), block(2)], updatedAt: NOW,
      };
      await bookings.save(booking);
      await bookings.save({ ...booking, status: 'booked', blocks: [{ ...block(2), eventId: 'event-2' }] });
      expect((await bookings.get(booking.experimentId))?.blocks.map((b) => [b.index, b.eventId])).toEqual([[2, 'event-2']]);
      expect((await bookings.listForRound(ROUND_ID)).map((b) => b.status)).toEqual(['booked']);

      const sessions = createTableSharebackSessionRepo({ shareback: backend.table('Shareback', 'shareback session'), meetingChats: backend.table('MeetingChats', 'meeting chat link') });
      const session = { roundId: ROUND_ID, grouping: 'team' as const, order: null, currentParticipantId: null, version: 1, endHandledAt: null, updatedAt: NOW };
      const first = await sessions.saveSession(session, null);
      await expect(sessions.saveSession(session, null)).rejects.toBeInstanceOf(EntityAlreadyExistsError);
      await sessions.saveSession({ ...session, version: 2 }, first.etag);
      await expect(sessions.saveSession({ ...session, version: 3 }, first.etag)).rejects.toBeInstanceOf(ConcurrencyConflictError);
      expect((await sessions.getSession(ROUND_ID))?.value.version).toBe(2);
      await sessions.linkChat('19:meeting_abc@thread.v2', ROUND_ID);
      expect(await sessions.roundForChat('19:meeting_abc@thread.v2')).toBe(ROUND_ID);
      expect(await sessions.roundForChat('19:other@thread.v2')).toBeNull();

      const schedule = createTableScheduleStore(backend.table('Schedule', 'schedule'));
      const at = new Date(NOW);
      expect(await Promise.all([schedule.claimRun('digest', at, 60_000), schedule.claimRun('digest', at, 60_000)])).toEqual(expect.arrayContaining([true, false]));
      expect(await schedule.claimRun('digest', new Date(at.getTime() + 30_000), 60_000)).toBe(false);
      expect(await schedule.claimRun('digest', new Date(at.getTime() + 60_000), 60_000)).toBe(true);
    });
  });

  describe('the directory', () => {
    it('finds people, their manager and their reports as the organisation states them', async () => {
      const { directory } = backend;
      expect(await directory.getPerson(userIdOf(withManager))).toEqual({ id: withManager.id, displayName: withManager.displayName, mail: withManager.mail, jobTitle: withManager.jobTitle, department: withManager.department });
      expect((await directory.getManager(userIdOf(withManager)))?.id).toBe(manager.id);
      expect(await directory.getManager(userIdOf(top))).toBeNull();
      const reports = organisation.people.filter((p) => p.managerId === manager.id).map((p) => p.id).sort();
      expect((await directory.listDirectReports(userIdOf(manager))).map((p) => p.id).sort()).toEqual(reports);
      expect(await directory.getTimeZone(userIdOf(withManager))).toBe(withManager.timeZone);
      expect(await directory.getPerson(NOBODY)).toBeNull();
      // The same answers for many people at once (JSON batches on Graph).
      const many = await directory.listDirectReportsOfMany([userIdOf(manager), userIdOf(top), NOBODY]);
      expect(many.get(userIdOf(manager))!.map((p) => p.id).sort()).toEqual(reports);
      expect(many.get(NOBODY)).toEqual([]);
      const people = await directory.getPeople([userIdOf(withManager), NOBODY]);
      expect([...people.keys()]).toEqual([userIdOf(withManager)]);
      expect(await directory.getTimeZones([userIdOf(withManager)])).toEqual(new Map([[userIdOf(withManager), withManager.timeZone]]));
      const everyone: string[] = [];
      for await (const person of directory.listPeople()) everyone.push(person.id);
      expect(everyone.sort()).toEqual(organisation.people.map((p) => p.id).sort());
    });
  });

  describe('the calendar', () => {
    const organiser = userIdOf(withManager);
    const attendee = manager;
    const saturdayAt = (hour: number) => new Date(Date.parse(SATURDAY.start) + hour * 3_600_000).toISOString();
    const event = (transactionId: string, startHour: number, minutes: number, showAs: 'busy' | 'free' | 'tentative' = 'busy') => ({
      transactionId, subject: `Practice ${transactionId}`, bodyHtml: '<p>Practice</p>', categories: ['Practice Loop'], showAs,
      start: saturdayAt(startHour), end: new Date(Date.parse(saturdayAt(startHour)) + minutes * 60_000).toISOString(),
    });

    it('states each person’s working hours in their own zone', async () => {
      for (const person of organisation.people.slice(0, 6)) {
        expect(await backend.calendar.getWorkingHours(userIdOf(person))).toEqual({
          daysOfWeek: person.workingHours.daysOfWeek, startTime: person.workingHours.startTime, endTime: person.workingHours.endTime, timeZone: person.timeZone, timeZoneKnown: true,
        });
      }
    });

    it('creates events once per transaction id, counts busy and tentative time merged, and lists events earliest first', async () => {
      const tag = backend === real ? 'real' : 'memory';
      const [a, b, free] = await backend.calendar.createEvents(organiser, [event(`${tag}-a`, 10, 60), event(`${tag}-b`, 10.5, 90, 'tentative'), event(`${tag}-free`, 14, 30, 'free')]);
      const [again] = await backend.calendar.createEvents(organiser, [event(`${tag}-a`, 10, 60)]);
      expect(again?.eventId).toBe(a?.eventId);
      expect(new Set([a?.eventId, b?.eventId, free?.eventId]).size).toBe(3);
      const busy = await backend.calendar.getBusy([organiser, userIdOf(top)], SATURDAY);
      expect(busy.get(organiser)).toEqual([{ start: '2026-01-17T10:00:00.000Z', end: '2026-01-17T12:00:00.000Z' }]);
      expect(busy.get(userIdOf(top))).toEqual([]);
      const listed = await backend.calendar.listEvents(organiser, SATURDAY);
      expect(listed.map((e) => [e.transactionId, e.start, e.showAs])).toEqual([
        [`${tag}-a`, '2026-01-17T10:00:00.000Z', 'busy'], [`${tag}-b`, '2026-01-17T10:30:00.000Z', 'tentative'], [`${tag}-free`, '2026-01-17T14:00:00.000Z', 'free'],
      ]);
      expect(listed.every((e) => e.categories.includes('Practice Loop') && e.responseStatus === 'organizer' && !e.isCancelled)).toBe(true);
      await backend.calendar.deleteEvent(organiser, a!.eventId);
      await backend.calendar.deleteEvent(organiser, a!.eventId);
      await backend.calendar.deleteEvent(organiser, b!.eventId);
      expect((await backend.calendar.getBusy([organiser], SATURDAY)).get(organiser)).toEqual([]);
      await backend.calendar.deleteEvent(organiser, free!.eventId);
    });

    it('invites attendees in the organisation (they become busy) and gives an online meeting its chat', async () => {
      const tag = backend === real ? 'real' : 'memory';
      const [meeting] = await backend.calendar.createEvents(organiser, [{ ...event(`${tag}-meeting`, 16, 30), onlineMeeting: true, attendees: [{ email: attendee.mail, name: attendee.displayName }] }]);
      expect(meeting?.chatId).toMatch(/^19:meeting_.+@thread\.v2$/);
      expect(meeting?.joinUrl).toContain(encodeURIComponent(meeting!.chatId!));
      expect((await backend.calendar.getBusy([userIdOf(attendee)], SATURDAY)).get(userIdOf(attendee))).toEqual([{ start: '2026-01-17T16:00:00.000Z', end: '2026-01-17T16:30:00.000Z' }]);
      await backend.calendar.updateAttendees(organiser, meeting!.eventId, []);
      expect((await backend.calendar.getBusy([userIdOf(attendee)], SATURDAY)).get(userIdOf(attendee))).toEqual([]);
      await backend.calendar.deleteEvent(organiser, meeting!.eventId);
    });

    it('names the mailbox it cannot read', async () => {
      await expect(backend.calendar.getWorkingHours(NOBODY)).rejects.toBeInstanceOf(MailboxUnavailableError);
      await expect(backend.calendar.getBusy([NOBODY], SATURDAY)).rejects.toMatchObject({ name: 'MailboxUnavailableError', mailbox: NOBODY });
    });
  });

  describe('the job queue', () => {
    it('hands on what was sent, and refuses a whole batch when one job cannot be queued', async () => {
      const { jobs, read } = await backend.queue();
      await jobs.send([{ kind: 'review.request', id: 'review:1', payload: { roundId: ROUND_ID, text: 'ü 🚀 <xml> &' } }, { kind: 'plan.notice', id: 'notice:1', payload: null }]);
      await expect(jobs.send([{ kind: 'ok', id: 'fits', payload: 1 }, { kind: 'too.big', id: 'big', payload: 'x'.repeat(60 * 1024) }])).rejects.toThrow(/bytes as a queue message/);
      await expect(jobs.send([{ kind: '', id: 'no-kind', payload: 1 }])).rejects.toThrow(/non-empty/);
      await expect(jobs.send([{ kind: 'later', id: 'too-late', payload: 1 }], { delayInMs: 8 * 24 * 3_600_000 })).rejects.toThrow(/7-day/);
      expect(await read()).toEqual([
        { kind: 'review.request', id: 'review:1', payload: { roundId: ROUND_ID, text: 'ü 🚀 <xml> &' } },
        { kind: 'plan.notice', id: 'notice:1', payload: null },
      ]);
    });
  });

  describe('the messenger', () => {
    const tenantId = parseTenantId(organisation.tenantId)!;
    const conversation = (id: string) => ({ conversationId: id, serviceUrl: backend.serviceUrl, channelId: 'msteams', botId: '28:practice-loop-test-bot', tenantId });
    const card: CardContent = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Hi Zoë, the round starts Monday 🚀 "quoted" ${notATemplate}', wrap: true }] };

    it('delivers the card as it was given and names the activity', async () => {
      const { activityId } = await backend.messenger.sendCard(conversation('a:contract-card'), card);
      expect(activityId).toEqual(expect.any(String));
      expect(activityId.length).toBeGreaterThan(0);
      expect(await backend.delivered('a:contract-card')).toEqual([card]);
    });

    it('refuses for good, without delivering, when the person blocked the app; the next send goes through', async () => {
      backend.blockNext('a:contract-blocked');
      const failure = await backend.messenger.sendCard(conversation('a:contract-blocked'), card).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DeliveryError);
      expect(failure).toMatchObject({ retryable: false });
      expect(await backend.delivered('a:contract-blocked')).toEqual([]);
      await backend.messenger.sendCard(conversation('a:contract-blocked'), card);
      expect(await backend.delivered('a:contract-blocked')).toHaveLength(1);
    });
  });

});
