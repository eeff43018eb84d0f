import { z } from 'zod';
import { parseUserId } from '../../domain/ids';
import { parseRoundId, type RoundId } from '../../domain/roundIds';
import { effectLogCounts } from '../../domain/roundCounters';
import type { DecisionEffectLog, MeetingSession, SharebackSessionRepo, SharebackSummary, Stored } from '../../ports/sharebackSessionRepo';
import { CountedPartitions, NOTHING_COUNTED, problemRowKey, type Contribution } from './countedPartition';
import type { EntityTable } from './entityTable';
import type { OutboxWriteOptions } from '../../ports/outbox';
import { outboxRows } from './outbox';
import type { FunnelFactsCopy } from './experimentRepo';
import { fromJsonColumn, toJsonColumn } from './json';

/*
 * Key map:
 *   <prefix>Shareback     PK = roundId   RK = "session"                the running order and current presenter (ETag per change)
 *                                        RK = "summary|<userId>"       one participant's summary (draft, their edits, ready)
 *                                        RK = "effects|<userId>"       what each decision effect did (booked, told, needs the owner)
 *                                        RK = "~problem|effect|<userId>|<effect id>"  one row per failed effect of that log, written
 *                                                                      in the same transaction as the log, so the owner's list is a small range
 *                                        RK = "~count|00" … "~count|03"  how many effects failed (counter shards, same transaction)
 *                                        RK = "~outbox|<record row key>|<job id>"  an effect saved with the session, a summary or a log (outbox.ts)
 *   <prefix>MeetingChats  PK = chat id   RK = "round"                  which round a meeting chat belongs to (the tab's lookup)
 * The meeting screens read one partition (the round's); the tab's first call is one point read by chat id.
 */
const SESSION = 'session';
const SUMMARY = 'summary|';
/** The record row keys, where each record's outbox rows hang (outbox.ts). */
export const SESSION_ROW = SESSION;
export const summaryRowKey = (participantId: string) => `${SUMMARY}${participantId}`;
export const effectsRowKey = (participantId: string) => `${EFFECTS_ROW_PREFIX}${participantId}`;

const sessionSchema = z.object({
  roundId: z.string(), grouping: z.enum(['team', 'tool']), order: z.array(z.string()).nullable(), currentParticipantId: z.string().nullable(),
  version: z.number().int(), endHandledAt: z.string().nullable(), reportSentAt: z.string().nullable().optional(), flaggedNoticeThrough: z.string().nullable().optional(), updatedAt: z.string(),
});
const summarySchema = z.object({
  roundId: z.string(), participantId: z.string(), draft: z.record(z.unknown()), edits: z.record(z.unknown()), ready: z.boolean(), readyAt: z.string().nullable(),
  reviewRequestedAt: z.string().nullable(), flaggedAt: z.string().nullable(), version: z.number().int(), updatedAt: z.string(),
  coachDrafted: z.array(z.string()).optional(),
});
const effectsSchema = z.object({
  roundId: z.string(), participantId: z.string(),
  outcomes: z.record(z.object({ status: z.enum(['done', 'needs-owner', 'failed', 'cancelled']), detail: z.string(), ref: z.string().nullable(), mailbox: z.string().nullable().optional(), at: z.string() })),
});


/** Effects logs are counted in 4 shards: people decide one by one, but a meeting can settle many at once. */
export const EFFECT_COUNTER_SHARDS = 4;

/** What an effects log counts: its failed effects (so the owner sees how many), with a problem row per failed effect. */
export function effectsContribution(log: DecisionEffectLog): Contribution {
  const failed = Object.entries(log.outcomes).filter(([, outcome]) => outcome.status === 'failed');
  return {
    counts: effectLogCounts(failed.length),
    problems: Object.fromEntries(failed.map(([effectId, outcome]) => [
      problemRowKey('effect', `${log.participantId}|${effectId}`),
      // The effect's kind is the part of its id before the first colon (e.g. "followup:<id>" → "followup").
      { userId: log.participantId, effect: effectId.split(':')[0] ?? effectId, reason: outcome.detail },
    ])),
  };
}

function ids(stored: { roundId: string; participantId?: string }, what: string) {
  const roundId = parseRoundId(stored.roundId);
  const participantId = stored.participantId === undefined ? null : parseUserId(stored.participantId);
  if (!roundId || (stored.participantId !== undefined && !participantId)) throw new Error(`${what} has invalid ids`);
  return { roundId, participantId: participantId! };
}

/** A decision-effects log as stored in its row's `data` column (validated). */
export function parseEffects(data: unknown, what: string): DecisionEffectLog {
  const stored = effectsSchema.parse(fromJsonColumn(data, what));
  return { ...stored, ...ids(stored, what) };
}

/** Row keys of the effects logs: one per person who decided. */
export const EFFECTS_ROW_PREFIX = 'effects|';

