import { z } from 'zod';
import { parseUserId } from '../../domain/ids';
import { parseExperimentId, parseRoundId } from '../../domain/roundIds';
import type { BookedBlock, Booking, BookingRepo } from '../../ports/bookingRepo';
import type { RepoOptions } from '../../ports/roundRepo';
import type { EntityTable } from './entityTable';
import { fromJsonColumn, toJsonColumn } from './json';

/*
 * Key map:
 *   <prefix>Bookings        PK = experimentId  RK = "plan"            status, reason, zone, weeks (JSON)
 *                           PK = experimentId  RK = "block|02|01"     one practice block: times, transactionId, eventId
 *   <prefix>BookingsByRound PK = roundId       RK = experimentId      the round's bookings (status), for the owner's view
 * Block rows are small and separate, so recording each created event is one write (not a rewrite of the plan).
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
      const previous = await get(booking.experimentId, options);
      const keep = new Set(booking.blocks.map(blockRow));
      for (const gone of previous?.blocks ?? []) if (!keep.has(blockRow(gone))) await tables.bookings.delete(booking.experimentId, blockRow(gone), options);
      for (const block of booking.blocks) {
        await tables.bookings.upsert(booking.experimentId, blockRow(block), { ...block, notKept: block.notKept ? toJsonColumn(block.notKept) : null }, options);
      }
      await tables.bookings.upsert(booking.experimentId, PLAN_ROW, {
        roundId: booking.roundId, participantId: booking.participantId, status: booking.status, reason: booking.reason,
        timeZone: booking.timeZone, extensionDays: booking.extensionDays, weeks: toJsonColumn(booking.weeks), updatedAt: booking.updatedAt,
      }, options);
      await tables.bookingsByRound.upsert(booking.roundId, booking.experimentId, { status: booking.status, reason: booking.reason, updatedAt: booking.updatedAt }, options);
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
