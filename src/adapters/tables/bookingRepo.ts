import { z } from 'zod';
import { parseUserId } from '../../domain/ids';
import { parseExperimentId, parseRoundId } from '../../domain/roundIds';
import type { BookedBlock, Booking, BookingRepo } from '../../ports/bookingRepo';
import type { RepoOptions } from '../../ports/roundRepo';
import { MAX_WRITES_PER_TRANSACTION, TABLE_LIMITS, TransactionRowMissingError, type EntityGroupWrite, type EntityProperties, type EntityTable } from './entityTable';
import { fromJsonColumn, toJsonColumn } from './json';

/*
 * Key map:
 *   <prefix>Bookings        PK = experimentId  RK = "plan"            status, reason, zone, weeks (JSON), blocks (JSON)
 *   <prefix>BookingsByRound PK = roundId       RK = experimentId      the round's bookings (status), for the owner's view
 * The whole booking is one row, so reading it is a point read and saving it is one write (a partition query costs
 * a scan of the table in Azurite, and row-by-row writes cost a round trip each). The blocks are a JSON list, split
 * over `blocks`, `blocks_1`, … when longer than one text property holds.
 * Rows written before that kept each block in a row of its own (RK = "block|02|01"): such a booking is read with a
 * query of its partition, and its next save writes the one row and removes the block rows in one transaction.
 */
const PLAN_ROW = 'plan';
const legacyBlockRow = (block: Pick<BookedBlock, 'week' | 'index'>) => `block|${String(block.week).padStart(2, '0')}|${String(block.index).padStart(2, '0')}`;
const BLOCKS_COLUMN = 'blocks';
const blocksColumn = (part: number) => (part === 0 ? BLOCKS_COLUMN : `${BLOCKS_COLUMN}_${part}`);

const planSchema = z.object({
  roundId: z.string(), participantId: z.string(), status: z.enum(['planned', 'booked', 'failed', 'released']), reason: z.string().nullable().optional(),
  timeZone: z.string(), weeks: z.string(), updatedAt: z.string(), extensionDays: z.number().int().optional(),
});
const weeksSchema = z.array(z.object({ week: z.number(), targetMinutes: z.number(), plannedMinutes: z.number(), shortfall: z.string().nullable(), shortfallCause: z.enum(['calendar', 'past']).nullable().optional() }));
const notKeptSchema = z.object({ by: z.enum(['participant', 'calendar']), reason: z.string() });
const blockSchema = z.object({ week: z.number().int(), index: z.number().int(), start: z.string(), end: z.string(), eventId: z.string().nullable().optional(), transactionId: z.string(), notKept: notKeptSchema.nullable().optional() });
/** A block row of the earlier layout: its "not kept" mark is a JSON column of its own. */
const legacyBlockSchema = blockSchema.extend({ notKept: z.string().nullable().optional() });

