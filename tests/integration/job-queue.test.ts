import { Writable } from 'node:stream';
import { QueueClient } from '@azure/storage-queue';
import { z } from 'zod';
import { createStorageJobQueue, type StorageJobQueue } from '../../src/adapters/queues/storageJobQueue';
import { createQueueWorker, poisonQueueNameFor, type CreateQueueWorkerOptions, type QueueWorker } from '../../src/adapters/queues/queueWorker';
import { runWorker } from '../../src/jobs/runtime/runWorker';
import { createLogger, type Logger } from '../../src/logging';
import type { Job, JobContext, JobHandlers } from '../../src/ports/jobQueue';
import { eventually } from '../support/eventually';
import { testConnectionString, uniquePrefix } from '../support/storage';

const connectionString = testConnectionString();
const prefix = uniquePrefix('jobqueue');
const createdQueueNames: string[] = [];
const runningWorkers: QueueWorker[] = [];
let queueCount = 0;

interface TestQueue {
  readonly queueName: string;
  readonly jobs: StorageJobQueue;
  /** The SDK client on the same queue, to look at it (or write to it) behind the adapter's back. */
  readonly raw: QueueClient;
  readonly poison: QueueClient;
}

function aFreshQueueName(): string {
  const queueName = `${prefix}-${++queueCount}`;
  createdQueueNames.push(queueName, poisonQueueNameFor(queueName));
  return queueName;
}

async function aFreshQueue(): Promise<TestQueue> {
  const queueName = aFreshQueueName();
  const poisonQueueName = poisonQueueNameFor(queueName);
  const jobs = createStorageJobQueue({ connectionString, queueName });
  await jobs.ensureCreated();
  await createStorageJobQueue({ connectionString, queueName: poisonQueueName }).ensureCreated();
  return { queueName, jobs, raw: new QueueClient(connectionString, queueName), poison: new QueueClient(connectionString, poisonQueueName) };
}

interface LogCapture {
  readonly logger: Logger;
  readonly lines: Array<Record<string, unknown>>;
}

function aCapturingLogger(): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(z.record(z.unknown()).parse(JSON.parse(line)));
      done();
    },
  });
  return { logger: createLogger('job-queue-test', { level: 'debug', destination }), lines };
}

/** Small timings so the whole file runs in a few seconds; retries are immediate unless a test says otherwise. */
function aStartedWorker(queueName: string, handlers: JobHandlers, overrides: Partial<CreateQueueWorkerOptions> = {}): QueueWorker {
  const worker = createQueueWorker({
    connectionString,
    queueName,
    handlers,
    logger: aCapturingLogger().logger,
    visibilityTimeoutInMs: 5_000,
    minPollIntervalInMs: 10,
    maxPollIntervalInMs: 100,
    retryBaseDelayInMs: 0,
    stopGraceInMs: 5_000,
    ...overrides,
  });
  runningWorkers.push(worker);
  worker.start();
  return worker;
}

/** Includes invisible (delayed, leased) messages: 0 means the queue really holds nothing. */
async function messagesIn(queue: QueueClient): Promise<number> {
  return (await queue.getProperties()).approximateMessagesCount ?? 0;
}

const poisonRecordSchema = z.object({
  reason: z.string(),
  lastError: z.string().optional(),
  attempts: z.number(),
  original: z.string(),
  movedAt: z.string().datetime(),
});

async function poisonRecordsIn(poison: QueueClient): Promise<Array<z.infer<typeof poisonRecordSchema>>> {
  const { peekedMessageItems } = await poison.peekMessages({ numberOfMessages: 32 });
  return peekedMessageItems.map((item) => poisonRecordSchema.parse(JSON.parse(item.messageText)));
}

/** Job messages are base64 of the JSON envelope. */
function decodeEnvelope(text: string): unknown {
  return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
}

afterEach(async () => {
  await Promise.all(runningWorkers.splice(0).map((worker) => worker.stop()));
});

afterAll(async () => {
  await Promise.all(createdQueueNames.map((name) => new QueueClient(connectionString, name).deleteIfExists()));
});

