import { ConfigError, loadConfig } from './config';
import { jobHandlers, jobQueueName } from './jobs/handlers';
import { runWorker } from './jobs/runtime/runWorker';
import { createLogger } from './logging';

/**
 * `npm run worker`: the queue workers in a process of their own, for scaling out. Set
 * IN_PROCESS_WORKER=false on the service instances when you run these.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger('practice-loop-worker', { level: config.logLevel });
  const worker = await runWorker({ connectionString: config.storageConnectionString, queueName: jobQueueName(config.queuePrefix), handlers: jobHandlers(), logger });
  logger.info({ queue: jobQueueName(config.queuePrefix) }, 'worker running');
  await worker.stopped;
}

void main().catch((error: unknown) => {
  console.error(`Worker stopped: ${(error as Error).message}`);
  process.exit(1);
});
