import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { experimentIdFor } from '../../src/domain/roundIds';
import { createLogger } from '../../src/logging';
import { systemClock } from '../../src/ports/clock';
import { bookPracticeTime, markBlockKept } from '../../src/usecases/booking';
import { isDomainError } from '../../src/domain/errors';
import { practiceHoursByWeek } from '../../src/domain/practiceHours';
import { wireApplication } from '../../src/wiring';
import { startGraphSandbox, type RunningGraphSandbox } from '../../tools/graph-sandbox/server';
import { aRound, anExperiment, PEOPLE, ROUND_ID } from '../support/builders';
import { testConnectionString, uniquePrefix } from '../support/storage';

// A participant whose mailbox Graph cannot reach (gone from the directory, or outside the app's access policy).
let sandbox: RunningGraphSandbox;

beforeAll(async () => { sandbox = await startGraphSandbox({ port: 0 }); });
afterAll(async () => { await sandbox.close(); });

it('marks the booking "could not book" with the reason, and creates nothing', async () => {
  const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix('bookfault'), GRAPH_BASE_URL: sandbox.url });
  const quiet = createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) });
  const { ports } = wireApplication(config, { logger: quiet, clock: systemClock });
  // The builders' people are not in the demo directory, so their mailboxes answer 404.
  await ports.rounds.create(aRound({ status: 'open' }));
  await ports.experiments.create(anExperiment({ state: 'approved' }));

  expect(await bookPracticeTime(ROUND_ID, PEOPLE.dana, ports, { dashboardUrl: '' })).toBe('failed');
  const booking = await ports.bookings.get(experimentIdFor(ROUND_ID, PEOPLE.dana));
  expect(booking).toMatchObject({ status: 'failed', blocks: [] });
  expect(booking?.reason).toMatch(/^could not book: /);
  expect((await ports.bookings.listForRound(ROUND_ID)).map((b) => b.status)).toEqual(['failed']);
  expect(sandbox.control.requests().filter((r) => r.method === 'POST' && /events$/.test(r.path))).toEqual([]);
});

describe('kept vs planned', () => {
  it('counts a passed block unless the participant says it did not happen, and refuses to pre-cancel a future one', async () => {
    const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix('kept'), GRAPH_BASE_URL: sandbox.url });
    const quiet = createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) });
    let now = new Date('2025-03-12T12:00:00Z'); // Wednesday of week 1 of the builders' round
    const { ports } = wireApplication(config, { logger: quiet, clock: { now: () => now } });
    const experimentId = experimentIdFor(ROUND_ID, PEOPLE.dana);
    const block = (week: number, index: number, start: string) => ({ week, index, start, end: new Date(Date.parse(start) + 3_600_000).toISOString(), eventId: `e${week}${index}`, transactionId: `t${week}${index}`, notKept: null });
    await ports.bookings.save({
      experimentId, roundId: ROUND_ID, participantId: PEOPLE.dana, status: 'booked', reason: null, timeZone: 'Europe/London', extensionDays: 0,
      weeks: [{ week: 1, targetMinutes: 120, plannedMinutes: 120, shortfall: null }], updatedAt: now.toISOString(),
      blocks: [block(1, 0, '2025-03-10T09:00:00.000Z'), block(1, 1, '2025-03-13T09:00:00.000Z')],
    });
    const dana = { userId: PEOPLE.dana };

    const tooEarly = await markBlockKept(ROUND_ID, dana, { week: 1, index: 1 }, false, 'Will be travelling', ports);
    expect(tooEarly).toMatchObject({ kind: 'conflict' });
    const noReason = await markBlockKept(ROUND_ID, dana, { week: 1, index: 0 }, false, '', ports);
    expect(noReason).toMatchObject({ kind: 'invalid_input', fieldErrors: { reason: expect.any(String) } });

    const missed = await markBlockKept(ROUND_ID, dana, { week: 1, index: 0 }, false, 'Customer escalation took the morning', ports);
    expect(isDomainError(missed)).toBe(false);
    now = new Date('2025-03-14T12:00:00Z');
    const stored = (await ports.bookings.get(experimentId))!;
    expect(stored.blocks[0]!.notKept).toEqual({ by: 'participant', reason: 'Customer escalation took the morning' });
    expect(practiceHoursByWeek(stored.blocks, now.toISOString())).toEqual([{ week: 1, plannedMinutes: 120, keptMinutes: 60, upcomingMinutes: 0 }]);
  });
});
