import { loadConfigOrExit } from './config';
import { JOB_MAX_ATTEMPTS, periodicTasks, workerQueues } from './jobs/handlers';
import { startScheduler } from './jobs/scheduler';
import { runWorker } from './jobs/runtime/runWorker';
import { createLogger } from './logging';
import { systemClock } from './ports/clock';
import { dashboardUrlOf, ensureQueues, wireApplication } from './wiring';

/**
 * `npm run worker`: the queue workers in a process of their own, for scaling out. Set
 * IN_PROCESS_WORKER=false on the service instances when you run these.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const logger = createLogger('practice-loop-worker', { level: config.logLevel });
  const { ports, schedule } = wireApplication(config, { logger, clock: systemClock });
  await ensureQueues(ports);
  const workers = [];
  for (const queue of workerQueues(config.queuePrefix, ports, { dashboardUrl: dashboardUrlOf(config), tabEndpoint: config.tabEndpoint ?? null })) {
    workers.push(await runWorker({ connectionString: config.storageConnectionString, ...queue, logger, maxAttempts: JOB_MAX_ATTEMPTS }));
    logger.info({ queue: queue.queueName }, 'worker running');
  }
  const stopScheduler = new AbortController();
  startScheduler({ tasks: periodicTasks(ports), store: schedule, clock: systemClock, logger, abortSignal: stopScheduler.signal });
  await Promise.all(workers.map((worker) => worker.stopped));
  stopScheduler.abort();
}

void main().catch((error: unknown) => {
  console.error(`Worker stopped: ${(error as Error).message}`);
  process.exit(1);
});
