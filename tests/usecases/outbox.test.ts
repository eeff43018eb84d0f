import { isDomainError, type DomainError } from '../../src/domain/errors';
import { JOB_KINDS, effect, type JobKind } from '../../src/usecases/jobKinds';
import { bookingQueueName, jobQueueName, outboxQueueName, workerQueues } from '../../src/jobs/handlers';
import { acknowledgePolicy, reviewPlan, saveSelection, submitPlan } from '../../src/usecases/experiments';
import { experimentOutbox, OUTBOX_CHECK_DELAY_IN_MS } from '../../src/usecases/outbox';
import { sendEncouragement } from '../../src/usecases/checkIns';
import type { Job, JobQueue } from '../../src/ports/jobQueue';
import { PEOPLE, ROUND_ID, aHypothesis, aSelection } from '../support/builders';
import { runQueuedJobs, type FakePorts } from '../support/fakes';
import { aWorld, as } from './world';

// Effects go out through the experiment's outbox: saved with the change, queued after it, recovered by a delayed check.

const SETTINGS = { dashboardUrl: 'https://tab.example/tab/', tabEndpoint: null };

function ok<T>(value: T | DomainError): T {
  if (isDomainError(value)) throw new Error(`expected success, got ${value.kind}: ${value.message}`);
  return value;
}

/** The fake queue, refusing every job while `down` (an outage between the save and the hand-off; the outbox checks have their own queue). */
function flakyQueue(queue: FakePorts['jobs']): JobQueue & { down: boolean } {
  const flaky = {
    down: true,
    async send(jobs: readonly Job[], options?: { delayInMs?: number }) {
      if (flaky.down) throw new Error('queue unavailable (injected)');
      await queue.send(jobs, options);
    },
  };
  return flaky;
}

const sentOfKind = (ports: FakePorts, kind: string) => [...ports.jobs.sent, ...ports.bookingJobs.sent].filter((s) => s.job.kind === kind).map((s) => s.job);

describe('the outbox of an experiment change', () => {
  it('queues the effects after the save, leaves no row behind, and its delayed check then finds nothing to send', async () => {
    const { ports, experiment } = await aWorld({ experiment: 'submitted' });
    const approved = ok(await reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'approve' }, experiment!.version, as.maria, ports));
    expect(approved.effects.map((e) => e.kind).sort()).toEqual(['calendar.book', 'plan.notice']);
    expect(sentOfKind(ports, 'plan.notice')).toHaveLength(1);
    expect(sentOfKind(ports, 'calendar.book')).toHaveLength(1);
    expect(await ports.outbox.pending(experimentOutbox(ROUND_ID, PEOPLE.dana))).toEqual([]);
    // The recovery was queued before the save, delayed.
    expect(ports.outboxChecks.sent.map((s) => [s.job.kind, s.delayInMs])).toEqual([['outbox.check', OUTBOX_CHECK_DELAY_IN_MS]]);
    await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
    expect(sentOfKind(ports, 'plan.notice')).toHaveLength(1);
  });

  it('sends an effect exactly once when the queue fails between the save and the hand-off: the check sends it later', async () => {
    const { ports, experiment } = await aWorld({ experiment: 'submitted' });
    const flaky = flakyQueue(ports.jobs);
    const bookings = flakyQueue(ports.bookingJobs);
    const during = { ...ports, jobs: flaky, bookingJobs: bookings };
    // The change is saved and the command succeeds; its effects wait in the outbox.
    const approved = ok(await reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'approve' }, experiment!.version, as.maria, during));
    expect((await ports.experiments.get(ROUND_ID, PEOPLE.dana))?.experiment.state).toBe('approved');
    expect(sentOfKind(ports, 'plan.notice')).toEqual([]);
    expect((await ports.outbox.pending(experimentOutbox(ROUND_ID, PEOPLE.dana))).map((j) => j.id).sort()).toEqual(approved.effects.map((e) => e.id).sort());
    flaky.down = false;
    bookings.down = false;
    await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
    expect(sentOfKind(ports, 'plan.notice').map((j) => j.id)).toEqual([`notice:${experiment!.id}:${approved.experiment.version}`]);
    expect(sentOfKind(ports, 'calendar.book').map((j) => j.id)).toEqual([`book:${experiment!.id}`]);
    expect(await ports.outbox.pending(experimentOutbox(ROUND_ID, PEOPLE.dana))).toEqual([]);
    // A redelivered check finds an empty outbox: nothing goes out twice.
    await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
    await ports.outboxChecks.send([effect('outbox.check', 'redelivered', { roundId: ROUND_ID, participantId: PEOPLE.dana })]);
    await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
    expect(sentOfKind(ports, 'plan.notice')).toHaveLength(1);
    expect(sentOfKind(ports, 'calendar.book')).toHaveLength(1);
  });

  it('sends the effect exactly once after a crash right after the save (the process dies before the hand-off)', async () => {
    const { ports } = await aWorld();
    ok(await acknowledgePolicy(ROUND_ID, { policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } }, as.dana, ports));
    ok(await saveSelection(ROUND_ID, aSelection(), undefined, as.dana, ports));
    let crashes = 1;
    const crashing = {
      ...ports,
      experiments: {
        ...ports.experiments,
        async update(...args: Parameters<FakePorts['experiments']['update']>) {
          const saved = await ports.experiments.update(...args);
          if (args[2]?.outbox?.length && crashes-- > 0) throw new Error('process crashed after the save (injected)');
          return saved;
        },
      },
    };
    await expect(submitPlan(ROUND_ID, aHypothesis(), undefined, as.dana, crashing)).rejects.toThrow(/crashed/);
    const stored = (await ports.experiments.get(ROUND_ID, PEOPLE.dana))!.experiment;
    expect(stored.state).toBe('submitted');
    expect(sentOfKind(ports, 'review.request')).toEqual([]);
    await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
    expect(sentOfKind(ports, 'review.request').map((j) => j.id)).toEqual([`review:${stored.id}:${stored.version}`]);
    await runQueuedJobs(ports, SETTINGS, ['outbox.check']);
    expect(sentOfKind(ports, 'review.request')).toHaveLength(1);
  });

  it('sends a notice once when its job is queued twice (the check after a crash between queueing and clearing, or a redelivery)', async () => {
    const { ports, experiment } = await aWorld({ experiment: 'submitted' });
    ok(await reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'approve' }, experiment!.version, as.maria, ports));
    const [notice] = ports.jobs.ofKind('plan.notice');
    await ports.jobs.send([notice!]);
    expect(await runQueuedJobs(ports, SETTINGS, ['plan.notice'])).toHaveLength(2);
    expect(ports.messenger.sent.map((s) => s.conversationId)).toEqual([`a:personal-${PEOPLE.dana}`]);
  });

  it('keeps nothing and sends nothing when the change is refused or the queue cannot take the check', async () => {
    const { ports, experiment } = await aWorld({ experiment: 'submitted' });
    expect(isDomainError(await reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'approve' }, experiment!.version, as.sam, ports))).toBe(true);
    const dead = { ...ports, outboxChecks: { send: async () => { throw new Error('queue unavailable (injected)'); } } };
    await expect(reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'approve' }, experiment!.version, as.maria, dead)).rejects.toThrow(/unavailable/);
    expect((await ports.experiments.get(ROUND_ID, PEOPLE.dana))?.experiment.state).toBe('submitted');
    expect(await ports.outbox.pending(experimentOutbox(ROUND_ID, PEOPLE.dana))).toEqual([]);
    expect([...ports.jobs.sent, ...ports.bookingJobs.sent]).toEqual([]);
  });
});

