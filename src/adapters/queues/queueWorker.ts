import type { DequeuedMessageItem } from '@azure/storage-queue';
import type { Logger } from '../../logging';
import type { JobHandler, JobHandlers } from '../../ports/jobQueue';
import {
  MAX_VISIBILITY_TIMEOUT_IN_SECONDS,
  NEVER_EXPIRES,
  QUEUE_MESSAGE_LIMIT_IN_BYTES,
  createQueueClient,
  deadline,
  decodeJobMessage,
  encodePoisonRecord,
  errorMessage,
  storageErrorCode,
  type PoisonReason,
} from './queueMessages';

export interface CreateQueueWorkerOptions {
  readonly connectionString: string;
  readonly queueName: string;
  /** Where messages go that cannot be handled; `<queueName>-poison` by default. */
  readonly poisonQueueName?: string;
  readonly handlers: JobHandlers;
  readonly logger: Logger;
  /** Deliveries before a failing job is moved to the poison queue. */
  readonly maxAttempts?: number;
  /** The lease on a received message (whole seconds, at least 1); renewed at half-time while its handler runs. */
  readonly visibilityTimeoutInMs?: number;
  /** Idle backoff: the wait after an empty receive doubles from the minimum up to the maximum, and resets on work. */
  readonly minPollIntervalInMs?: number;
  readonly maxPollIntervalInMs?: number;
  /**
   * Handlers running at once. The default (16) is sized to the connector's rate × the time a job holds a slot: a
   * kickoff job of 20 people holds one for about 0.7 s (0.4 s of sends at 50/s, the rest Graph and storage), so 50/s
   * needs 50 × 0.7 / 20 ≈ 2 in flight; a one-card job holds one ~0.1 s, so 50 × 0.1 ≈ 5. 16 leaves room for slow ones.
   */
  readonly concurrency?: number;
  /** Retry backoff after a failure: base × 2^(attempt − 1), capped, with jitter; rounded up to whole seconds. */
  readonly retryBaseDelayInMs?: number;
  readonly retryMaxDelayInMs?: number;
  /** How long stop() lets in-flight handlers finish before aborting their signal (it still waits for them). */
  readonly stopGraceInMs?: number;
  /** Deadline of each call to the storage service. */
  readonly requestTimeoutInMs?: number;
}

export interface QueueWorker {
  start(): void;
  /** Stops polling and waits for in-flight handlers; their abortSignal fires after the grace period. */
  stop(): Promise<void>;
  /**
   * Resolves once a receive that started after this call, with nothing in flight, found the queue empty (messages
   * that are delayed or waiting out a retry backoff are invisible, so they do not count). For tests and benchmarks.
   * Rejects if the worker stops first.
   */
  idle(): Promise<void>;
}

export function poisonQueueNameFor(queueName: string): string {
  return `${queueName}-poison`;
}

/** Azure returns at most 32 messages per receive. */
const MAX_MESSAGES_PER_RECEIVE = 32;

const DEFAULTS = {
  maxAttempts: 5,
  visibilityTimeoutInMs: 30_000,
  minPollIntervalInMs: 50,
  maxPollIntervalInMs: 1_000,
  concurrency: 16,
  retryBaseDelayInMs: 1_000,
  retryMaxDelayInMs: 5 * 60_000,
  stopGraceInMs: 10_000,
  requestTimeoutInMs: 10_000,
} as const;

/** The pop receipt changes with every update of a message; deletes and updates need the latest one. */
interface Lease {
  readonly messageId: string;
  popReceipt: string;
}

interface JobLogFields {
  readonly kind?: string;
  readonly id?: string;
  readonly messageId: string;
  readonly attempt: number;
}

interface IdleWaiter {
  /** Only a receive numbered above this one counts: it started after idle() was called. */
  readonly afterReceive: number;
  resolve(): void;
  reject(error: Error): void;
}

