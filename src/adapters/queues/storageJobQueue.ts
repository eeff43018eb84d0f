import type { Job, JobQueue, SendJobsOptions } from '../../ports/jobQueue';
import {
  NEVER_EXPIRES,
  createQueueClient,
  deadline,
  encodeJobMessage,
  errorMessage,
  visibilityTimeoutInSeconds,
} from './queueMessages';

export interface CreateStorageJobQueueOptions {
  readonly connectionString: string;
  readonly queueName: string;
  /** How many messages are in flight at once when sending many jobs. */
  readonly sendConcurrency?: number;
  /** Deadline of each call to the service (the SDK's own retries included). */
  readonly requestTimeoutInMs?: number;
  /** The owner's lifetime (e.g. the service shutting down): aborts every call still running. */
  readonly abortSignal?: AbortSignal;
}

export interface EnsureCreatedOptions {
  readonly abortSignal?: AbortSignal;
}

export interface StorageJobQueue extends JobQueue {
  /** Creates the queue if it does not exist yet (an existing queue is the expected, quiet outcome). */
  ensureCreated(options?: EnsureCreatedOptions): Promise<void>;
}

const DEFAULT_SEND_CONCURRENCY = 16;
const DEFAULT_REQUEST_TIMEOUT_IN_MS = 10_000;

export function createStorageJobQueue(options: CreateStorageJobQueueOptions): StorageJobQueue {
  const { queueName, abortSignal: lifetimeSignal } = options;
  const sendConcurrency = options.sendConcurrency ?? DEFAULT_SEND_CONCURRENCY;
  const requestTimeoutInMs = options.requestTimeoutInMs ?? DEFAULT_REQUEST_TIMEOUT_IN_MS;
  if (!Number.isInteger(sendConcurrency) || sendConcurrency < 1) throw new RangeError(`sendConcurrency must be a positive integer, got ${sendConcurrency}`);
  const queue = createQueueClient(options.connectionString, queueName);

  return {
    async ensureCreated(ensureOptions = {}) {
      try {
        await queue.createIfNotExists({ abortSignal: deadline(requestTimeoutInMs, lifetimeSignal, ensureOptions.abortSignal) });
      } catch (error) {
        throw new Error(`Could not create queue "${queueName}": ${errorMessage(error)}`, { cause: error });
      }
    },

    async send(jobs: readonly Job[], sendOptions: SendJobsOptions = {}) {
      const visibilityTimeout =
        sendOptions.delayInMs === undefined || sendOptions.delayInMs === 0
          ? undefined
          : visibilityTimeoutInSeconds(sendOptions.delayInMs, 'delayInMs');
      // Encode everything first: a job that cannot be queued (too big, not JSON) refuses the whole batch before
      // anything is sent, so the caller never has to work out which half of a batch went out.
      const enqueuedAt = new Date();
      const messages = jobs.map((job) => ({ job, text: encodeJobMessage(job, enqueuedAt) }));

      let sent = 0;
      const failures: unknown[] = [];
      let next = 0;
      const sendSome = async (): Promise<void> => {
        // Stop taking new messages after the first failure; the caller resends the batch (jobs have stable ids).
        while (failures.length === 0 && next < messages.length) {
          const message = messages[next++]!;
          try {
            await queue.sendMessage(message.text, {
              visibilityTimeout,
              messageTimeToLive: NEVER_EXPIRES,
              abortSignal: deadline(requestTimeoutInMs, lifetimeSignal, sendOptions.abortSignal),
            });
            sent += 1;
          } catch (error) {
            failures.push(new Error(`job "${message.job.kind}" id "${message.job.id}": ${errorMessage(error)}`, { cause: error }));
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(sendConcurrency, messages.length) }, sendSome));

      if (failures.length > 0) {
        throw new Error(
          `Sent ${sent} of ${messages.length} jobs to queue "${queueName}" before a send failed; sending the batch again is safe (jobs have stable ids): ${errorMessage(failures[0])}`,
          { cause: failures.length === 1 ? failures[0] : new AggregateError(failures, 'failed sends') },
        );
      }
    },
  };
}
