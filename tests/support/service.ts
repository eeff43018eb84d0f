import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { startService, type RunningService, type ServiceOverrides } from '../../src/server';
import { startGraphSandbox, type RunningGraphSandbox } from '../../tools/graph-sandbox/server';
import { startBotConnector, type RunningConnector } from '../../tools/bot-connector/server';
import { testConnectionString, uniquePrefix } from './storage';

/** Everything a service-level test talks to: the service on a free port, its Graph sandbox, a connector stand-in, its log lines. */
export interface TestStack {
  readonly service: RunningService;
  readonly sandbox: RunningGraphSandbox;
  readonly connector: RunningConnector;
  readonly logLines: string[];
  readonly tablePrefix: string;
  stop(): Promise<void>;
}

export interface StartTestStackOptions {
  readonly env?: Record<string, string>;
  readonly overrides?: ServiceOverrides;
}

export async function startTestStack(label: string, options: StartTestStackOptions = {}): Promise<TestStack> {
  const sandbox = await startGraphSandbox({ port: 0 });
  const connector = await startBotConnector();
  const tablePrefix = uniquePrefix(label);
  const logLines: string[] = [];
  const destination = new Writable({ write(chunk, _encoding, done) { logLines.push(String(chunk)); done(); } });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    STORAGE_CONNECTION_STRING: testConnectionString(),
    TABLE_PREFIX: tablePrefix,
    GRAPH_BASE_URL: sandbox.url,
    IN_PROCESS_WORKER: 'false',
    // People the bot has not heard from are reached through the connector stand-in too.
    BOT_SERVICE_URL: connector.url,
    ...options.env,
  });
  const service = await startService(config, { logger: createLogger('test', { destination }), ...options.overrides });
  return {
    service, sandbox, connector, logLines, tablePrefix,
    async stop() {
      await service.close();
      await connector.close();
      await sandbox.close();
    },
  };
}
