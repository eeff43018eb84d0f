import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { acknowledge } from '../../src/domain/acknowledgement';
import { experimentIdFor } from '../../src/domain/roundIds';
import { createLogger } from '../../src/logging';
import { startDuePractice } from '../../src/usecases/practiceStart';
import { wireApplication } from '../../src/wiring';
import { startGraphSandbox, type RunningGraphSandbox } from '../../tools/graph-sandbox/server';
import { aRound, anExperiment, NOW, PEOPLE, ROUND_ID, unwrap } from '../support/builders';
import { testConnectionString, uniquePrefix } from '../support/storage';

// The builders' round starts its window on 2025-03-10 (Europe/London); NOW is before it.
let sandbox: RunningGraphSandbox;
beforeAll(async () => { sandbox = await startGraphSandbox({ port: 0 }); });
afterAll(async () => { await sandbox.close(); });

it('moves approved experiments to practising once the window has begun, and only those whose policy is acknowledged', async () => {
  let now = new Date(NOW);
  const config = loadConfig({ STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix('pstart'), GRAPH_BASE_URL: sandbox.url });
  const quiet = createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) });
  const { ports } = wireApplication(config, { logger: quiet, clock: { now: () => now } });
  const round = aRound({ status: 'open' });
  await ports.rounds.create(round);

  const dana = anExperiment({ state: 'approved' });
  const sam = { ...anExperiment({ state: 'approved' }), participantId: PEOPLE.sam, id: experimentIdFor(ROUND_ID, PEOPLE.sam) };
  const submitted = { ...anExperiment({ state: 'submitted' }), participantId: PEOPLE.maria, id: experimentIdFor(ROUND_ID, PEOPLE.maria) };
  for (const experiment of [dana, sam, submitted]) await ports.experiments.create(experiment);
  // Dana acknowledged the current policy for her tool; Sam has not (e.g. a new version was published).
  const version = round.policy.versions.at(-1)!.version;
  await ports.acknowledgements.record(unwrap(acknowledge(round, { userId: PEOPLE.dana, policyVersion: version, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } }, NOW)));

  expect(await startDuePractice(ports)).toEqual({ started: 0, waitingForAcknowledgement: 0 });
  expect((await ports.experiments.get(ROUND_ID, PEOPLE.dana))!.experiment.state).toBe('approved');

  now = new Date('2025-03-10T09:00:00Z');
  expect(await startDuePractice(ports)).toEqual({ started: 1, waitingForAcknowledgement: 1 });
  const started = (await ports.experiments.get(ROUND_ID, PEOPLE.dana))!.experiment;
  expect(started.state).toBe('practising');
  expect(started.history.at(-1)).toMatchObject({ command: 'startPractice', by: PEOPLE.dana, from: 'approved', to: 'practising' });
  expect((await ports.experiments.get(ROUND_ID, PEOPLE.sam))!.experiment.state).toBe('approved');
  expect((await ports.experiments.get(ROUND_ID, PEOPLE.maria))!.experiment.state).toBe('submitted');

  // A second run (another instance, or the next hour) changes nothing.
  expect(await startDuePractice(ports)).toEqual({ started: 0, waitingForAcknowledgement: 1 });
  expect((await ports.experiments.get(ROUND_ID, PEOPLE.dana))!.experiment.version).toBe(started.version);
});
