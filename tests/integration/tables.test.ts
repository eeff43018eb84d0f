import { ConcurrencyConflictError, EntityAlreadyExistsError, EntityTable, EntityTooLargeError, TABLE_LIMITS } from '../../src/adapters/tables/entityTable';
import { createTableMemberRepo } from '../../src/adapters/tables/memberRepo';
import { parseTenantId, parseUserId } from '../../src/domain/ids';
import { testConnectionString, uniquePrefix } from '../support/storage';

const prefix = uniquePrefix('tables');
const table = EntityTable.fromConnectionString(testConnectionString(), `${prefix}Things`, 'thing');

afterAll(async () => {
  await table.deleteTable();
});

describe('EntityTable', () => {
  it('stores and reads back a row whose keys hold characters Table Storage forbids', async () => {
    await table.ensureCreated();
    await table.create('team/sales#1', 'what?\\now', { title: 'keys with / # ? \\' });
    const stored = await table.get('team/sales#1', 'what?\\now');
    expect(stored?.properties.title).toBe('keys with / # ? \\');
    expect(stored?.properties.partitionKey).toBe('team!2Fsales!231');
  });

  it('lists one partition only, with user text in the filter safely quoted', async () => {
    await table.ensureCreated();
    await table.create("o'brien", 'a', { n: 1 });
    await table.create("o'brien", 'b', { n: 2 });
    await table.create('other', 'a', { n: 3 });
    const rows = [];
    for await (const row of table.listPartition("o'brien")) rows.push(row.properties.n);
    expect(rows.sort()).toEqual([1, 2]);
  });

  it('refuses to create the same key twice', async () => {
    await table.ensureCreated();
    await table.create('dup', 'row', { v: 1 });
    await expect(table.create('dup', 'row', { v: 2 })).rejects.toBeInstanceOf(EntityAlreadyExistsError);
    expect((await table.get('dup', 'row'))?.properties.v).toBe(1);
  });

  it('rejects an update with a stale ETag (412) and keeps the winner', async () => {
    await table.ensureCreated();
    const firstEtag = await table.create('race', 'row', { v: 1 });
    const secondEtag = await table.update('race', 'row', { v: 2 }, firstEtag);
    expect(secondEtag).not.toBe(firstEtag);
    await expect(table.update('race', 'row', { v: 3 }, firstEtag)).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect((await table.get('race', 'row'))?.properties.v).toBe(2);
  });

  it('refuses an update that carries no ETag instead of overwriting', async () => {
    await expect(table.update('race', 'row', { v: 9 }, '*')).rejects.toThrow(/must carry the ETag/);
  });

  it('names the field and the limit when a text is too long, and writes nothing', async () => {
    await table.ensureCreated();
    const tooLong = 'x'.repeat(TABLE_LIMITS.maxStringPropertyCharacters + 1);
    await expect(table.create('big', 'row', { journal: tooLong })).rejects.toThrow(EntityTooLargeError);
    await expect(table.create('big', 'row', { journal: tooLong })).rejects.toThrow(/thing\.journal is 32769 characters; one text field can hold at most 32768/);
    expect(await table.get('big', 'row')).toBeNull();
  });

  it('treats deleting a missing row as done', async () => {
    await table.ensureCreated();
    await expect(table.delete('nobody', 'nothing')).resolves.toBeUndefined();
  });
});

describe('the member repository', () => {
  const memberTable = EntityTable.fromConnectionString(testConnectionString(), `${prefix}Members`, 'member');
  const members = createTableMemberRepo(memberTable);
  const userId = parseUserId('0f8fad5b-d9cb-469f-a165-70867728950e')!;
  const tenantId = parseTenantId('8a2b6c4e-1d3f-4a5b-9c7d-0e1f2a3b4c5d')!;
  const conversation = { conversationId: 'a:1xyz', serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', botId: '28:bot', tenantId };

  afterAll(async () => { await memberTable.deleteTable(); });

  it('remembers the conversation and keeps the first-seen time across visits', async () => {
    const first = await members.recordSeen({ userId, tenantId, displayName: 'Ana Lopez', conversation, lastSeenAt: '2026-11-02T09:00:00.000Z' });
    const later = await members.recordSeen({ userId, tenantId, displayName: 'Ana López', conversation: { ...conversation, conversationId: 'a:2new' }, lastSeenAt: '2026-11-20T09:00:00.000Z' });
    expect(first.firstSeenAt).toBe('2026-11-02T09:00:00.000Z');
    expect(later.firstSeenAt).toBe('2026-11-02T09:00:00.000Z');
    const stored = await members.get(userId);
    expect(stored).toMatchObject({ displayName: 'Ana López', lastSeenAt: '2026-11-20T09:00:00.000Z', conversation: { conversationId: 'a:2new' } });
  });

  it('survives two turns of the same person racing', async () => {
    const racer = parseUserId('1f8fad5b-d9cb-469f-a165-70867728950e')!;
    await Promise.all([1, 2, 3].map((i) => members.recordSeen({ userId: racer, tenantId, displayName: `R${i}`, conversation, lastSeenAt: `2026-11-0${i}T09:00:00.000Z` })));
    expect(await members.get(racer)).not.toBeNull();
  });

  it('writes again only when the conversation changes or last-seen is an hour old', async () => {
    const regular = parseUserId('3f8fad5b-d9cb-469f-a165-70867728950e')!;
    const visit = (at: string, conversationId = 'a:1xyz') => ({ userId: regular, tenantId, displayName: 'Ana Lopez', conversation: { ...conversation, conversationId }, lastSeenAt: at });
    const etagOf = async () => (await memberTable.get(regular, 'member'))!.etag;
    await members.recordSeen(visit('2026-11-02T09:00:00.000Z'));
    const written = await etagOf();
    // Another process (no memory of the first write) sees the same person 59 minutes later: nothing to write.
    await createTableMemberRepo(memberTable).recordSeen(visit('2026-11-02T09:59:00.000Z'));
    await members.recordSeen(visit('2026-11-02T09:59:30.000Z'));
    expect(await etagOf()).toBe(written);
    expect((await members.get(regular))?.lastSeenAt).toBe('2026-11-02T09:00:00.000Z');

    await members.recordSeen(visit('2026-11-02T10:00:00.000Z'));
    expect((await members.get(regular))?.lastSeenAt).toBe('2026-11-02T10:00:00.000Z');
    await members.recordSeen(visit('2026-11-02T10:01:00.000Z', 'a:moved'));
    expect((await members.get(regular))?.conversation.conversationId).toBe('a:moved');
  });

  it('returns null for someone never seen', async () => {
    expect(await members.get(parseUserId('2f8fad5b-d9cb-469f-a165-70867728950e')!)).toBeNull();
  });
});
