import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port';

// Azurite's well-known development account (public, documented by Microsoft; not a secret).
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  connectionString: string;
  tablePort: number;
  queuePort: number;
  /** The emulator's process id (benchmarks read its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface StartAzuriteOptions {
  /** Folder for data; omitted means in-memory (tests). */
  location?: string;
  tablePort?: number;
  queuePort?: number;
}

export function azuriteConnectionString(tablePort: number, queuePort: number): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `TableEndpoint=http://127.0.0.1:${tablePort}/${AZURITE_ACCOUNT}`,
    `QueueEndpoint=http://127.0.0.1:${queuePort}/${AZURITE_ACCOUNT}`,
  ].join(';') + ';';
}

/** Starts the Azurite emulator from node_modules (tables + queues) on loopback. */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<RunningAzurite> {
  const tablePort = options.tablePort ?? (await freePort());
  const queuePort = options.queuePort ?? (await freePort());
  const blobPort = await freePort(); // the all-in-one binary always starts blob too
  const args = [
    require.resolve('azurite/dist/src/azurite.js'),
    '--silent', '--disableTelemetry', '--skipApiVersionCheck',
    '--blobHost', '127.0.0.1', '--blobPort', String(blobPort),
    '--queueHost', '127.0.0.1', '--queuePort', String(queuePort),
    '--tableHost', '127.0.0.1', '--tablePort', String(tablePort),
  ];
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location, '--debug', join(options.location, 'debug.log'));
  } else {
    args.push('--inMemoryPersistence');
  }
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Azurite exited early (code ${code}): ${stderr.trim()}`))));
  await Promise.race([
    Promise.all([waitForPort('127.0.0.1', tablePort, 15000), waitForPort('127.0.0.1', queuePort, 15000)]),
    exited,
  ]);
  exited.catch(() => undefined); // a later exit is reported by stop(), not as an unhandled rejection
  return {
    connectionString: azuriteConnectionString(tablePort, queuePort),
    tablePort,
    queuePort,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
    },
  };
}
