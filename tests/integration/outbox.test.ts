import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableExperimentRepo } from '../../src/adapters/tables/experimentRepo';
import { recordDecision } from '../../src/usecases/decisions';
import { bookPracticeTime } from '../../src/usecases/booking';
import { checkPracticeTime } from '../../src/usecases/defendTime';
import { editRound, openRound, publishPolicy } from '../../src/usecases/rounds';
import { runDecisionEffects } from '../../src/usecases/decisions';
import { checkSummaries, handleMeetingEnd } from '../../src/usecases/sharebackSession';
import { sendReportWhenAllDecided } from '../../src/jobs/sharebackHandlers';
import { experimentIdFor } from '../../src/domain/roundIds';
import { isDomainError } from '../../src/domain/errors';
import type { OutboxAddress } from '../../src/ports/outbox';
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

/** Refuses everything (or the jobs of `kinds`) while `down` (the outbox checks have their own queue). */
function failingQueue(queue: JobQueue, kinds?: readonly string[]): JobQueue & { down: boolean } {
  const failing = {
    down: true,
    async send(jobs: readonly Job[], options?: { delayInMs?: number }) {
      if (failing.down && jobs.some((job) => !kinds || kinds.includes(job.kind))) throw new Error('queue unavailable (injected)');
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

  /*
   * The same crash for the other records that carry effects: the change is saved with its effect in its outbox, the
   * hand-off fails, the check sends it; a second check (or the effect queued again by a crash after its hand-off and
   * before its row was cleared) sends nothing twice.
   */
  describe('other records’ outboxes', () => {
    const bookingOutbox = (): OutboxAddress => ({ record: 'booking', roundId: ROUND_ID, participantId: PEOPLE.dana });
    const roundOutbox = (): OutboxAddress => ({ record: 'round', roundId: ROUND_ID });
    const cardsTo = (ports: FakePorts, userId: UserId) => ports.messenger.sent.filter((s) => s.conversationId === `a:personal-${userId}`);

    /** Runs the checks, then whatever they queued; then the same check again and the effect queued twice. */
    async function recoverTwice(ports: FakePorts, address: OutboxAddress, kind: string) {
      await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
      expect(await ports.outbox.pending(address)).toEqual([]);
      const queued = ports.jobs.ofKind(kind);
      expect(queued).toHaveLength(1);
      await ports.outboxChecks.send([{ kind: 'outbox.check', id: 'again', payload: address }]);
      await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
      expect(ports.jobs.ofKind(kind)).toHaveLength(1);
      // A crash after the hand-off and before the row was cleared: the check queues it again, with the same id.
      await ports.jobs.send(queued);
      return runQueuedJobs(ports, SETTINGS, [kind]);
    }

    it('keeps the “booked” notice with the booking that completed it, and tells the person once', async () => {
      const ports = onAzurite('2025-03-01T09:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxbook'));
      await ports.rounds.create(aRound({ status: 'open' }));
      await ports.experiments.create(anExperiment({ state: 'approved' }));
      const jobs = failingQueue(ports.jobs);

      expect(await bookPracticeTime(ROUND_ID, PEOPLE.dana, { ...ports, jobs }, SETTINGS)).toBe('booked');
      expect((await ports.outbox.pending(bookingOutbox())).map((j) => j.kind)).toEqual(['booking.notice']);
      expect(ports.jobs.ofKind('booking.notice')).toEqual([]);
      expect(ports.outboxChecks.ofKind('outbox.check').map((j) => j.payload)).toEqual([bookingOutbox()]);
      // The booking reads as it was saved: its outbox row is not one of its blocks.
      expect((await ports.bookings.get(experimentIdFor(ROUND_ID, PEOPLE.dana)))?.status).toBe('booked');

      jobs.down = false;
      const ran = await recoverTwice(ports, bookingOutbox(), 'booking.notice');
      expect(ran).toHaveLength(2);
      expect(cardsTo(ports, PEOPLE.dana).map((s) => JSON.stringify(s.card))).toEqual([expect.stringContaining('Your practice time is in your calendar')]);
    });

    it('queues no check when a booking save carries no effect (the plan saved before the events)', async () => {
      const ports = onAzurite('2025-03-01T09:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxplan'));
      await ports.rounds.create(aRound({ status: 'open' }));
      await ports.experiments.create(anExperiment({ state: 'approved' }));
      expect(await bookPracticeTime(ROUND_ID, PEOPLE.dana, ports, SETTINGS)).toBe('booked');
      // Two saves (the plan, then the events' ids); only the second completes the booking and carries the notice.
      expect(ports.outboxChecks.sent).toHaveLength(1);
      expect(ports.jobs.ofKind('booking.notice')).toHaveLength(1);
      expect(await ports.outbox.pending(bookingOutbox())).toEqual([]);
    });

    it('keeps the “time moved” notice with the booking whose blocks moved, and tells the person once', async () => {
      const ports = onAzurite('2025-03-01T09:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxmoved'));
      const round = aRound({ status: 'open' });
      await ports.rounds.create(round);
      await ports.experiments.create(anExperiment({ state: 'practising' }));
      expect(await bookPracticeTime(ROUND_ID, PEOPLE.dana, ports, SETTINGS)).toBe('booked');
      await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
      ports.messenger.sent.length = 0;
      const booking = (await ports.bookings.get(experimentIdFor(ROUND_ID, PEOPLE.dana)))!;
      // Dana deletes her first practice block in Outlook: the daily check moves it.
      await ports.calendar.deleteEvent(PEOPLE.dana, booking.blocks[0]!.eventId!);
      const jobs = failingQueue(ports.jobs);

      const outcome = await checkPracticeTime(round, PEOPLE.dana, { ...ports, jobs }, SETTINGS);
      expect(outcome.moved.length + outcome.unplaced.length).toBe(1);
      expect((await ports.outbox.pending(bookingOutbox())).map((j) => j.kind)).toEqual(['calendar.moved']);

      jobs.down = false;
      await recoverTwice(ports, bookingOutbox(), 'calendar.moved');
      expect(cardsTo(ports, PEOPLE.dana)).toHaveLength(1);
    });

    it('keeps a new policy version’s “confirm again” with the round, and asks each person once', async () => {
      const ports = onAzurite('2025-03-01T09:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxpolicy'));
      await ports.rounds.create(aRound({ status: 'open' }));
      await ports.acknowledgements.record({ roundId: ROUND_ID, userId: PEOPLE.dana, policyVersion: 1, toolId: 'm365-copilot', otherToolName: null, toolTermsAccepted: true, acknowledgedAt: NOW });
      const jobs = failingQueue(ports.jobs);

      const published = await publishPolicy(ROUND_ID, 'Version 2: keep client names and production logs out of every AI tool.', as.omar, { ...ports, jobs });
      if (isDomainError(published)) throw new Error(published.message);
      expect((await ports.outbox.pending(roundOutbox())).map((j) => j.kind)).toEqual(['policy.published']);
      // The round reads as it was saved: the outbox row beside its settings is none of them.
      expect((await ports.rounds.get(ROUND_ID))?.round.policy.versions.map((v) => v.version)).toEqual([1, 2]);

      jobs.down = false;
      await recoverTwice(ports, roundOutbox(), 'policy.published');
      // The fan-out ran twice (the crash above), so Dana's request is queued twice, with one id; it goes out once.
      expect(ports.jobs.ofKind('policy.reacknowledge').map((j) => j.id)).toEqual([`reack:${ROUND_ID}:${PEOPLE.dana}:2`, `reack:${ROUND_ID}:${PEOPLE.dana}:2`]);
      await runQueuedJobs(ports, SETTINGS, ['policy.reacknowledge']);
      expect(cardsTo(ports, PEOPLE.dana)).toHaveLength(1);
    });

    it('keeps the shareback’s new invite list with the owners’ change and with the opening of the round', async () => {
      const ports = onAzurite('2025-03-01T09:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxowners'));
      await ports.rounds.create(aRound({ status: 'draft' }));
      // Opening: the kickoffs go out; the shareback's hand-off fails after the round was saved open.
      const jobs = failingQueue(ports.jobs, ['shareback.schedule']);
      const opened = await openRound(ROUND_ID, as.omar, { ...ports, jobs });
      if (isDomainError(opened)) throw new Error(opened.message);
      expect(ports.jobs.ofKind('kickoff.batch')).not.toHaveLength(0);
      expect((await ports.outbox.pending(roundOutbox())).map((j) => j.kind)).toEqual(['shareback.schedule']);
      jobs.down = false;
      await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
      expect(ports.jobs.ofKind('shareback.schedule').map((j) => j.id)).toEqual([`shareback:${ROUND_ID}:${opened.round.version}`]);
      expect(await ports.outbox.pending(roundOutbox())).toEqual([]);

      // An owner added: the same again.
      jobs.down = true;
      const edited = await editRound(ROUND_ID, { ownerIds: [PEOPLE.omar, PEOPLE.priya] }, as.omar, { ...ports, jobs });
      if (isDomainError(edited)) throw new Error(edited.message);
      expect((await ports.outbox.pending(roundOutbox())).map((j) => j.id)).toEqual([`shareback:${ROUND_ID}:${edited.version}`]);
      jobs.down = false;
      await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
      await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
      expect(ports.jobs.ofKind('shareback.schedule').map((j) => j.id)).toEqual([`shareback:${ROUND_ID}:${opened.round.version}`, `shareback:${ROUND_ID}:${edited.version}`]);
      expect(await ports.outbox.pending(roundOutbox())).toEqual([]);
    });

    it('keeps the owner’s “needs you” card with the effect log that records it, and asks once', async () => {
      const ports = onAzurite('2025-03-31T16:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxowner'));
      await ports.rounds.create(aRound({ status: 'open' }));
      await ports.experiments.create(anExperiment({ state: 'sharing' }));
      const decided = await recordDecision(ROUND_ID, PEOPLE.dana, { outcome: 'another-round', learned: 'Worth a second round with the whole team.', ownerId: PEOPLE.omar, dueDate: '2025-04-30' }, undefined, as.omar, ports);
      if ('kind' in decided && 'message' in decided) throw new Error(`decision refused: ${decided.message}`);
      // There is no next round: the carry-over needs the owner; the card's hand-off fails after the log was written.
      const jobs = failingQueue(ports.jobs, ['decision.needs-owner']);
      await runDecisionEffects(ROUND_ID, PEOPLE.dana, { ...ports, jobs });
      const address: OutboxAddress = { record: 'decisionEffects', roundId: ROUND_ID, participantId: PEOPLE.dana };
      expect((await ports.outbox.pending(address)).map((j) => j.kind)).toEqual(['decision.needs-owner']);
      expect(Object.values((await ports.sharebackSessions.getEffects(ROUND_ID, PEOPLE.dana))!.value.outcomes).map((o) => o.status)).toContain('needs-owner');
      // The effects job again (a redelivery): the log says the carry-over waits for the owner, so it is not run again.
      jobs.down = false;
      await runDecisionEffects(ROUND_ID, PEOPLE.dana, ports);
      expect(ports.jobs.ofKind('decision.needs-owner')).toEqual([]);

      await recoverTwice(ports, address, 'decision.needs-owner');
      expect(cardsTo(ports, PEOPLE.omar)).toHaveLength(1);
    });

    it('keeps the summary review request with the mark that it was asked, and asks once', async () => {
      const ports = onAzurite('2025-03-25T09:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxsummary'));
      await ports.rounds.create(aRound({ status: 'open' }));
      await ports.experiments.create(anExperiment({ state: 'practising' }));
      const jobs = failingQueue(ports.jobs);
      await checkSummaries({ ...ports, jobs });
      const address: OutboxAddress = { record: 'summary', roundId: ROUND_ID, participantId: PEOPLE.dana };
      expect((await ports.outbox.pending(address)).map((j) => j.kind)).toEqual(['shareback.summary-review']);
      expect((await ports.sharebackSessions.getSummary(ROUND_ID, PEOPLE.dana))?.value.reviewRequestedAt).not.toBeNull();
      // The next periodic check sees the mark and asks nothing: only the outbox can still send it.
      jobs.down = false;
      await checkSummaries(ports);
      expect(ports.jobs.ofKind('shareback.summary-review')).toEqual([]);

      await recoverTwice(ports, address, 'shareback.summary-review');
      expect(cardsTo(ports, PEOPLE.dana)).toHaveLength(1);
    });

    it('keeps the owners’ “not ready” card with the session’s note of what they were told, and sends it once', async () => {
      const ports = onAzurite('2025-03-30T15:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxflag'));
      await ports.rounds.create(aRound({ status: 'open' }));
      await ports.experiments.create(anExperiment({ state: 'practising' }));
      const jobs = failingQueue(ports.jobs, ['shareback.summaries-flagged']);
      await checkSummaries({ ...ports, jobs });
      expect((await ports.sharebackSessions.getSummary(ROUND_ID, PEOPLE.dana))?.value.flaggedAt).not.toBeNull();
      const address: OutboxAddress = { record: 'sharebackSession', roundId: ROUND_ID };
      expect((await ports.outbox.pending(address)).map((j) => j.kind)).toEqual(['shareback.summaries-flagged']);
      // The next periodic check sees the owners were told (the session's note) and queues nothing: only the outbox can.
      jobs.down = false;
      await checkSummaries(ports);
      expect(ports.jobs.ofKind('shareback.summaries-flagged')).toEqual([]);

      await recoverTwice(ports, address, 'shareback.summaries-flagged');
      expect(cardsTo(ports, PEOPLE.omar).map((s) => JSON.stringify(s.card))).toEqual([expect.stringContaining('Summaries not ready')]);
    });

    it('tells the owners about “not ready” marks saved before a crash, on the next check', async () => {
      const ports = onAzurite('2025-03-30T15:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxflagcrash'));
      await ports.rounds.create(aRound({ status: 'open' }));
      await ports.experiments.create(anExperiment({ state: 'practising' }));
      // The process dies after the summary's mark is saved and before the session's note (with the card) is.
      const crashing = { ...ports.sharebackSessions, saveSession: async () => { throw new Error('process killed (injected)'); } };
      await expect(checkSummaries({ ...ports, sharebackSessions: crashing })).rejects.toThrow('process killed');
      expect((await ports.sharebackSessions.getSummary(ROUND_ID, PEOPLE.dana))?.value.flaggedAt).not.toBeNull();
      expect(ports.jobs.ofKind('shareback.summaries-flagged')).toEqual([]);

      await checkSummaries(ports);
      await runQueuedJobs(ports, SETTINGS, ['outbox.check', 'shareback.summaries-flagged']);
      expect(cardsTo(ports, PEOPLE.omar).map((s) => JSON.stringify(s.card))).toEqual([expect.stringContaining('Summaries not ready')]);
      // Told once: a later check finds nothing new to tell.
      await checkSummaries(ports);
      await runQueuedJobs(ports, SETTINGS, ['outbox.check', 'shareback.summaries-flagged']);
      expect(cardsTo(ports, PEOPLE.omar)).toHaveLength(1);
    });

    it('keeps the owners’ list of undecided experiments with the meeting’s end, and sends it once', async () => {
      const ports = onAzurite('2025-03-31T15:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxend'));
      const round = aRound({ status: 'open' });
      await ports.rounds.create(round);
      await ports.experiments.create(anExperiment({ state: 'sharing' }));
      const jobs = failingQueue(ports.jobs);
      expect(await handleMeetingEnd(round, { ...ports, jobs })).toBe(true);
      const address: OutboxAddress = { record: 'sharebackSession', roundId: ROUND_ID };
      expect((await ports.outbox.pending(address)).map((j) => j.kind)).toEqual(['shareback.undecided']);
      jobs.down = false;
      expect(await handleMeetingEnd(round, ports)).toBe(false);

      await recoverTwice(ports, address, 'shareback.undecided');
      expect(cardsTo(ports, PEOPLE.omar)).toHaveLength(1);
    });

    it('keeps the round report with the claim that it was sent, and sends it once', async () => {
      const ports = onAzurite('2025-03-31T16:00:00.000Z', PEOPLE_IN_DIRECTORY, uniquePrefix('outboxreport'));
      const round = aRound({ status: 'open' });
      await ports.rounds.create(round);
      await ports.experiments.create(anExperiment({ state: 'sharing' }));
      const decided = await recordDecision(ROUND_ID, PEOPLE.dana, { outcome: 'stop', learned: 'The summaries needed as much checking as writing them.', ownerId: PEOPLE.omar, dueDate: '2025-04-30' }, undefined, as.omar, ports);
      if ('kind' in decided && 'message' in decided) throw new Error(`decision refused: ${decided.message}`);
      const jobs = failingQueue(ports.jobs, ['shareback.report']);
      expect(await sendReportWhenAllDecided(round, { ...ports, jobs })).toBe(true);
      const address: OutboxAddress = { record: 'sharebackSession', roundId: ROUND_ID };
      expect((await ports.outbox.pending(address)).map((j) => j.kind)).toEqual(['shareback.report']);
      // The claim is saved: the next decision's job sends nothing itself.
      jobs.down = false;
      expect(await sendReportWhenAllDecided(round, ports)).toBe(false);

      await recoverTwice(ports, address, 'shareback.report');
      expect(cardsTo(ports, PEOPLE.omar).filter((s) => JSON.stringify(s.card).includes('Round report:'))).toHaveLength(1);
    });
  });
});