describe("a manager's note of encouragement", () => {
  it('goes out once through its job, however often it is sent; once sent, the same note again says so', async () => {
    const { ports } = await aWorld({ now: '2025-03-12T10:00:00.000Z', experiment: 'practising' });
    const first = ok(await sendEncouragement(ROUND_ID, PEOPLE.dana, 'Keep going, the summaries look useful.', as.maria, ports));
    const doubleClick = ok(await sendEncouragement(ROUND_ID, PEOPLE.dana, 'Keep going, the summaries look useful.', as.maria, ports));
    expect([first.alreadySent, doubleClick.alreadySent]).toEqual([false, false]);
    expect(ports.messenger.sent).toEqual([]);
    await runQueuedJobs(ports, SETTINGS, ['checkin.note']);
    expect(ports.messenger.sent.map((s) => s.conversationId)).toEqual([`a:personal-${PEOPLE.dana}`]);
    expect(ok(await sendEncouragement(ROUND_ID, PEOPLE.dana, 'Keep going, the summaries look useful.', as.maria, ports)).alreadySent).toBe(true);
    await runQueuedJobs(ports, SETTINGS);
    expect(ports.messenger.sent).toHaveLength(1);
  });
});

describe('the job registry', () => {
  it('has one handler for every kind, on the queue the kind names', () => {
    const queues = workerQueues('p', {} as never, SETTINGS);
    const on = (name: string) => Object.keys(queues.find((q) => q.queueName === name)!.handlers).sort();
    const kinds = Object.keys(JOB_KINDS) as JobKind[];
    expect(on(jobQueueName('p'))).toEqual(kinds.filter((k) => JOB_KINDS[k].queue === 'jobs').sort());
    expect(on(bookingQueueName('p'))).toEqual(kinds.filter((k) => JOB_KINDS[k].queue === 'bookings').sort());
    expect(on(outboxQueueName('p'))).toEqual(['outbox.check']);
  });

  it('refuses, at compile time, a kind that is not registered or a payload that does not fit its kind', () => {
    // @ts-expect-error: not a registered kind
    effect('review.requested', 'x', { roundId: ROUND_ID, participantId: PEOPLE.dana });
    // @ts-expect-error: a review request names the participant, not a user
    effect('review.request', 'x', { roundId: ROUND_ID, userId: PEOPLE.dana });
    // And at run time, a payload that does not fit is refused before any handler runs.
    const handler = workerQueues('p', {} as never, SETTINGS)[0]!.handlers['review.request']!;
    return expect(handler({ kind: 'review.request', id: 'x', payload: { roundId: 'nope' } }, { attempt: 1, abortSignal: new AbortController().signal })).rejects.toThrow();
  });
});