export function createTableBookingRepo(tables: { bookings: EntityTable; bookingsByRound: EntityTable }): BookingRepo {
  async function ensure(options?: RepoOptions) {
    await Promise.all([tables.bookings.ensureCreated(options), tables.bookingsByRound.ensureCreated(options)]);
  }

  /** Bookings read in the earlier layout, whose block rows the next save removes. */
  const readWithBlockRows = new WeakSet<Booking>();
  /** The ETag of the row each booking object was read from or saved as, so a save replacing it is conditional on it. */
  const etags = new WeakMap<Booking, string>();

  function toBooking(experimentId: Booking['experimentId'], properties: Record<string, unknown>, blocks: BookedBlock[]): Booking {
    const plan = planSchema.parse(properties);
    const roundId = parseRoundId(plan.roundId);
    const participantId = parseUserId(plan.participantId);
    if (!roundId || !participantId) throw new Error(`booking ${experimentId} holds invalid ids`);
    blocks.sort((a, b) => a.week - b.week || a.index - b.index);
    return {
      experimentId, roundId, participantId, status: plan.status, reason: plan.reason ?? null, timeZone: plan.timeZone, extensionDays: plan.extensionDays ?? 0,
      weeks: weeksSchema.parse(fromJsonColumn(plan.weeks, `booking ${experimentId} weeks`)), blocks, updatedAt: plan.updatedAt,
    };
  }

  async function get(experimentId: Booking['experimentId'], options?: RepoOptions): Promise<Booking | null> {
    await ensure(options);
    const row = await tables.bookings.get(experimentId, PLAN_ROW, options);
    if (!row) return null;
    if (typeof row.properties[BLOCKS_COLUMN] === 'string') {
      let text = '';
      for (let part = 0; typeof row.properties[blocksColumn(part)] === 'string'; part++) text += row.properties[blocksColumn(part)] as string;
      const blocks = z.array(blockSchema).parse(fromJsonColumn(text, `booking ${experimentId} blocks`));
      const booking = toBooking(experimentId, row.properties, blocks.map((block) => ({ ...block, eventId: block.eventId ?? null, notKept: block.notKept ?? null })));
      etags.set(booking, row.etag);
      return booking;
    }
    // The earlier layout: one row per block.
    const blocks: BookedBlock[] = [];
    let properties = row.properties;
    for await (const stored of tables.bookings.listPartition(experimentId, options)) {
      if (stored.rowKey === PLAN_ROW) properties = stored.properties;
      else if (stored.rowKey.startsWith('block|')) {
        const block = legacyBlockSchema.parse(stored.properties);
        const notKept = block.notKept ? notKeptSchema.parse(fromJsonColumn(block.notKept, `block of ${experimentId}`)) : null;
        blocks.push({ ...block, eventId: block.eventId ?? null, notKept });
      }
    }
    const booking = toBooking(experimentId, properties, blocks);
    readWithBlockRows.add(booking);
    return booking;
  }

  function planRow(booking: Booking): EntityProperties {
    const text = toJsonColumn(booking.blocks.map((b) => ({ week: b.week, index: b.index, start: b.start, end: b.end, eventId: b.eventId, transactionId: b.transactionId, notKept: b.notKept ?? null })));
    const parts: EntityProperties = {};
    for (let part = 0, at = 0; at < text.length || part === 0; part++, at += TABLE_LIMITS.maxStringPropertyCharacters) parts[blocksColumn(part)] = text.slice(at, at + TABLE_LIMITS.maxStringPropertyCharacters);
    return {
      roundId: booking.roundId, participantId: booking.participantId, status: booking.status, reason: booking.reason,
      timeZone: booking.timeZone, extensionDays: booking.extensionDays, weeks: toJsonColumn(booking.weeks), updatedAt: booking.updatedAt, ...parts,
    };
  }

  return {
    get,
    async save(booking, options) {
      await ensure(options);
      const writeBooking = async () => {
        const previous = options?.previous !== undefined ? options.previous : await get(booking.experimentId, options);
        // Conditional on what the caller read: a second delivery of the same job that read an older state (or
        // nothing) loses with a conflict, and its retry reads what is there, instead of overwriting newer progress.
        if (previous === null) {
          etags.set(booking, await tables.bookings.create(booking.experimentId, PLAN_ROW, planRow(booking), options));
          return;
        }
        if (!readWithBlockRows.has(previous)) {
          const etag = etags.get(previous);
          etags.set(booking, etag
            ? await tables.bookings.update(booking.experimentId, PLAN_ROW, planRow(booking), etag, options)
            : await tables.bookings.upsert(booking.experimentId, PLAN_ROW, planRow(booking), options));
          return;
        }
        // Moving a booking of the earlier layout: the one row and the removal of its block rows, all or none.
        const removals = previous.blocks.map((block): EntityGroupWrite => ({ kind: 'delete', rowKey: legacyBlockRow(block) }));
        const writes: EntityGroupWrite[] = [...removals, { kind: 'upsert', rowKey: PLAN_ROW, properties: planRow(booking) }];
        try {
          for (let at = 0; at < writes.length; at += MAX_WRITES_PER_TRANSACTION) await tables.bookings.writePartition(booking.experimentId, writes.slice(at, at + MAX_WRITES_PER_TRANSACTION), options);
        } catch (error) {
          // Another writer moved it meanwhile: the block rows are gone, so the one row is all there is to write.
          if (!(error instanceof TransactionRowMissingError)) throw error;
          await tables.bookings.upsert(booking.experimentId, PLAN_ROW, planRow(booking), options);
        }
      };
      // The index line is another table (another partition), so it cannot share a transaction with the booking.
      // It is written only once the booking's own write succeeded: a save that lost its conflict must not leave
      // its status in the index over the winner's.
      await writeBooking();
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
