import { z } from 'zod';
import { parseUserId } from '../../domain/ids';
import { parseExperimentId, parseRoundId } from '../../domain/roundIds';
import type { BookedBlock, Booking, BookingRepo } from '../../ports/bookingRepo';
import type { RepoOptions } from '../../ports/roundRepo';
import { MAX_WRITES_PER_TRANSACTION, TransactionRowMissingError, type EntityGroupWrite, type EntityTable } from './entityTable';
import { fromJsonColumn, toJsonColumn } from './json';

/*
 * Key map:
 *   <prefix>Bookings        PK = experimentId  RK = "plan"            status, reason, zone, weeks (JSON)
 *                           PK = experimentId  RK = "block|02|01"     one practice block: times, transactionId, eventId
 *   <prefix>BookingsByRound PK = roundId       RK = experimentId      the round's bookings (status), for the owner's view
 * Block rows are small and separate; a save writes the plan and its blocks in one entity-group transaction (one round trip).
 */
const PLAN_ROW = 'plan';
const blockRow = (block: Pick<BookedBlock, 'week' | 'index'>) => `block|${String(block.week).padStart(2, '0')}|${String(block.index).padStart(2, '0')}`;

const planSchema = z.object({
  roundId: z.string(), participantId: z.string(), status: z.enum(['planned', 'booked', 'failed', 'released']), reason: z.string().nullable().optional(),
  timeZone: z.string(), weeks: z.string(), updatedAt: z.string(), extensionDays: z.number().int().optional(),
});
const weeksSchema = z.array(z.object({ week: z.number(), targetMinutes: z.number(), plannedMinutes: z.number(), shortfall: z.string().nullable(), shortfallCause: z.enum(['calendar', 'past']).nullable().optional() }));
const blockSchema = z.object({ week: z.number().int(), index: z.number().int(), start: z.string(), end: z.string(), eventId: z.string().nullable().optional(), transactionId: z.string(), notKept: z.string().nullable().optional() });
const notKeptSchema = z.object({ by: z.enum(['participant', 'calendar']), reason: z.string() });

export function createTableBookingRepo(tables: { bookings: EntityTable; bookingsByRound: EntityTable }): BookingRepo {
  async function ensure(options?: RepoOptions) {
    await Promise.all([tables.bookings.ensureCreated(options), tables.bookingsByRound.ensureCreated(options)]);
  }

  async function get(experimentId: Booking['experimentId'], options?: RepoOptions): Promise<Booking | null> {
    await ensure(options);
    let plan: z.infer<typeof planSchema> | null = null;
    const blocks: BookedBlock[] = [];
    for await (const row of tables.bookings.listPartition(experimentId, options)) {
      if (row.rowKey === PLAN_ROW) plan = planSchema.parse(row.properties);
      else if (row.rowKey.startsWith('block|')) {
        const block = blockSchema.parse(row.properties);
        const notKept = block.notKept ? notKeptSchema.parse(fromJsonColumn(block.notKept, `block of ${experimentId}`)) : null;
        blocks.push({ ...block, eventId: block.eventId ?? null, notKept });
      }
    }
    if (!plan) return null;
    const roundId = parseRoundId(plan.roundId);
    const participantId = parseUserId(plan.participantId);
    if (!roundId || !participantId) throw new Error(`booking ${experimentId} holds invalid ids`);
    blocks.sort((a, b) => a.week - b.week || a.index - b.index);
    return {
      experimentId, roundId, participantId, status: plan.status, reason: plan.reason ?? null, timeZone: plan.timeZone, extensionDays: plan.extensionDays ?? 0,
      weeks: weeksSchema.parse(fromJsonColumn(plan.weeks, `booking ${experimentId} weeks`)), blocks, updatedAt: plan.updatedAt,
    };
  }

  return {
    get,
    async save(booking, options) {
      await ensure(options);
      const writes = (previous: Booking | null): EntityGroupWrite[] => {
        const keep = new Set(booking.blocks.map(blockRow));
        return [
          ...(previous?.blocks ?? []).filter((gone) => !keep.has(blockRow(gone))).map((gone): EntityGroupWrite => ({ kind: 'delete', rowKey: blockRow(gone) })),
          ...booking.blocks.map((block): EntityGroupWrite => ({ kind: 'upsert', rowKey: blockRow(block), properties: { ...block, notKept: block.notKept ? toJsonColumn(block.notKept) : null } })),
          { kind: 'upsert', rowKey: PLAN_ROW, properties: {
            roundId: booking.roundId, participantId: booking.participantId, status: booking.status, reason: booking.reason,
            timeZone: booking.timeZone, extensionDays: booking.extensionDays, weeks: toJsonColumn(booking.weeks), updatedAt: booking.updatedAt,
          } },
        ];
      };
      const writeBooking = async () => {
        const previous = options?.previous !== undefined ? options.previous : await get(booking.experimentId, options);
        try {
          await writeAll(writes(previous));
        } catch (error) {
          // A block row the caller saw is gone (another writer replaced the booking meanwhile): read what is there and write again.
          if (!(error instanceof TransactionRowMissingError)) throw error;
          await writeAll(writes(await get(booking.experimentId, options)));
        }
      };
      // The plan row goes last in the last transaction, so a reader never sees a plan whose blocks are not written.
      const writeAll = async (all: EntityGroupWrite[]) => {
        for (let at = 0; at < all.length; at += MAX_WRITES_PER_TRANSACTION) await tables.bookings.writePartition(booking.experimentId, all.slice(at, at + MAX_WRITES_PER_TRANSACTION), options);
      };
      // The index line is another table (another partition), so it cannot join the transaction; it is a status
      // copy that the next save overwrites, so both go out together.
      await Promise.all([
        writeBooking(),
        tables.bookingsByRound.upsert(booking.roundId, booking.experimentId, { status: booking.status, reason: booking.reason, updatedAt: booking.updatedAt }, options),
      ]);
    },
    async listForRound(roundId, options) {
      await ensure(options);
      const bookings: Booking[] = [];
      for await (const row of tables.bookingsByRound.listPartition(roundId, options)) {
        const experimentId = parseExperimentId(row.rowKey);
        const booking = experimentId ? await get(experimentId, options) : null;
        if (booking) bookings.push(booking);
      }
      return bookings;
    },
  };
}
