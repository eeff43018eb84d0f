import { z } from 'zod';
import { parseUserId, type UserId } from '../../domain/ids';
import type { JournalEntry } from '../../domain/journal';
import { experimentIdFor, experimentKeyOf, parseRoundId, type ExperimentId } from '../../domain/roundIds';
import type { JournalReminder, JournalRepo, JournalStats, StoredJournalEntry } from '../../ports/journalRepo';
import type { RepoOptions } from '../../ports/roundRepo';
import { EntityAlreadyExistsError, type EntityTable } from './entityTable';
import type { FunnelFactsCopy } from './experimentRepo';

/*
 * Key map:
 *   <prefix>Journals         PK = roundId   RK = "<participantId>|<weekStart>"   one weekly entry (answers ≤ 4,000 characters each)
 *   <prefix>JournalReminders PK = userId    RK = "<kind>|<key>"                  a prompt, nudge, digest, note or notice recorded before it is sent
 * The week is part of the key, so a retried submit cannot make two entries. One partition per round makes the
 * round's process figures (statsForRound) one query; a participant's entries are a row-key prefix of it.
 */
const rowKeyOf = (participantId: string, weekStart: string) => `${participantId}|${weekStart}`;

const entrySchema = z.object({
  participantId: z.string(), weekStart: z.string(), improved: z.string(), broke: z.string(), surprised: z.string(), taught: z.string(),
  hoursPractised: z.number(), missedBlocks: z.number().int(), missedReason: z.string(), createdAt: z.string(), updatedAt: z.string(), version: z.number().int(),
});

const reminderSchema = z.object({ at: z.string() });

function keysOf(experimentId: ExperimentId) {
  const key = experimentKeyOf(experimentId);
  if (!key) throw new Error(`not an experiment id: ${experimentId}`);
  return key;
}

function toEntry(row: { properties: Record<string, unknown>; partitionKey: string }): JournalEntry {
  const data = entrySchema.parse(row.properties);
  const roundId = parseRoundId(row.partitionKey);
  const participantId = parseUserId(data.participantId);
  if (!roundId || !participantId) throw new Error(`journal row in ${row.partitionKey} holds invalid ids`);
  return { experimentId: experimentIdFor(roundId, participantId), roundId, ...data, participantId };
}

function columnsOf(entry: JournalEntry) {
  const { experimentId: _e, roundId: _r, ...columns } = entry;
  return columns;
}

/** `funnelFacts`: where a person's first entry is recorded as "journaling" for the round's counters (their member row). */
export function createTableJournalRepo(tables: { journals: EntityTable; reminders: EntityTable }, funnelFacts?: FunnelFactsCopy): JournalRepo {
  async function ensure(options?: RepoOptions) {
    await Promise.all([tables.journals.ensureCreated(options), tables.reminders.ensureCreated(options)]);
  }

  return {
    async listForExperiment(experimentId, options) {
      await ensure(options);
      const { roundId, participantId } = keysOf(experimentId);
      const entries: JournalEntry[] = [];
      for await (const row of tables.journals.listPartition(roundId, { ...options, rowKeyPrefix: `${participantId}|` })) entries.push(toEntry(row));
      return entries.sort((a, b) => b.weekStart.localeCompare(a.weekStart));
    },
    async get(experimentId, weekStart, options): Promise<StoredJournalEntry | null> {
      await ensure(options);
      const { roundId, participantId } = keysOf(experimentId);
      const row = await tables.journals.get(roundId, rowKeyOf(participantId, weekStart), options);
      return row ? { entry: toEntry(row), etag: row.etag } : null;
    },
    async create(entry, options) {
      await ensure(options);
      const etag = await tables.journals.create(entry.roundId, rowKeyOf(entry.participantId, entry.weekStart), columnsOf(entry), options);
      // Entries are never deleted, so journaling, once reached, stays.
      await funnelFacts?.recordFunnelFacts(entry.roundId, entry.participantId, { journaled: true }, options);
      return { entry, etag };
    },
    async update(entry, etag, options) {
      await ensure(options);
      const next = await tables.journals.update(entry.roundId, rowKeyOf(entry.participantId, entry.weekStart), columnsOf(entry), etag, options);
      return { entry, etag: next };
    },
    async statsForRound(roundId, options) {
      await ensure(options);
      const stats = new Map<UserId, JournalStats>();
      for await (const row of tables.journals.listPartition(roundId, options)) {
        const entry = toEntry(row);
        const before = stats.get(entry.participantId) ?? { entries: 0, lastEntryAt: null, hoursLogged: 0 };
        stats.set(entry.participantId, {
          entries: before.entries + 1,
          lastEntryAt: before.lastEntryAt && before.lastEntryAt > entry.createdAt ? before.lastEntryAt : entry.createdAt,
          hoursLogged: Math.round((before.hoursLogged + entry.hoursPractised) * 100) / 100,
        });
      }
      return stats;
    },
    async recordReminder(reminder, options) {
      await ensure(options);
      try {
        await tables.reminders.create(reminder.userId, `${reminder.kind}|${reminder.key}`, { at: reminder.at }, options);
        return true;
      } catch (error) {
        if (error instanceof EntityAlreadyExistsError) return false;
        throw error;
      }
    },
    async forgetReminder(reminder, options) {
      await ensure(options);
      await tables.reminders.delete(reminder.userId, `${reminder.kind}|${reminder.key}`, options);
    },
    async listReminders(userId, kind, options) {
      await ensure(options);
      const out: JournalReminder[] = [];
      for await (const row of tables.reminders.listPartition(userId, { ...options, rowKeyPrefix: `${kind}|` })) {
        out.push({ userId, kind, key: row.rowKey.slice(kind.length + 1), at: reminderSchema.parse(row.properties).at });
      }
      return out;
    },
  };
}
