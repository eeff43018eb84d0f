import express, { type NextFunction, type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { apiRouter } from './api/routes';
import { devAuthenticator, entraAuthenticator, type Authenticate } from './api/auth';
import { checkHealth, healthHandler } from './api/health';
import { JOB_MAX_ATTEMPTS, periodicTasks, workerQueues } from './jobs/handlers';
import { startScheduler, type RunningScheduler } from './jobs/scheduler';
import { runWorker, type RunningWorker } from './jobs/runtime/runWorker';
import { loadConfigOrExit, type AppConfig } from './config';
import { createLogger, type Logger } from './logging';
import { offsetClock, systemClock, type Clock } from './ports/clock';
import { dashboardUrlOf, ensureQueues, wireApplication } from './wiring';

/**
 * The service: HTTP surfaces (bot, REST, tab, health) over the ports that src/wiring.ts builds.
 * `startService` is what tests and benchmarks start; running this file starts it from the environment.
 */

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export interface ServiceOverrides {
  /** Replace the SSO validator (tests sign tokens with a local key). */
  readonly authenticate?: Authenticate;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Bot Framework signing-key metadata (tests serve their own keys; production uses botbuilder's default). */
  readonly botOpenIdMetadataUrl?: string;
}

export interface RunningService {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startService(config: AppConfig, overrides: ServiceOverrides = {}): Promise<RunningService> {
  const logger = overrides.logger ?? createLogger('practice-loop', { level: config.logLevel });
  // AUTH_MODE=dev: the app's clock can be moved forward (POST /api/dev/clock); its offset is restored after the health check.
  const demoClock = config.authMode === 'dev' ? offsetClock(overrides.clock ?? systemClock) : null;
  const clock = demoClock ?? overrides.clock ?? systemClock;

  const { ports, bot, probes, callerFor, schedule, demoClockStore } = wireApplication(config, { logger, clock, botOpenIdMetadataUrl: overrides.botOpenIdMetadataUrl });
  const { directory } = ports;
  // Refuse to start half-connected: one line per unreachable dependency, naming the setting and address.
  const startup = await checkHealth(probes);
  const down = [startup.storage, startup.graph].filter((state) => state !== 'ok');
  if (down.length > 0) throw new StartupError(`Cannot start: ${down.join('; ')}`);
  await ensureQueues(ports);
  if (demoClock) demoClock.moveBy(await demoClockStore.load());
  const authenticate = overrides.authenticate ?? (config.authMode === 'dev'
    ? devAuthenticator(directory)
    : entraAuthenticator({ tenantId: config.sso.tenantId ?? '', clientId: config.sso.clientId ?? '', apiHost: config.tabEndpoint ? new URL(config.tabEndpoint).host : undefined }));

  // The in-process scheduler starts once the service listens (below); moving the demo clock asks it to run what fell due.
  let scheduler: RunningScheduler | null = null;
  const devClock = demoClock ? { clock: demoClock, store: demoClockStore, runDueTasks: config.inProcessWorker ? async () => (scheduler ? scheduler.runDue() : []) : undefined } : undefined;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.get('/healthz', healthHandler(probes));
  app.post('/api/messages', (req, res) => bot.handle(req, res));
  app.use('/api', apiRouter({ authenticate, directory, logger, authMode: config.authMode, ports, callerFor, devClock }));
  app.get('/tab/settings.json', (_req, res) => { res.json({ authMode: config.authMode, clientId: config.sso.clientId ?? null, now: clock.now().toISOString() }); });
  app.use('/tab', tabAssets());
  app.get('/', (_req, res) => { res.redirect('/tab/'); });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: unknown }).status;
    if (status === 400 || (error as { type?: unknown }).type === 'entity.parse.failed') {
      res.status(400).json({ error: 'The request body is not valid JSON.' });
      return;
    }
    if (status === 413) {
      res.status(413).json({ error: 'The request body is larger than 1 MB.' });
      return;
    }
    logger.error({ path: req.path, err: { message: (error as Error).message } }, 'request failed');
    res.status(500).json({ error: 'Something went wrong on our side; try again in a minute.' });
  });

  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host);
    listening.once('listening', () => resolve(listening));
    listening.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new StartupError(`Cannot start: port ${config.port} on ${config.host} is already in use (PORT). Stop the other process or set PORT to a free port.`, { cause: error })
        : new StartupError(`Cannot start: could not listen on ${config.host}:${config.port}: ${error.message}`, { cause: error }));
    });
  });
  // Jobs run in this process by default; `npm run worker` runs the same handlers elsewhere to scale out.
  const lifetime = new AbortController();
  const workers: RunningWorker[] = [];
  if (config.inProcessWorker) {
    for (const queue of workerQueues(config.queuePrefix, ports, { dashboardUrl: dashboardUrlOf(config), tabEndpoint: config.tabEndpoint ?? null })) {
      workers.push(await runWorker({ connectionString: config.storageConnectionString, ...queue, logger, stopOnSignals: [], abortSignal: lifetime.signal, maxAttempts: JOB_MAX_ATTEMPTS }));
    }
    scheduler = startScheduler({ tasks: periodicTasks(ports), store: schedule, clock, logger, abortSignal: lifetime.signal });
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  logger.info({ port, authMode: config.authMode }, 'Practice Loop is listening');
  return {
    url: `http://${shownHost}:${port}`,
    port,
    async close() {
      lifetime.abort();
      await Promise.all(workers.map((worker) => worker.stopped));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

/**
 * The built tabs (Vite, tools/build-tab.ts → dist/tab). From src/server.ts (tsx) and from dist/src/server.js
 * both candidates name the same folder. Hashed assets are cached for a year; pages are revalidated so a
 * deployment shows at once. Not built yet → a page saying how to build it, not a blank 404.
 */
function tabAssets(): express.RequestHandler {
  const folder = [join(__dirname, '..', 'dist', 'tab'), join(__dirname, '..', 'tab')].find((candidate) => existsSync(join(candidate, 'index.html')));
  if (!folder) {
    return (_req, res) => {
      res.status(503).type('html').send('<!doctype html><html lang="en"><title>Practice Loop</title><h1>Practice Loop: the tab is not built</h1><p>Run <code>npm run build:tab</code> (or <code>npm start</code>, which builds it) and reload.</p></html>');
    };
  }
  return express.static(folder, {
    index: 'index.html',
    setHeaders(res, path) {
      res.setHeader('Cache-Control', path.includes(`${join('assets', '')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  try {
    const service = await startService(config);
    const stop = () => { void service.close().then(() => process.exit(0)); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    // One line, not a stack: a StartupError already names the setting; anything else is shown with its message.
    console.error(error instanceof StartupError ? error.message : `Cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
