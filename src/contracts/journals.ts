import { z } from 'zod';
import { ASSET_KINDS } from '../domain/asset';
import { type Answer } from './common';

/** Step 4 as the tabs read it: journal entries, saved assets (one's own, a report's, the shared library) and the check-in digest. */

export const journalEntrySchema = z.object({
  experimentId: z.string(),
  roundId: z.string(),
  participantId: z.string(),
  /** Monday of the ISO week, in the participant's zone. */
  weekStart: z.string(),
  improved: z.string(),
  broke: z.string(),
  surprised: z.string(),
  taught: z.string(),
  hoursPractised: z.number(),
  missedBlocks: z.number(),
  missedReason: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type JournalEntry = Answer<typeof journalEntrySchema>;

/** `GET /api/rounds/{id}/me/journals` and a report's journals for their manager or an owner. */
export const journalEntriesSchema = z.object({ value: z.array(journalEntrySchema), editableDays: z.number() });
export type JournalEntries = Answer<typeof journalEntriesSchema>;

export const assetSchema = z.object({
  id: z.string(),
  roundId: z.string(),
  experimentId: z.string(),
  authorId: z.string(),
  kind: z.enum(ASSET_KINDS),
  title: z.string(),
  /** The text itself; '' for a link. */
  content: z.string(),
  url: z.string().nullable(),
  tool: z.string(),
  goodFor: z.string(),
  shared: z.boolean(),
  sharedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type Asset = Answer<typeof assetSchema>;

/** One's own assets, a report's, or the round's shared library (each `{ value }`). */
export const assetsSchema = z.object({ value: z.array(assetSchema) });
export type Assets = Answer<typeof assetsSchema>;

/** A manager's digest of their practising reports (`GET /api/checkins`): process only, nothing rates the work. */
export const checkInDigestSchema = z.object({
  value: z.array(z.object({
    userId: z.string(),
    displayName: z.string(),
    roundId: z.string(),
    state: z.string(),
    journals: z.number(),
    hoursKept: z.number(),
    hoursPlanned: z.number(),
    assetsSaved: z.number(),
    daysSinceLastEntry: z.number(),
    nudgedAt: z.string().nullable(),
  })),
});
export type CheckInDigest = Answer<typeof checkInDigestSchema>;