export function createQueueWorker(options: CreateQueueWorkerOptions): QueueWorker {
  const { queueName, handlers } = options;
  const settings = {
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    visibilityTimeoutInMs: options.visibilityTimeoutInMs ?? DEFAULTS.visibilityTimeoutInMs,
    minPollIntervalInMs: options.minPollIntervalInMs ?? DEFAULTS.minPollIntervalInMs,
    maxPollIntervalInMs: options.maxPollIntervalInMs ?? DEFAULTS.maxPollIntervalInMs,
    concurrency: options.concurrency ?? DEFAULTS.concurrency,
    retryBaseDelayInMs: options.retryBaseDelayInMs ?? DEFAULTS.retryBaseDelayInMs,
    retryMaxDelayInMs: options.retryMaxDelayInMs ?? DEFAULTS.retryMaxDelayInMs,
    stopGraceInMs: options.stopGraceInMs ?? DEFAULTS.stopGraceInMs,
    requestTimeoutInMs: options.requestTimeoutInMs ?? DEFAULTS.requestTimeoutInMs,
  };
  const { maxAttempts, concurrency, requestTimeoutInMs } = settings;
  const receiveBatch = Math.max(1, Math.min(MAX_MESSAGES_PER_RECEIVE, Math.ceil(concurrency / 2)));
  requirePositiveInteger('maxAttempts', maxAttempts);
  requirePositiveInteger('concurrency', concurrency);
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  }
  if (settings.minPollIntervalInMs > settings.maxPollIntervalInMs) {
    throw new RangeError(`minPollIntervalInMs (${settings.minPollIntervalInMs}) must not exceed maxPollIntervalInMs (${settings.maxPollIntervalInMs})`);
  }
  const poisonQueueName = options.poisonQueueName ?? poisonQueueNameFor(queueName);
  const queue = createQueueClient(options.connectionString, queueName);
  const poisonQueue = createQueueClient(options.connectionString, poisonQueueName);
  const log = options.logger.child({ component: 'queue-worker', queue: queueName });

  const leaseInSeconds = Math.min(MAX_VISIBILITY_TIMEOUT_IN_SECONDS, Math.max(1, Math.ceil(settings.visibilityTimeoutInMs / 1000)));
  // Renewing at half the lease leaves the other half for a slow renewal call: 30 s lease → renew every 15 s.
  const leaseRenewalIntervalInMs = (leaseInSeconds * 1000) / 2;

  let state: 'created' | 'running' | 'stopping' | 'stopped' = 'created';
  const stopPolling = new AbortController();
  const stopRequested = whenAborted(stopPolling.signal);
  const abortHandlers = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let polling: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  let receivesStarted = 0;
  let idleWaiters: IdleWaiter[] = [];

  async function pollUntilStopped(): Promise<void> {
    let idleWaitInMs = settings.minPollIntervalInMs;
    while (!stopPolling.signal.aborted) {
      const freeSlots = concurrency - inFlight.size;
      // Receive in batches: with work in flight, wait until enough slots are free to fill them with one call
      // (up to 32 messages), rather than asking for one message each time a job ends.
      if (freeSlots <= 0 || (inFlight.size > 0 && freeSlots < receiveBatch)) {
        await Promise.race([...inFlight, stopRequested]);
        continue;
      }
      const receiveNumber = ++receivesStarted;
      const quietAtStart = inFlight.size === 0;
      let messages: DequeuedMessageItem[];
      try {
        const response = await queue.receiveMessages({
          numberOfMessages: Math.min(MAX_MESSAGES_PER_RECEIVE, freeSlots),
          visibilityTimeout: leaseInSeconds,
          abortSignal: deadline(requestTimeoutInMs),
        });
        messages = response.receivedMessageItems;
      } catch (error) {
        log.error({ error: errorMessage(error), code: storageErrorCode(error), retryInMs: idleWaitInMs }, 'receiving messages failed; polling again after a pause');
        await pause(idleWaitInMs, stopPolling.signal);
        idleWaitInMs = Math.min(settings.maxPollIntervalInMs, idleWaitInMs * 2);
        continue;
      }
      if (stopPolling.signal.aborted) {
        // Stopped while receiving: hand these back now rather than make them wait out the lease.
        await Promise.all(messages.map((message) => release(message)));
        break;
      }
      if (messages.length === 0) {
        // Nothing was in flight when this receive started and nothing came back: no work of ours is visible.
        if (quietAtStart) resolveIdleWaiters(receiveNumber);
        await pause(idleWaitInMs, stopPolling.signal);
        idleWaitInMs = Math.min(settings.maxPollIntervalInMs, idleWaitInMs * 2);
        continue;
      }
      idleWaitInMs = settings.minPollIntervalInMs;
      for (const message of messages) track(processMessage(message));
    }
  }

  function track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => {
        // processMessage handles every outcome it knows; anything reaching here is a defect, made loud.
        log.error({ error: errorMessage(error) }, 'unexpected failure while processing a message');
      })
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }

  async function processMessage(message: DequeuedMessageItem): Promise<void> {
    const lease: Lease = { messageId: message.messageId, popReceipt: message.popReceipt };
    const attempt = message.dequeueCount;
    const decoded = decodeJobMessage(message.messageText);
    if (!decoded.ok) {
      await moveToPoison(message, lease, 'unparseable', decoded.problem, { messageId: message.messageId, attempt });
      return;
    }
    const { kind, id, payload } = decoded.envelope;
    const fields: JobLogFields = { kind, id, messageId: message.messageId, attempt };
    const handler: JobHandler | undefined = Object.hasOwn(handlers, kind) ? handlers[kind] : undefined;
    if (!handler) {
      await moveToPoison(message, lease, 'no handler', `no handler for job kind "${kind}"`, fields);
      return;
    }
    if (attempt > maxAttempts) {
      // The previous delivery never reported back (its worker stopped or lost the lease), so its error is unknown.
      await moveToPoison(message, lease, 'max attempts', undefined, fields);
      return;
    }

    const renewal = keepLeaseWhileRunning(lease, fields);
    let failure: { readonly error: unknown } | undefined;
    try {
      await handler({ kind, id, payload }, { attempt, abortSignal: abortHandlers.signal });
    } catch (error) {
      failure = { error };
    } finally {
      await renewal.stop();
    }

    if (!failure) {
      await deleteFromQueue(lease, fields, 'handled');
      return;
    }
    const lastError = errorMessage(failure.error);
    if (abortHandlers.signal.aborted) {
      // Interrupted by our own shutdown, not a fault of the job: another worker may take it straight away.
      log.warn({ ...fields, error: lastError }, 'job interrupted by shutdown; released for another worker');
      await setVisibility(lease, 0, fields, 'release');
      return;
    }
    if (attempt >= maxAttempts) {
      await moveToPoison(message, lease, 'max attempts', lastError, fields);
      return;
    }
    const retryInSeconds = retryDelayInSeconds(attempt);
    log.warn({ ...fields, error: lastError, retryInSeconds }, 'job failed; it will be retried');
    await setVisibility(lease, retryInSeconds, fields, 'retry');
  }

  /** Exponential with equal jitter: base 1 s, attempt 3 → 4 s → somewhere in 2–4 s; so failed jobs do not retry in step. */
  function retryDelayInSeconds(attempt: number): number {
    const ceilingInMs = Math.min(settings.retryMaxDelayInMs, settings.retryBaseDelayInMs * 2 ** (attempt - 1));
    const delayInMs = ceilingInMs / 2 + Math.random() * (ceilingInMs / 2);
    return Math.min(MAX_VISIBILITY_TIMEOUT_IN_SECONDS, Math.ceil(delayInMs / 1000));
  }

  /** Renews the lease at half-time so a handler slower than the visibility timeout is not delivered twice. */
  function keepLeaseWhileRunning(lease: Lease, fields: JobLogFields): { stop(): Promise<void> } {
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(async () => {
        try {
          const response = await queue.updateMessage(lease.messageId, lease.popReceipt, undefined, leaseInSeconds, {
            abortSignal: deadline(requestTimeoutInMs),
          });
          if (response.popReceipt) lease.popReceipt = response.popReceipt;
          log.debug({ ...fields, leaseInSeconds }, 'lease extended');
        } catch (error) {
          // Named outcome: the lease may lapse and the job run twice; handlers are idempotent by job id.
          log.warn({ ...fields, error: errorMessage(error), code: storageErrorCode(error) }, 'could not extend the lease; the job may be delivered again');
        }
      });
    }, leaseRenewalIntervalInMs);
    return {
      async stop() {
        clearInterval(timer);
        await renewing; // a renewal in flight changes the pop receipt the next call needs
      },
    };
  }

  async function moveToPoison(
    message: DequeuedMessageItem,
    lease: Lease,
    reason: PoisonReason,
    lastError: string | undefined,
    fields: JobLogFields,
  ): Promise<void> {
    const record = encodePoisonRecord({
      reason,
      lastError,
      attempts: message.dequeueCount,
      // The SDK types the text as a string, but it is missing when the service's XML could not carry it.
      original: message.messageText ?? '',
      movedAt: new Date().toISOString(),
    });
    if (record.length > QUEUE_MESSAGE_LIMIT_IN_BYTES) {
      // Only a foreign message near 64 KiB can get here (our own keep headroom): keep it rather than drop it.
      log.error({ ...fields, reason, recordBytes: record.length }, 'message too large to copy to the poison queue; it stays in the queue');
      return;
    }
    try {
      await poisonQueue.sendMessage(record, { messageTimeToLive: NEVER_EXPIRES, abortSignal: deadline(requestTimeoutInMs) });
    } catch (error) {
      log.error(
        { ...fields, reason, poisonQueue: poisonQueueName, error: errorMessage(error), code: storageErrorCode(error) },
        'could not write to the poison queue; the message stays in the queue and comes back after its lease',
      );
      return;
    }
    log.error({ ...fields, reason, lastError, poisonQueue: poisonQueueName }, 'message moved to the poison queue');
    await deleteFromQueue(lease, fields, 'moved to poison');
  }

  async function deleteFromQueue(lease: Lease, fields: JobLogFields, after: string): Promise<void> {
    try {
      await queue.deleteMessage(lease.messageId, lease.popReceipt, { abortSignal: deadline(requestTimeoutInMs) });
    } catch (error) {
      logLeaseCallFailure(error, fields, `could not delete the message after it was ${after}; it will be delivered again`);
    }
  }

  async function setVisibility(lease: Lease, visibleInSeconds: number, fields: JobLogFields, why: 'retry' | 'release'): Promise<void> {
    try {
      const response = await queue.updateMessage(lease.messageId, lease.popReceipt, undefined, visibleInSeconds, {
        abortSignal: deadline(requestTimeoutInMs),
      });
      if (response.popReceipt) lease.popReceipt = response.popReceipt;
    } catch (error) {
      logLeaseCallFailure(error, fields, `could not schedule the ${why}; the message comes back when its lease ends`);
    }
  }

  function logLeaseCallFailure(error: unknown, fields: JobLogFields, consequence: string): void {
    const code = storageErrorCode(error);
    if (code === 'MessageNotFound' || code === 'PopReceiptMismatch') {
      // Named outcome: our lease lapsed and another receive took the message (or it is already gone).
      log.warn({ ...fields, code }, 'lease lost before the message was settled; another delivery owns it now');
      return;
    }
    log.error({ ...fields, error: errorMessage(error), code }, consequence);
  }

  async function release(message: DequeuedMessageItem): Promise<void> {
    await setVisibility({ messageId: message.messageId, popReceipt: message.popReceipt }, 0, { messageId: message.messageId, attempt: message.dequeueCount }, 'release');
  }

  function resolveIdleWaiters(receiveNumber: number): void {
    const ready = idleWaiters.filter((waiter) => receiveNumber > waiter.afterReceive);
    idleWaiters = idleWaiters.filter((waiter) => receiveNumber <= waiter.afterReceive);
    for (const waiter of ready) waiter.resolve();
  }

  function rejectIdleWaiters(error: Error): void {
    const waiting = idleWaiters;
    idleWaiters = [];
    for (const waiter of waiting) waiter.reject(error);
  }

  return {
    start() {
      if (state !== 'created') throw new Error(`The worker for queue "${queueName}" was already started (it is ${state})`);
      state = 'running';
      log.info({ poisonQueue: poisonQueueName, concurrency, maxAttempts, leaseInSeconds }, 'queue worker started');
      polling = pollUntilStopped();
      polling.catch((error: unknown) => {
        // Every expected failure is handled inside the loop; this is a defect, so say loudly that work has stopped.
        log.fatal({ error: errorMessage(error) }, 'the poll loop failed; this worker no longer receives jobs');
        rejectIdleWaiters(new Error(`The worker for queue "${queueName}" stopped polling after a failure`, { cause: error }));
      });
    },

    stop() {
      stopping ??= (async () => {
        const wasRunning = state === 'running';
        state = 'stopping';
        stopPolling.abort();
        const grace = setTimeout(() => abortHandlers.abort(new Error('the queue worker is stopping')), settings.stopGraceInMs);
        try {
          await polling;
          await Promise.all([...inFlight]);
        } finally {
          clearTimeout(grace);
          state = 'stopped';
          rejectIdleWaiters(new Error(`The worker for queue "${queueName}" stopped before the queue looked empty`));
        }
        if (wasRunning) log.info('queue worker stopped');
      })();
      return stopping;
    },

    idle() {
      if (state === 'stopping' || state === 'stopped') {
        return Promise.reject(new Error(`The worker for queue "${queueName}" is ${state}; it will not see the queue empty`));
      }
      return new Promise<void>((resolve, reject) => {
        idleWaiters.push({ afterReceive: receivesStarted, resolve, reject });
      });
    },
  };
}

/** Resolves after `ms`, or as soon as `signal` aborts (stop() should not wait out an idle pause). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

