import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableExperimentRepo } from '../../src/adapters/tables/experimentRepo';
import { recordDecision } from '../../src/usecases/decisions';
import type { Job, JobQueue } from '../../src/ports/jobQueue';
import { randomUUID } from 'node:crypto';
import { newExperiment } from '../../src/domain/experiment';
import { parseUserId, type UserId } from '../../src/domain/ids';
import { createTableOutbox } from '../../src/adapters/tables/outbox';
import { createTableRepositories } from '../../src/adapters/tables/repositories';
import { experimentOutbox, recoverOutbox } from '../../src/usecases/outbox';
import { aRound, anExperiment, NOW, PEOPLE, ROUND_ID, TENANT } from '../support/builders';
import { fakePorts, runQueuedJobs, type FakePorts } from '../support/fakes';
import { testConnectionString, uniquePrefix } from '../support/storage';
import { as, PEOPLE_IN_DIRECTORY } from '../usecases/world';

/*
 * The outbox on Azurite: a decision saved with its effects in one entity-group transaction of the Experiments
 * table, a queue that fails between the save and the hand-off, and the delayed check that sends each effect once.
 */

const SETTINGS = { dashboardUrl: 'https://tab.example/tab/', tabEndpoint: null };
const prefix = uniquePrefix('outbox');

/** The fakes of Graph, the queues and the clock, and every repository on Azurite. */
function onAzurite(now: string, people = PEOPLE_IN_DIRECTORY, tablePrefix = prefix): FakePorts {
  const table = (name: string, label: string) => EntityTable.fromConnectionString(testConnectionString(), `${tablePrefix}${name}`, label);
  const { schedule: _schedule, demoClockStore: _demoClock, ...repositories } = createTableRepositories(table);
  return { ...fakePorts({ now, people }), ...repositories };
}

/** Refuses everything while `down` (the outbox checks have their own queue). */
function failingQueue(queue: JobQueue): JobQueue & { down: boolean } {
  const failing = {
    down: true,
    async send(jobs: readonly Job[], options?: { delayInMs?: number }) {
      if (failing.down) throw new Error('queue unavailable (injected)');
      await queue.send(jobs, options);
    },
  };
  return failing;
}

describe('the outbox on Azurite', () => {
  it('recovers one person’s outbox reading only that person’s rows, at N people as at 5N', async () => {
    const table = EntityTable.fromConnectionString(testConnectionString(), `${prefix}Flat`, 'experiment');
    let entitiesRead = 0;
    const listPartition = table.listPartition.bind(table);
    table.listPartition = async function* counting(partitionKey, options) {
      for await (const entity of listPartition(partitionKey, options)) {
        entitiesRead += 1;
        yield entity;
      }
    };
    const ports = {
      ...fakePorts({ now: NOW, people: PEOPLE_IN_DIRECTORY }),
      experiments: createTableExperimentRepo({ experiments: table, reviewQueue: EntityTable.fromConnectionString(testConnectionString(), `${prefix}FlatQueue`, 'review queue entry') }),
      // The experiments' outbox: beside each person's experiment row.
      outbox: createTableOutbox((address) => ({ table, partitionKey: address.roundId, recordRowKey: 'participantId' in address ? address.participantId : '' })),
    };
    /** People whose change was saved with one effect that a crash kept from being queued. */
    const leftBehind = async (count: number) => {
      const ids: UserId[] = [];
      for (let i = 0; i < count; i++) {
        const participantId = parseUserId(randomUUID())!;
        const stored = await ports.experiments.create(newExperiment(ROUND_ID, participantId, TENANT, NOW));
        await ports.experiments.update({ ...stored.experiment, version: stored.experiment.version + 1 }, stored.etag, { outbox: [{ kind: 'plan.notice', id: `notice:${participantId}`, payload: { roundId: ROUND_ID, participantId } }] });
        ids.push(participantId);
      }
      return ids;
    };
    const readToRecover = async (participantId: UserId) => {
      entitiesRead = 0;
      expect(await recoverOutbox(experimentOutbox(ROUND_ID, participantId), ports)).toBe(1);
      return entitiesRead;
    };
    const [atN] = await leftBehind(20);
    const small = await readToRecover(atN!);
    const [at5N] = await leftBehind(80);
    expect(await readToRecover(at5N!)).toBe(small);
    expect(small).toBe(1);
    expect(ports.jobs.ofKind('plan.notice').map((j) => j.id)).toEqual([`notice:${atN}`, `notice:${at5N}`]);
  }, 120_000);

  it('keeps a decision’s effects through a failed hand-off and sends each exactly once from the check', async () => {
    const ports = onAzurite('2025-03-31T09:50:00.000Z');
    await ports.rounds.create(aRound({ status: 'open' }));
    const experiment = anExperiment({ state: 'practising' });
    await ports.experiments.create(experiment);
    const jobs = failingQueue(ports.jobs);
    const bookingJobs = failingQueue(ports.bookingJobs);

    // Decided on the morning of the shareback: besides its effects, the practice blocks still ahead are released.
    const decision = { outcome: 'stop', learned: 'The summaries needed as much checking as writing them.', ownerId: PEOPLE.omar, dueDate: '2025-04-15', decideEarly: true, earlyReason: 'Decided on the morning of the shareback' };
    const decided = await recordDecision(ROUND_ID, PEOPLE.dana, decision, undefined, as.omar, { ...ports, jobs, bookingJobs });
    if ('kind' in decided && 'message' in decided) throw new Error(`decision refused: ${decided.message}`);
    expect(decided.experiment.state).toBe('decided');
    const pending = await ports.outbox.pending(experimentOutbox(ROUND_ID, PEOPLE.dana));
    expect(pending.map((j) => j.kind).sort()).toEqual(['calendar.release', 'decision.effects']);
    expect(ports.jobs.ofKind('decision.effects')).toEqual([]);
    expect(ports.bookingJobs.ofKind('calendar.release')).toEqual([]);
    // The experiments list of the round is what it was: the outbox row beside it is not an experiment.
    expect((await ports.experiments.listForRound(ROUND_ID)).map((e) => e.participantId)).toEqual([PEOPLE.dana]);

    jobs.down = false;
    bookingJobs.down = false;
    await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
    expect(ports.jobs.ofKind('decision.effects').map((j) => j.id)).toEqual([`effects:${experiment.id}:v${decided.experiment.version}`]);
    expect(ports.bookingJobs.ofKind('calendar.release').map((j) => j.id)).toEqual([`release:${experiment.id}:decided`]);
    expect(await ports.outbox.pending(experimentOutbox(ROUND_ID, PEOPLE.dana))).toEqual([]);
    // A second check (another save's, or a redelivery) sends nothing again.
    await ports.outboxChecks.send([{ kind: 'outbox.check', id: 'again', payload: { roundId: ROUND_ID, participantId: PEOPLE.dana } }]);
    await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
    expect(ports.jobs.ofKind('decision.effects')).toHaveLength(1);
    expect(ports.bookingJobs.ofKind('calendar.release')).toHaveLength(1);
  });
});
