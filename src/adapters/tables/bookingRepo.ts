import { z } from 'zod';
import { parseUserId } from '../../domain/ids';
import { experimentKeyOf, parseExperimentId, parseRoundId } from '../../domain/roundIds';
import type { BookedBlock, Booking, BookingRepo } from '../../ports/bookingRepo';
import type { RepoOptions } from '../../ports/roundRepo';
import { bookingCounts } from '../../domain/roundCounters';
import { ConcurrencyConflictError } from '../../ports/storageErrors';
import { CountedPartitions, NOTHING_COUNTED, problemRowKey, type Contribution, type CountedWrite, type StoredContribution } from './countedPartition';
import { MAX_TRANSACTION_OPERATIONS, TABLE_LIMITS, type EntityProperties, type EntityTable, type StoredEntity, type TableWrite } from './entityTable';
import { fromJsonColumn, toJsonColumn } from './json';
import { outboxRows } from './outbox';

/*
 * Key map:
 *   <prefix>Bookings        PK = experimentId  RK = "plan"            status, reason, zone, weeks (JSON), blocks (JSON)
 *                           PK = experimentId  RK = "~outbox|plan|<job id>"  an effect saved with the booking, not queued yet (outbox.ts)
 *   <prefix>BookingsByRound PK = roundId       RK = experimentId      the round's bookings (status + the booking as JSON), for the owner's view and export
 *                           PK = roundId       RK = "~count|00"…"~count|07"   counters: booking.<status>, planned@/notKept@<end minute> (countedPartition.ts)
 *                           PK = roundId       RK = "~problem|booking|<participantId>"  "could not book" and its reason, while the booking has failed
 * The whole booking is one row, so reading it is a point read and saving it is one write (a partition query costs
 * a scan of the table in Azurite, and row-by-row writes cost a round trip each). The blocks are a JSON list, split
 * over `blocks`, `blocks_1`, … when longer than one text property holds.
 * Rows written before that kept each block in a row of its own (RK = "block|02|01"): such a booking is read with a
 * query of its partition, and its next save writes the one row and removes the block rows in one transaction.
 */
const PLAN_ROW = 'plan';
/** The booking's record row, where its outbox rows hang (outbox.ts). */
export const BOOKING_PLAN_ROW = PLAN_ROW;
const legacyBlockRow = (block: Pick<BookedBlock, 'week' | 'index'>) => `block|${String(block.week).padStart(2, '0')}|${String(block.index).padStart(2, '0')}`;
const BLOCKS_COLUMN = 'blocks';
const INDEXED_BOOKING_COLUMN = 'booking';

/** Text longer than one string property holds, split over `name`, `name_1`, … (the booking's blocks, the index row's booking). */
function splitColumns(name: string, text: string): EntityProperties {
  const parts: EntityProperties = {};
  for (let part = 0, at = 0; at < text.length || part === 0; part++, at += TABLE_LIMITS.maxStringPropertyCharacters) parts[part === 0 ? name : `${name}_${part}`] = text.slice(at, at + TABLE_LIMITS.maxStringPropertyCharacters);
  return parts;
}

/** The text `splitColumns` wrote, or null when the row has no such column. */
function joinedColumns(name: string, properties: Record<string, unknown>): string | null {
  if (typeof properties[name] !== 'string') return null;
  let text = '';
  for (let part = 0; typeof properties[part === 0 ? name : `${name}_${part}`] === 'string'; part++) text += properties[part === 0 ? name : `${name}_${part}`] as string;
  return text;
}

const planSchema = z.object({
  roundId: z.string(), participantId: z.string(), status: z.enum(['planned', 'booked', 'failed', 'released']), reason: z.string().nullable().optional(),
  timeZone: z.string(), weeks: z.string(), updatedAt: z.string(), extensionDays: z.number().int().optional(),
});
const weeksSchema = z.array(z.object({ week: z.number(), targetMinutes: z.number(), plannedMinutes: z.number(), shortfall: z.string().nullable(), shortfallCause: z.enum(['calendar', 'past']).nullable().optional() }));
const notKeptSchema = z.object({ by: z.enum(['participant', 'calendar']), reason: z.string() });
const blockSchema = z.object({ week: z.number().int(), index: z.number().int(), start: z.string(), end: z.string(), eventId: z.string().nullable().optional(), transactionId: z.string(), notKept: notKeptSchema.nullable().optional() });
/** A block row of the earlier layout: its "not kept" mark is a JSON column of its own. */
const legacyBlockSchema = blockSchema.extend({ notKept: z.string().nullable().optional() });

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
  const text = joinedColumns(INDEXED_BOOKING_COLUMN, row.properties);
  if (!experimentId || !keys || text === null) return null;
  const indexed = indexedBookingSchema.parse(fromJsonColumn(text, `booking ${experimentId}`));
  return { ...indexed, experimentId, roundId: keys.roundId, participantId: keys.participantId, blocks: indexed.blocks.map((b) => ({ ...b, eventId: b.eventId ?? null, notKept: b.notKept ?? null })) };
}

