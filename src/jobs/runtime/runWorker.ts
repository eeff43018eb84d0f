import { createQueueWorker, poisonQueueNameFor, type CreateQueueWorkerOptions } from '../../adapters/queues/queueWorker';
import { createStorageJobQueue } from '../../adapters/queues/storageJobQueue';
import { errorMessage } from '../../adapters/queues/queueMessages';

export interface RunWorkerOptions extends CreateQueueWorkerOptions {
  /**
   * Process signals that stop the worker gracefully. `npm run worker` keeps the default; a host that runs its own
   * shutdown (the service with its in-process worker) passes `[]` and its `abortSignal`, because a listener here
   * would replace Node's default exit on that signal for the whole process.
   */
  readonly stopOnSignals?: readonly NodeJS.Signals[];
  /** Stops the worker when aborted (e.g. the service's shutdown); also bounds creating the queues. */
  readonly abortSignal?: AbortSignal;
}

export interface RunningWorker {
  /** See QueueWorker.idle(): the queue looked empty with nothing in flight. */
  idle(): Promise<void>;
  /** Stops polling and waits for in-flight jobs; the same promise however often it is called. */
  stop(): Promise<void>;
  /** Settles once the worker has stopped, whatever asked it to (a signal, the abortSignal or stop()). */
  readonly stopped: Promise<void>;
}

const DEFAULT_STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Creates the job queue and its poison queue if needed, starts a worker on them, and stops it cleanly on shutdown. */
export async function runWorker(options: RunWorkerOptions): Promise<RunningWorker> {
  const { stopOnSignals = DEFAULT_STOP_SIGNALS, abortSignal, ...workerOptions } = options;
  const { connectionString, queueName, logger } = workerOptions;
  const poisonQueueName = workerOptions.poisonQueueName ?? poisonQueueNameFor(queueName);

  await Promise.all(
    [queueName, poisonQueueName].map((name) => createStorageJobQueue({ connectionString, queueName: name }).ensureCreated({ abortSignal })),
  );

  const worker = createQueueWorker({ ...workerOptions, poisonQueueName });
  let stopping: Promise<void> | undefined;
  let settleStopped: { resolve(): void; reject(error: unknown): void } | undefined;
  const stopped = new Promise<void>((resolve, reject) => {
    settleStopped = { resolve, reject };
  });

  const onSignal = (signal: NodeJS.Signals): void => {
    // Our listeners go as soon as one signal arrives, so a second Ctrl+C gets Node's default: exit now.
    logger.info({ signal, queue: queueName }, 'stopping the worker after in-flight jobs finish (send the signal again to exit now)');
    stop().catch((error: unknown) => logger.error({ error: errorMessage(error), queue: queueName }, 'the worker did not stop cleanly'));
  };
  const onAbort = (): void => {
    stop().catch((error: unknown) => logger.error({ error: errorMessage(error), queue: queueName }, 'the worker did not stop cleanly'));
  };

  function stop(): Promise<void> {
    if (!stopping) {
      for (const signal of stopOnSignals) process.off(signal, onSignal);
      abortSignal?.removeEventListener('abort', onAbort);
      stopping = worker.stop();
      stopping.then(settleStopped?.resolve, settleStopped?.reject);
    }
    return stopping;
  }

  for (const signal of stopOnSignals) process.once(signal, onSignal);
  abortSignal?.addEventListener('abort', onAbort, { once: true });
  worker.start();
  if (abortSignal?.aborted) onAbort();

  return { idle: () => worker.idle(), stop, stopped };
}
