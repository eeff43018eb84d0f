import { z } from 'zod';
import { parseUserId } from '../../domain/ids';
import type { SharebackRepo } from '../../ports/sharebackRepo';
import type { EntityTable } from './entityTable';
import { fromJsonColumn, toJsonColumn } from './json';

// Key map: <prefix>Rounds PK = roundId, RK = "shareback" — beside the round it belongs to (one partition).
const ROW = 'shareback';
const storedSchema = z.object({
  roundId: z.string(), organiserId: z.string(), eventId: z.string(), joinUrl: z.string().nullable(), chatId: z.string().nullable(),
  attendeeEmails: z.array(z.string()), tabAdded: z.boolean(), updatedAt: z.string(),
});

export function createTableSharebackRepo(rounds: EntityTable): SharebackRepo {
  return {
    async get(roundId, options) {
      await rounds.ensureCreated(options);
      const row = await rounds.get(roundId, ROW, options);
      if (!row) return null;
      const stored = storedSchema.parse(fromJsonColumn(row.properties.data, `shareback of ${roundId}`));
      const organiserId = parseUserId(stored.organiserId);
      if (!organiserId) throw new Error(`the shareback of ${roundId} names an invalid organiser`);
      return { ...stored, roundId, organiserId };
    },
    async save(meeting, options) {
      await rounds.ensureCreated(options);
      // Only the shareback job writes this row, and every write carries the whole current state.
      await rounds.upsert(meeting.roundId, ROW, { data: toJsonColumn(meeting) }, options);
    },
  };
}
