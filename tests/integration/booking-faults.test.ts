import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { experimentIdFor } from '../../src/domain/roundIds';
import { createLogger } from '../../src/logging';
import { systemClock } from '../../src/ports/clock';
import { bookPracticeTime } from '../../src/usecases/booking';
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
