import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDemoOrganisation } from '../demo-org';
import { waitForPort } from '../free-port';
import { playgroundConfig } from './config';

export interface StartPlaygroundOptions {
  readonly port: number;
  /** The bot endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  readonly botEndpoint: string;
  /** Which demo person chats (defaults to a participant with a manager). */
  readonly userId?: string;
  /** Folder for the generated config and the Playground's own log; a temp folder by default. */
  readonly workDir?: string;
}

export interface RunningPlayground {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the Microsoft 365 Agents Playground on loopback, configured with the demo organisation.
 * It binds every interface on its own, so a preload (loopback.js) pins it to 127.0.0.1;
 * TEAMSAPPTESTER_BROWSER=none stops it opening a browser. A bad config makes it exit right after
 * "Listening": the reason is in its log file, which the error names.
 */
export async function startPlayground(options: StartPlaygroundOptions): Promise<RunningPlayground> {
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'playground-'));
  writeFileSync(join(workDir, '.m365agentsplayground.yml'), playgroundConfig(loadDemoOrganisation(), options.userId));
  const child = spawn(process.execPath, [
    '-r', join(__dirname, 'loopback.js'),
    require.resolve('@microsoft/m365agentsplayground/cli.js'),
    '-p', String(options.port), '-e', options.botEndpoint, '-c', 'msteams', '--disable-telemetry',
  ], { cwd: workDir, env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the Agents Playground exited with code ${code}; see ${join(workDir, 'devTools', 'm365agentsplayground.log')}`))));
  exited.catch(() => undefined);
  await Promise.race([waitForPort('127.0.0.1', options.port, 30_000), exited]);
  return {
    url: `http://127.0.0.1:${options.port}`,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
    },
  };
}