/** `funnelFacts`: where whether a summary is ready is copied for the round's counters ("shared back"; the member row). */
export function createTableSharebackSessionRepo(tables: { shareback: EntityTable; meetingChats: EntityTable }, funnelFacts?: FunnelFactsCopy): SharebackSessionRepo {
  const { shareback, meetingChats } = tables;
  // Failed effects are counted and listed as problem rows; the round's other shareback rows count nothing.
  const effectsKept = new CountedPartitions(shareback, { shards: EFFECT_COUNTER_SHARDS });

  /** A record's write, with its outbox rows in the same transaction when it carries effects. */
  async function write(pk: string, rk: string, value: { updatedAt: string }, etag: string | null, options?: OutboxWriteOptions): Promise<string> {
    await shareback.ensureCreated(options);
    const properties = { data: toJsonColumn(value) };
    const writeOptions = { ...options, alongside: outboxRows(rk, options?.outbox, value.updatedAt) };
    return etag === null ? shareback.create(pk, rk, properties, writeOptions) : shareback.update(pk, rk, properties, etag, writeOptions);
  }

  async function* rows(roundId: RoundId, prefix: string, options?: { abortSignal?: AbortSignal }) {
    await shareback.ensureCreated(options);
    yield* shareback.listPartition(roundId, { ...options, rowKeyPrefix: prefix });
  }

  const parseSummary = (data: unknown, what: string): SharebackSummary => {
    const stored = summarySchema.parse(fromJsonColumn(data, what));
    // Shape checked above; the content was validated by the domain when it was drafted and edited.
    return { ...(stored as unknown as SharebackSummary), ...ids(stored, what) };
  };

  return {
    async getSession(roundId, options) {
      await shareback.ensureCreated(options);
      const row = await shareback.get(roundId, SESSION, options);
      if (!row) return null;
      const stored = sessionSchema.parse(fromJsonColumn(row.properties.data, `meeting session of ${roundId}`));
      return { value: { ...stored, roundId: ids(stored, 'meeting session').roundId }, etag: row.etag };
    },
    async saveSession(session, etag, options) {
      return { value: session, etag: await write(session.roundId, SESSION, session, etag, options) };
    },
    async getSummary(roundId, participantId, options) {
      await shareback.ensureCreated(options);
      const row = await shareback.get(roundId, `${SUMMARY}${participantId}`, options);
      return row ? { value: parseSummary(row.properties.data, `summary of ${participantId}`), etag: row.etag } : null;
    },
    async listSummaries(roundId, options) {
      const list: SharebackSummary[] = [];
      for await (const row of rows(roundId, SUMMARY, options)) list.push(parseSummary(row.properties.data, `summary ${row.rowKey}`));
      return list;
    },
    async saveSummary(summary, etag, options) {
      const next = await write(summary.roundId, `${SUMMARY}${summary.participantId}`, summary, etag, options);
      await funnelFacts?.recordFunnelFacts(summary.roundId, summary.participantId, { summaryReady: summary.ready }, options);
      return { value: summary, etag: next };
    },
    async getEffects(roundId, participantId, options) {
      await shareback.ensureCreated(options);
      const row = await shareback.get(roundId, effectsRowKey(participantId), options);
      if (row) effectsKept.remember(row);
      return row ? { value: parseEffects(row.properties.data, `decision effects of ${participantId}`), etag: row.etag } : null;
    },
    async listEffects(roundId, options) {
      const list: DecisionEffectLog[] = [];
      for await (const row of rows(roundId, EFFECTS_ROW_PREFIX, options)) list.push(parseEffects(row.properties.data, `decision effects ${row.rowKey}`));
      return list;
    },
    async saveEffects(log, etag, options): Promise<Stored<DecisionEffectLog>> {
      await shareback.ensureCreated(options);
      const rowKey = effectsRowKey(log.participantId);
      // The log and its failed effects' problem rows in one transaction; a lost race on the log is the caller's, as before.
      const before = etag === null ? NOTHING_COUNTED : await effectsKept.before(log.roundId, rowKey, etag, options);
      const written = await effectsKept.write(log.roundId, async () => [{
        rowKey, properties: { data: toJsonColumn(log) }, write: etag === null ? 'create' : { ifMatch: etag }, before, after: effectsContribution(log), reportConflict: true,
        // The log has no time of its own: its latest outcome's is when these effects arose.
        alsoWrite: outboxRows(rowKey, options?.outbox, Object.values(log.outcomes).reduce((latest, outcome) => (outcome.at > latest ? outcome.at : latest), '')),
      }], options);
      const next = written.get(rowKey) || (await shareback.get(log.roundId, rowKey, options))?.etag;
      if (!next) throw new Error(`decision effects of ${log.participantId} were saved but could not be read back`);
      return { value: log, etag: next };
    },
    async roundForChat(chatId, options) {
      await meetingChats.ensureCreated(options);
      const row = await meetingChats.get(chatId, 'round', options);
      return row ? parseRoundId(row.properties.roundId) : null;
    },
    async linkChat(chatId, roundId, options) {
      await meetingChats.ensureCreated(options);
      // A chat belongs to one round; linking again (the booking job's retry, or an owner's link) writes the same row.
      await meetingChats.upsert(chatId, 'round', { roundId }, options);
    },
  };
}
