import { createTableBookingRepo } from '../../src/adapters/tables/bookingRepo';
import type { Booking } from '../../src/ports/bookingRepo';
import { experimentIdFor } from '../../src/domain/roundIds';
import { memoryEntityTable } from '../support/fakes';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../../src/ports/storageErrors';
import { PEOPLE, ROUND_ID } from '../support/builders';

// A booking is one row (a point read, one write); bookings stored earlier with a row per block still read the
// same, and their next save leaves the one row only.
const experimentId = experimentIdFor(ROUND_ID, PEOPLE.dana);
const block = (week: number, index: number, notKept: Booking['blocks'][number]['notKept'] = null) => ({
  week, index, start: `2025-03-1${week}T0${index + 8}:00:00.000Z`, end: `2025-03-1${week}T0${index + 9}:00:00.000Z`, eventId: `e${week}${index}`, transactionId: `pl:${experimentId}:w${week}:b${index}`, notKept,
});
const aBooking = (blocks: Booking['blocks']): Booking => ({
  experimentId, roundId: ROUND_ID, participantId: PEOPLE.dana, status: 'booked', reason: null, timeZone: 'Europe/London', extensionDays: 0,
  weeks: [{ week: 1, targetMinutes: 120, plannedMinutes: 120, shortfall: null, shortfallCause: null }], blocks, updatedAt: '2025-03-01T09:00:00.000Z',
});

function setUp() {
  const tables = { bookings: memoryEntityTable('Bookings', 'booking'), bookingsByRound: memoryEntityTable('BookingsByRound', 'round booking index') };
  const rowKeys = async () => { const keys: string[] = []; for await (const row of tables.bookings.listPartition(experimentId)) keys.push(row.rowKey); return keys; };
  return { tables, repo: createTableBookingRepo(tables), rowKeys };
}

it('stores a booking as one row and reads back exactly what was saved, whatever the number of blocks', async () => {
  const { repo, rowKeys } = setUp();
  // 150 blocks with long event ids: more text than one property holds, so the list spans several columns.
  const many = Array.from({ length: 150 }, (_, i) => ({ ...block(1 + Math.floor(i / 50), i % 50, i === 3 ? { by: 'participant' as const, reason: 'Customer escalation' } : null), eventId: `AAMkAD${'x'.repeat(200)}${i}` }));
  await repo.save(aBooking(many), { previous: null });
  expect(await rowKeys()).toEqual(['plan']);
  expect(await repo.get(experimentId)).toEqual(aBooking(many));

  const fewer = many.slice(0, 2);
  await repo.save({ ...aBooking(fewer), status: 'released' });
  expect(await repo.get(experimentId)).toEqual({ ...aBooking(fewer), status: 'released' });
  expect(await repo.listForRound(ROUND_ID)).toEqual([{ ...aBooking(fewer), status: 'released' }]);
});

it('reads a booking stored with a row per block, and its next save leaves one row', async () => {
  const { tables, repo, rowKeys } = setUp();
  const stored = aBooking([block(1, 0), block(1, 1, { by: 'calendar', reason: 'gone from the calendar' })]);
  await tables.bookings.ensureCreated();
  await tables.bookingsByRound.ensureCreated();
  await tables.bookings.upsert(experimentId, 'plan', { roundId: ROUND_ID, participantId: PEOPLE.dana, status: 'booked', reason: null, timeZone: 'Europe/London', extensionDays: 0, weeks: JSON.stringify(stored.weeks), updatedAt: stored.updatedAt });
  for (const b of stored.blocks) await tables.bookings.upsert(experimentId, `block|0${b.week}|0${b.index}`, { ...b, notKept: b.notKept ? JSON.stringify(b.notKept) : null });

  const read = await repo.get(experimentId);
  expect(read).toEqual(stored);

  const moved = { ...read!, blocks: [read!.blocks[1]!, block(1, 2)], updatedAt: '2025-03-02T09:00:00.000Z' };
  await repo.save(moved, { previous: read });
  expect(await rowKeys()).toEqual(['plan']);
  expect(await repo.get(experimentId)).toEqual(moved);
});

it('replaces only the version the caller read: a stale save or a second first save fails, and the stored booking is kept', async () => {
  const { repo } = setUp();
  const first = aBooking([block(1, 0)]);
  await repo.save(first, { previous: null });
  await expect(repo.save(aBooking([block(1, 1)]), { previous: null })).rejects.toBeInstanceOf(EntityAlreadyExistsError);

  const [seenByOne, seenByOther] = [await repo.get(experimentId), await repo.get(experimentId)];
  const booked = { ...seenByOne!, blocks: [{ ...block(1, 0), eventId: 'event-1' }] };
  await repo.save(booked, { previous: seenByOne });
  await expect(repo.save({ ...seenByOther!, status: 'planned' }, { previous: seenByOther })).rejects.toBeInstanceOf(ConcurrencyConflictError);
  expect(await repo.get(experimentId)).toEqual(booked);
  // What a caller saved is its new version: saving on top of it needs no read.
  await repo.save({ ...booked, reason: 'moved once' }, { previous: booked });
  expect((await repo.get(experimentId))?.reason).toBe('moved once');
});