export function createTableBookingRepo(tables: { bookings: EntityTable; bookingsByRound: EntityTable }): BookingRepo {
  const counted = new CountedPartitions(tables.bookingsByRound, { shards: BOOKING_COUNTER_SHARDS });
  async function ensure(options?: RepoOptions) {
    await Promise.all([tables.bookings.ensureCreated(options), tables.bookingsByRound.ensureCreated(options)]);
  }

  /** Bookings read in the earlier layout, whose block rows the next save removes. */
  const readWithBlockRows = new WeakSet<Booking>();
  /** The ETag of the row each booking object was read from or saved as, so a save replacing it is conditional on it. */
  const etags = new WeakMap<Booking, string>();
  /** The ETag of the round's index line as each booking object's save left it, so the next save updates it without reading it. */
  const indexEtags = new WeakMap<Booking, string>();

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
    const text = joinedColumns(BLOCKS_COLUMN, row.properties);
    if (text !== null) {
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
    return {
      roundId: booking.roundId, participantId: booking.participantId, status: booking.status, reason: booking.reason,
      timeZone: booking.timeZone, extensionDays: booking.extensionDays, weeks: toJsonColumn(booking.weeks), updatedAt: booking.updatedAt, ...splitColumns(BLOCKS_COLUMN, text),
    };
  }

  /** The plan row replaced whatever its version, with its outbox rows when the save carries effects. */
  async function upsertPlan(booking: Booking, outbox: readonly TableWrite[], options?: RepoOptions): Promise<string> {
    if (outbox.length === 0) return tables.bookings.upsert(booking.experimentId, PLAN_ROW, planRow(booking), options);
    return (await tables.bookings.transact(booking.experimentId, [{ kind: 'upsert', rowKey: PLAN_ROW, properties: planRow(booking) }, ...outbox], options))[0]!;
  }

  /**
   * The round's index line and its counters change together. An index write that arrives after a newer one (a slow
   * write of an earlier save) leaves the newer state in place, and a line that already says what the booking says is
   * left alone. The first attempt writes on what this process knows of the line (none for a new booking; the ETag the
   * previous save left), so a booking's saves need no read of it; a line that moved on meanwhile fails its ETag, and
   * the retry reads it.
   */
  async function writeIndexLine(booking: Booking, previous: Booking | null | undefined, options?: RepoOptions): Promise<void> {
    const keptEtag = previous ? indexEtags.get(previous) : undefined;
    const kept = keptEtag ? counted.known(booking.roundId, booking.experimentId, keptEtag) : null;
    const row = { status: booking.status, reason: booking.reason, updatedAt: booking.updatedAt, ...splitColumns(INDEXED_BOOKING_COLUMN, bookingJson(booking)) };
    const line = (write: CountedWrite['write'], before: StoredContribution): CountedWrite => ({ rowKey: booking.experimentId, properties: row, write, before, after: bookingContribution(booking), reportConflict: false });
    const written = await counted.write(booking.roundId, async (attempt) => {
      if (attempt === 1 && previous === null) return [line('create', NOTHING_COUNTED)];
      if (attempt === 1 && keptEtag && kept) return [line({ ifMatch: keptEtag }, kept)];
      const current = await tables.bookingsByRound.get(booking.roundId, booking.experimentId, options);
      const storedAt = typeof current?.properties.updatedAt === 'string' ? current.properties.updatedAt : null;
      if (current && storedAt !== null && (storedAt > booking.updatedAt || (storedAt === booking.updatedAt && current.properties.status === booking.status))) return [];
      return [current ? line({ ifMatch: current.etag }, counted.remember(current)) : line('create', NOTHING_COUNTED)];
    }, options);
    const indexEtag = written.get(booking.experimentId);
    if (indexEtag) indexEtags.set(booking, indexEtag);
  }

  return {
    get,
    async save(booking, options) {
      await ensure(options);
      // Effects of this save (e.g. "your time is booked") ride the booking's own write: one transaction, no extra round trip.
      const outbox = outboxRows(PLAN_ROW, options?.outbox, booking.updatedAt);
      const writeBooking = async () => {
        const previous = options?.previous !== undefined ? options.previous : await get(booking.experimentId, options);
        // Conditional on what the caller read: a second delivery of the same job that read an older state (or
        // nothing) loses with a conflict, and its retry reads what is there, instead of overwriting newer progress.
        if (previous === null) {
          etags.set(booking, await tables.bookings.create(booking.experimentId, PLAN_ROW, planRow(booking), { ...options, alongside: outbox }));
          return;
        }
        if (!readWithBlockRows.has(previous)) {
          const etag = etags.get(previous);
          etags.set(booking, etag
            ? await tables.bookings.update(booking.experimentId, PLAN_ROW, planRow(booking), etag, { ...options, alongside: outbox })
            : await upsertPlan(booking, outbox, options));
          return;
        }
        // Moving a booking of the earlier layout: the one row and the removal of its block rows, all or none. Cut from
        // the end, so the plan row and its outbox rows are in the same (last) transaction.
        const removals = previous.blocks.map((block): TableWrite => ({ kind: 'delete', rowKey: legacyBlockRow(block) }));
        const writes: TableWrite[] = [...removals, { kind: 'upsert', rowKey: PLAN_ROW, properties: planRow(booking) }, ...outbox];
        try {
          for (let at = 0, size = writes.length % MAX_TRANSACTION_OPERATIONS || MAX_TRANSACTION_OPERATIONS; at < writes.length; at += size, size = MAX_TRANSACTION_OPERATIONS) {
            await tables.bookings.transact(booking.experimentId, writes.slice(at, at + size), options);
          }
        } catch (error) {
          // Another writer moved it meanwhile: the block rows are gone, so the one row is all there is to write.
          if (!(error instanceof ConcurrencyConflictError)) throw error;
          await upsertPlan(booking, outbox, options);
        }
      };
      // The index line is another table (another partition), so it cannot share a transaction with the booking.
      // It is written only once the booking's own write succeeded: a save that lost its conflict must not leave
      // its status in the index over the winner's.
      await writeBooking();
      await writeIndexLine(booking, options?.previous, options);
    },
    async reindex(booking, options) {
      await ensure(options);
      await writeIndexLine(booking, undefined, options);
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
