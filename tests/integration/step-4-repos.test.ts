import { createTableAssetRepo } from '../../src/adapters/tables/assetRepo';
import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableJournalRepo } from '../../src/adapters/tables/journalRepo';
import { createAsset, changeAsset, type Asset } from '../../src/domain/asset';
import type { UserId } from '../../src/domain/ids';
import { saveJournalEntry } from '../../src/domain/journal';
import { experimentIdFor } from '../../src/domain/roundIds';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../../src/ports/storageErrors';
import { PEOPLE, ROUND_ID, unwrap } from '../support/builders';
import { testConnectionString, uniquePrefix } from '../support/storage';

// The step-4 tables against Azurite: keys, conditional updates, one-partition figures, reminders recorded once.
const prefix = uniquePrefix('s4repo');
const table = (name: string) => EntityTable.fromConnectionString(testConnectionString(), `${prefix}${name}`, name);
const tables = { journals: table('Journals'), reminders: table('JournalReminders'), assets: table('Assets') };
const journals = createTableJournalRepo(tables);
const assets = createTableAssetRepo(tables.assets);
const dana = PEOPLE.dana as UserId;
const maria = PEOPLE.maria as UserId;

afterAll(async () => { for (const t of Object.values(tables)) await t.deleteTable(); });

const entryFor = (participantId: UserId, weekStart: string, text: string, now = '2026-03-06T16:00:00Z') => unwrap(saveJournalEntry(null,
  { experimentId: experimentIdFor(ROUND_ID, participantId), roundId: ROUND_ID, participantId, weekStart },
  { improved: text, hoursPractised: 1.5 }, { actorId: participantId, now, currentWeekStart: '2026-03-09' }));

describe('the journal repository', () => {
  it('keeps one entry per experiment and week; a second create is "already exists"', async () => {
    const entry = entryFor(dana, '2026-03-02', 'a/b #c ?d \\ e — ${x} ünïcode 🚀');
    await journals.create(entry);
    await expect(journals.create(entry)).rejects.toBeInstanceOf(EntityAlreadyExistsError);
    expect((await journals.get(entry.experimentId, '2026-03-02'))?.entry).toEqual(entry);
  });

  it('updates only with the ETag it read', async () => {
    const stored = (await journals.get(experimentIdFor(ROUND_ID, dana), '2026-03-02'))!;
    const next = { ...stored.entry, broke: 'export', version: 2 };
    await journals.update(next, stored.etag);
    await expect(journals.update({ ...next, broke: 'lost', version: 3 }, stored.etag)).rejects.toBeInstanceOf(ConcurrencyConflictError);
  });

  it('lists a participant\'s weeks newest first and sums the round in one partition', async () => {
    await journals.create(entryFor(dana, '2026-03-09', 'week 2', '2026-03-13T16:00:00Z'));
    await journals.create(entryFor(maria, '2026-03-09', 'maria'));
    expect((await journals.listForExperiment(experimentIdFor(ROUND_ID, dana))).map((e) => e.weekStart)).toEqual(['2026-03-09', '2026-03-02']);
    const stats = await journals.statsForRound(ROUND_ID);
    expect(stats.get(dana)).toEqual({ entries: 2, lastEntryAt: '2026-03-13T16:00:00.000Z', hoursLogged: 3 });
    expect(stats.get(maria)?.entries).toBe(1);
  });

  it('records a reminder once, and forgets it so a failed send can be retried', async () => {
    const reminder = { userId: dana, kind: 'prompt' as const, key: `${ROUND_ID}|2026-03-02`, at: '2026-03-06T15:00:00.000Z' };
    expect(await Promise.all([journals.recordReminder(reminder), journals.recordReminder(reminder)])).toEqual(expect.arrayContaining([true, false]));
    expect(await journals.listReminders(dana, 'prompt')).toEqual([reminder]);
    expect(await journals.listReminders(dana, 'nudge')).toEqual([]);
    await journals.forgetReminder(reminder);
    expect(await journals.recordReminder(reminder)).toBe(true);
  });
});

describe('the asset repository', () => {
  const context = (id: string, authorId: UserId) => ({ id: id as Asset['id'], roundId: ROUND_ID, experimentId: experimentIdFor(ROUND_ID, authorId), authorId, tool: 'Copilot', now: '2026-03-06T16:00:00Z' });

  it('stores, shares conditionally, lists the author\'s and the shared ones, and counts per person', async () => {
    const one = unwrap(createAsset({ kind: 'prompt', title: 'Prompt one', content: 'x'.repeat(16_000), goodFor: 'Long things' }, context('11111111-1111-4111-8111-111111111111', dana)));
    const two = unwrap(createAsset({ kind: 'reference', title: 'A link', url: 'https://learn.example/a?b=c', goodFor: 'Reading' }, context('22222222-2222-4222-8222-222222222222', maria)));
    const stored = await assets.create(one);
    await assets.create(two);
    await expect(assets.create(one)).rejects.toBeInstanceOf(EntityAlreadyExistsError);
    const shared = unwrap(changeAsset(one, { shared: true }, dana, '2026-03-07T10:00:00Z'));
    await assets.update(shared, stored.etag);
    await expect(assets.update(shared, stored.etag)).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect((await assets.listForAuthor(ROUND_ID, dana)).map((a) => a.id)).toEqual([one.id]);
    expect(await assets.listShared(ROUND_ID)).toEqual([shared]);
    expect((await assets.get(ROUND_ID, two.id))?.asset).toEqual(two);
    const counts = await assets.countsForRound(ROUND_ID);
    expect(counts.get(dana)).toEqual({ saved: 1, shared: 1 });
    expect(counts.get(maria)).toEqual({ saved: 1, shared: 0 });
  });
});