describe('storage job queue and worker', () => {
  it('delivers a sent job to the handler for its kind, with its id and payload', async () => {
    const { queueName, jobs, raw } = await aFreshQueue();
    const received: Array<{ job: Job; attempt: number }> = [];
    aStartedWorker(queueName, {
      'kickoff.send': async (job, { attempt }) => {
        received.push({ job, attempt });
      },
    });
    // Characters that XML cannot carry as is (a control character, markup, non-ASCII) survive thanks to base64.
    const payload = { roundId: 'r-1', note: 'Zoë <b>&</b> "quoted" \u0001 🙂', hours: 2, nested: { ok: true } };

    await jobs.send([{ kind: 'kickoff.send', id: 'r-1:u-1', payload }]);

    await eventually(() => expect(received).toEqual([{ job: { kind: 'kickoff.send', id: 'r-1:u-1', payload }, attempt: 1 }]));
    await eventually(async () => expect(await messagesIn(raw)).toBe(0));
  });

  it('retries a failing handler: it sees attempts 1, 2, 3 and the job is gone once it succeeds', async () => {
    const { queueName, jobs, raw } = await aFreshQueue();
    const { logger, lines } = aCapturingLogger();
    const attempts: number[] = [];
    aStartedWorker(
      queueName,
      {
        'booking.create': async (_job, { attempt }) => {
          attempts.push(attempt);
          if (attempt < 3) throw new Error(`calendar unavailable (attempt ${attempt})`);
        },
      },
      { logger },
    );

    await jobs.send([{ kind: 'booking.create', id: 'exp-7:block-0', payload: { accessToken: 'do-not-log-me' } }]);

    await eventually(() => expect(attempts).toEqual([1, 2, 3]));
    await eventually(async () => expect(await messagesIn(raw)).toBe(0));
    const failures = lines.filter((line) => line.msg === 'job failed; it will be retried');
    expect(failures).toEqual([
      expect.objectContaining({ kind: 'booking.create', id: 'exp-7:block-0', attempt: 1, error: 'calendar unavailable (attempt 1)' }),
      expect.objectContaining({ kind: 'booking.create', id: 'exp-7:block-0', attempt: 2, error: 'calendar unavailable (attempt 2)' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('do-not-log-me');
  });

  it('moves a job that always fails to the poison queue after maxAttempts, with the reason and the last error', async () => {
    const { queueName, jobs, raw, poison } = await aFreshQueue();
    const attempts: number[] = [];
    aStartedWorker(
      queueName,
      {
        'reminder.send': async (_job, { attempt }) => {
          attempts.push(attempt);
          throw new Error(`mailbox not found (attempt ${attempt})`);
        },
      },
      { maxAttempts: 3 },
    );

    await jobs.send([{ kind: 'reminder.send', id: 'exp-9:week-2', payload: { week: 2 } }]);

    const [record] = await eventually(async () => {
      const records = await poisonRecordsIn(poison);
      expect(records).toHaveLength(1);
      return records;
    });
    expect(record).toMatchObject({ reason: 'max attempts', lastError: 'mailbox not found (attempt 3)', attempts: 3 });
    expect(decodeEnvelope(record!.original)).toMatchObject({ kind: 'reminder.send', id: 'exp-9:week-2', payload: { week: 2 } });
    expect(attempts).toEqual([1, 2, 3]);
    await eventually(async () => expect(await messagesIn(raw)).toBe(0));
  });

  it('moves a job of an unknown kind to the poison queue with reason "no handler"', async () => {
    const { queueName, jobs, raw, poison } = await aFreshQueue();
    aStartedWorker(queueName, { 'kickoff.send': async () => undefined });

    await jobs.send([{ kind: 'kickoff.sned', id: 'r-2:u-3', payload: {} }]);

    const [record] = await eventually(async () => {
      const records = await poisonRecordsIn(poison);
      expect(records).toHaveLength(1);
      return records;
    });
    expect(record).toMatchObject({ reason: 'no handler', attempts: 1 });
    expect(record!.lastError).toContain('kickoff.sned');
    expect(decodeEnvelope(record!.original)).toMatchObject({ kind: 'kickoff.sned', id: 'r-2:u-3' });
    await eventually(async () => expect(await messagesIn(raw)).toBe(0));
  });

  it('moves garbled messages to the poison queue, keeping their text, instead of dropping them', async () => {
    const { queueName, raw, poison } = await aFreshQueue();
    const handled: Job[] = [];
    aStartedWorker(queueName, { 'kickoff.send': async (job) => void handled.push(job) });
    const notBase64 = 'kickoff.send for everyone, please';
    const notAnEnvelope = Buffer.from(JSON.stringify({ kind: 'kickoff.send' })).toString('base64');

    await raw.sendMessage(notBase64);
    await raw.sendMessage(notAnEnvelope);

    const records = await eventually(async () => {
      const found = await poisonRecordsIn(poison);
      expect(found).toHaveLength(2);
      return found;
    });
    expect(records.map((record) => record.original).sort()).toEqual([notBase64, notAnEnvelope].sort());
    expect(records.every((record) => record.reason === 'unparseable')).toBe(true);
    expect(records.find((record) => record.original === notAnEnvelope)?.lastError).toContain('id');
    expect(handled).toEqual([]);
    await eventually(async () => expect(await messagesIn(raw)).toBe(0));
  });

  it('hides a job sent with delayInMs until its time', async () => {
    const { queueName, jobs, raw } = await aFreshQueue();
    const deliveredAt: number[] = [];
    const worker = aStartedWorker(queueName, { 'reminder.send': async () => void deliveredAt.push(Date.now()) });

    const sentAt = Date.now();
    await jobs.send([{ kind: 'reminder.send', id: 'exp-1:week-1', payload: {} }], { delayInMs: 1_500 });
    // idle() resolves only after a receive that started after the send found nothing: the job was there but hidden.
    await worker.idle();
    expect(deliveredAt).toEqual([]);
    expect(await messagesIn(raw)).toBe(1);

    await eventually(() => expect(deliveredAt).toHaveLength(1), { timeoutInMs: 5_000 });
    expect(deliveredAt[0]! - sentAt).toBeGreaterThanOrEqual(1_000);
  });

  it('processes each of 50 jobs exactly once with two workers on the same queue', async () => {
    const { queueName, jobs, raw } = await aFreshQueue();
    const runs = new Map<string, number>();
    const handlers: JobHandlers = {
      'kickoff.send': async (job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      },
    };
    const first = aStartedWorker(queueName, handlers);
    const second = aStartedWorker(queueName, handlers);
    const ids = Array.from({ length: 50 }, (_, index) => `r-3:u-${index}`);

    await jobs.send(ids.map((id) => ({ kind: 'kickoff.send', id, payload: { id } })));

    await eventually(() => expect(runs.size).toBe(50), { timeoutInMs: 10_000 });
    await Promise.all([first.idle(), second.idle()]);
    expect([...runs.keys()].sort()).toEqual([...ids].sort());
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(await messagesIn(raw)).toBe(0);
  });

  it('refuses an oversize job with an error naming its kind and id, and sends none of its batch', async () => {
    const { jobs, raw } = await aFreshQueue();
    const small: Job = { kind: 'kickoff.send', id: 'r-4:u-1', payload: {} };
    const oversize: Job = { kind: 'report.export', id: 'r-4:full', payload: { rows: 'x'.repeat(70_000) } };

    await expect(jobs.send([small, oversize])).rejects.toThrow(/"report\.export" id "r-4:full" is \d+ bytes/);
    expect(await messagesIn(raw)).toBe(0);
  });

  it('extends the lease of a handler that outlives the visibility timeout, so a second worker does not take its job', async () => {
    const { queueName, jobs, raw } = await aFreshQueue();
    const { logger, lines } = aCapturingLogger();
    const attempts: number[] = [];
    const handlers: JobHandlers = {
      'booking.create': async (job, { attempt }) => {
        attempts.push(attempt);
        // Run through three renewals (1.5 s) of a 1 s lease, then finish.
        await eventually(
          () => expect(lines.filter((line) => line.msg === 'lease extended' && line.id === job.id).length).toBeGreaterThanOrEqual(3),
          { timeoutInMs: 10_000 },
        );
      },
    };
    // One log for both workers: whichever receives the job, its renewals are counted.
    aStartedWorker(queueName, handlers, { logger, visibilityTimeoutInMs: 1_000 });
    aStartedWorker(queueName, handlers, { logger, visibilityTimeoutInMs: 1_000 });

    await jobs.send([{ kind: 'booking.create', id: 'exp-2:block-1', payload: {} }]);

    await eventually(async () => expect(await messagesIn(raw)).toBe(0), { timeoutInMs: 10_000 });
    expect(attempts).toEqual([1]);
  });

  it('stop() waits for an in-flight handler and aborts its signal after the grace period', async () => {
    const { queueName, jobs, raw } = await aFreshQueue();
    let context: JobContext | undefined;
    let finished = false;
    const worker = aStartedWorker(
      queueName,
      {
        'booking.create': async (_job, jobContext) => {
          context = jobContext;
          // A handler that only stops when told to: it finishes once its signal aborts.
          await new Promise<void>((resolve) => jobContext.abortSignal.addEventListener('abort', () => resolve(), { once: true }));
          finished = true;
        },
      },
      { stopGraceInMs: 200 },
    );
    await jobs.send([{ kind: 'booking.create', id: 'exp-3:block-0', payload: {} }]);
    await eventually(() => expect(context).toBeDefined());

    let finishedWhenStopResolved: boolean | undefined;
    await worker.stop().then(() => {
      finishedWhenStopResolved = finished;
    });

    expect(finishedWhenStopResolved).toBe(true);
    expect(context?.abortSignal.aborted).toBe(true);
    expect(await messagesIn(raw)).toBe(0); // it returned normally, so the job counts as done
  });

  it('stop() lets a handler that finishes within the grace period complete without aborting it', async () => {
    const { queueName, jobs, raw } = await aFreshQueue();
    let context: JobContext | undefined;
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let finished = false;
    const worker = aStartedWorker(queueName, {
      'booking.create': async (_job, jobContext) => {
        context = jobContext;
        await gate;
        finished = true;
      },
    });
    await jobs.send([{ kind: 'booking.create', id: 'exp-4:block-0', payload: {} }]);
    await eventually(() => expect(context).toBeDefined());

    const stopping = worker.stop();
    openGate();
    await stopping;

    expect(finished).toBe(true);
    expect(context?.abortSignal.aborted).toBe(false);
    expect(await messagesIn(raw)).toBe(0);
  });
});

describe('runWorker', () => {
  const quickPolling = { minPollIntervalInMs: 10, maxPollIntervalInMs: 100 };

  it('creates the queue and its poison queue, runs jobs, and stops when its abortSignal aborts', async () => {
    const queueName = aFreshQueueName();
    const handled: string[] = [];
    const lifetime = new AbortController();
    const running = await runWorker({
      connectionString,
      queueName,
      handlers: { 'kickoff.send': async (job) => void handled.push(job.id) },
      logger: aCapturingLogger().logger,
      stopOnSignals: [],
      abortSignal: lifetime.signal,
      ...quickPolling,
    });
    const poisonExists = await new QueueClient(connectionString, poisonQueueNameFor(queueName)).exists();

    await createStorageJobQueue({ connectionString, queueName }).send([{ kind: 'kickoff.send', id: 'r-5:u-1', payload: {} }]);
    await eventually(() => expect(handled).toEqual(['r-5:u-1']));
    lifetime.abort();
    await running.stopped;

    expect(poisonExists).toBe(true);
    await expect(running.idle()).rejects.toThrow(/stopped/);
  });

  it('stops on the first of its process signals and then leaves the signals to Node', async () => {
    const queueName = aFreshQueueName();
    const listenersBefore = process.listenerCount('SIGUSR2');
    const running = await runWorker({
      connectionString,
      queueName,
      handlers: {},
      logger: aCapturingLogger().logger,
      stopOnSignals: ['SIGUSR2'],
      ...quickPolling,
    });
    expect(process.listenerCount('SIGUSR2')).toBe(listenersBefore + 1);

    process.emit('SIGUSR2', 'SIGUSR2'); // calls the listeners only; no signal is sent to the process
    await running.stopped;

    expect(process.listenerCount('SIGUSR2')).toBe(listenersBefore);
  });
});
