import { z } from 'zod';
import { parseUserId } from '../../domain/ids';
import { experimentKeyOf, parseExperimentId, parseRoundId } from '../../domain/roundIds';
import type { BookedBlock, Booking, BookingRepo } from '../../ports/bookingRepo';
import type { RepoOptions } from '../../ports/roundRepo';
import { bookingCounts } from '../../domain/roundCounters';
import { CountedPartitions, NOTHING_COUNTED, problemRowKey, type Contribution } from './countedPartition';
import type { EntityTable, StoredEntity } from './entityTable';
import { fromJsonColumn, toJsonColumn } from './json';

/*
 * Key map:
 *   <prefix>Bookings        PK = experimentId  RK = "plan"            status, reason, zone, weeks (JSON)
 *                           PK = experimentId  RK = "block|02|01"     one practice block: times, transactionId, eventId
 *   <prefix>BookingsByRound PK = roundId       RK = experimentId      the round's bookings (status + the booking as JSON), for the owner's view and export
 *                           PK = roundId       RK = "~count|00"…"~count|07"   counters: booking.<status>, planned@/notKept@<end minute> (countedPartition.ts)
 *                           PK = roundId       RK = "~problem|booking|<participantId>"  "could not book" and its reason, while the booking has failed
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

export const BOOKING_COUNTER_SHARDS = 8;

/** What a booking counts in its round: its status, its minutes, and a problem row while it could not be booked. */
export function bookingContribution(booking: Pick<Booking, 'status' | 'reason' | 'blocks' | 'participantId'>): Contribution {
  return {
    counts: bookingCounts(booking),
    problems: booking.status === 'failed' ? { [problemRowKey('booking', booking.participantId)]: { userId: booking.participantId, reason: booking.reason ?? 'could not book' } } : {},
  };
}

function bookingJson(booking: Booking): string {
  const { experimentId: _e, roundId: _r, participantId: _p, ...rest } = booking;
  return toJsonColumn({ ...rest, blocks: rest.blocks.map((b) => ({ ...b, notKept: b.notKept ?? null })) });
}

const indexedBookingSchema = z.object({
  status: z.enum(['planned', 'booked', 'failed', 'released']), reason: z.string().nullable(), timeZone: z.string(), extensionDays: z.number().int(),
  weeks: weeksSchema, blocks: z.array(blockSchema.extend({ notKept: notKeptSchema.nullable().optional() })), updatedAt: z.string(),
});

/** The booking an index row carries (null for rows written before the index carried it). */
export function indexedBookingOf(row: StoredEntity): Booking | null {
  const experimentId = parseExperimentId(row.rowKey);
  const keys = experimentId ? experimentKeyOf(experimentId) : null;
  if (!experimentId || !keys || typeof row.properties.booking !== 'string') return null;
  const indexed = indexedBookingSchema.parse(fromJsonColumn(row.properties.booking, `booking ${experimentId}`));
  return { ...indexed, experimentId, roundId: keys.roundId, participantId: keys.participantId, blocks: indexed.blocks.map((b) => ({ ...b, eventId: b.eventId ?? null, notKept: b.notKept ?? null })) };
}

export function createTableBookingRepo(tables: { bookings: EntityTable; bookingsByRound: EntityTable }): BookingRepo {
  const counted = new CountedPartitions(tables.bookingsByRound, { shards: BOOKING_COUNTER_SHARDS });
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
      // The round's index row and its counters change together (the row is re-read on a lost race).
      await counted.write(booking.roundId, async () => {
        const current = await tables.bookingsByRound.get(booking.roundId, booking.experimentId, options);
        const before = current ? counted.remember(current) : NOTHING_COUNTED;
        return [{
          rowKey: booking.experimentId, properties: { status: booking.status, reason: booking.reason, updatedAt: booking.updatedAt, booking: bookingJson(booking) },
          write: current ? { ifMatch: current.etag } : 'create', before, after: bookingContribution(booking), reportConflict: false,
        }];
      }, options);
    },
    /** One partition query: each index row carries its booking (rows from before it did are read from the booking's own partition). */
    async listForRound(roundId, options) {
      await ensure(options);
      const bookings: Booking[] = [];
      for await (const row of tables.bookingsByRound.listPartition(roundId, options)) {
        const experimentId = parseExperimentId(row.rowKey);
        if (!experimentId) continue;
        const indexed = indexedBookingOf(row);
        if (indexed) {
          bookings.push(indexed);
          continue;
        }
        const booking = await get(experimentId, options);
        if (booking) bookings.push(booking);
      }
      return bookings;
    },
  };
}
