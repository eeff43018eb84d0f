/**
 * `npm start`: the whole app on local emulators, no Azure account, tunnel or secret.
 * Starts Azurite (data in .azurite/), the Graph sandbox, the service and the Agents Playground, all on
 * 127.0.0.1; prints every URL; Ctrl-C stops everything. Settings: env/.env.local, then the environment.
 * With AUTH_MODE=dev (the default) it seeds the demo round (tools/demo-seed.ts) unless started with
 * `--empty` (`npm start -- --empty`) or DEMO_SEED=empty.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { startAzurite, type RunningAzurite } from './azurite';
import { loadDemoOrganisation } from './demo-org';
import { DEMO_ROUND_NAME, seedDemoRound } from './demo-seed';
import { startPlayground } from './playground/start';
import { waitForPort } from './free-port';

const ROOT = resolve(__dirname, '..');
const children: ChildProcess[] = [];
let azurite: RunningAzurite | undefined;
let stopping = false;

function fail(message: string): never {
  console.error(`\n✖ ${message}`);
  void stopAll(1);
  throw new Error(message);
}

async function portIsFree(port: number): Promise<boolean> {
  try {
    await waitForPort('127.0.0.1', port, 0);
    return false;
  } catch {
    return true;
  }
}

async function requireFreePort(port: number, what: string, variable: string): Promise<void> {
  if (!(await portIsFree(port))) fail(`Port ${port} (${what}) is already in use. Stop the other process or set ${variable} to a free port.`);
}

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return supervise(name, spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Relays a child's output with a name prefix; if it dies on its own, everything stops. */
function supervise(name: string, child: ChildProcess): ChildProcess {
  const prefix = (line: string) => `[${name}] ${line}`;
  const relay = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) stream.write(`${prefix(line)}\n`);
  };
  child.stdout?.on('data', relay(process.stdout));
  child.stderr?.on('data', relay(process.stderr));
  child.once('exit', (code) => {
    if (!stopping) {
      console.error(prefix(`exited with code ${code}; stopping everything`));
      void stopAll(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

async function waitForHealth(url: string, timeoutInMs: number): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  fail(`${url} did not report healthy within ${timeoutInMs / 1000} s (last answer: ${last})`);
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await azurite?.stop();
  process.exit(code);
}

function loadEnvFile(): Record<string, string> {
  const file = join(ROOT, 'env', '.env.local');
  if (!existsSync(file)) return {};
  // Empty values in the env file mean "use the embedded default".
  return Object.fromEntries(Object.entries(parseDotenv(readFileSync(file, 'utf8'))).filter(([, v]) => v !== ''));
}

/** `--empty` or DEMO_SEED=empty: no round, as on a real tenant's first day. Anything else but "round" is refused. */
function demoSeedChoice(settings: Record<string, string | undefined>): 'round' | 'empty' {
  if (process.argv.slice(2).includes('--empty')) return 'empty';
  const value = (settings.DEMO_SEED ?? 'round').trim().toLowerCase() || 'round';
  if (value !== 'round' && value !== 'empty') fail(`DEMO_SEED must be "round" (the default) or "empty", not "${settings.DEMO_SEED}".`);
  return value as 'round' | 'empty';
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  const settings: Record<string, string | undefined> = { ...loadEnvFile(), ...process.env };
  const servicePort = Number(settings.PORT ?? 3978);
  const sandboxPort = Number(settings.GRAPH_SANDBOX_PORT ?? 5100);
  const playgroundPort = Number(settings.PLAYGROUND_PORT ?? 56150);
  const seed = demoSeedChoice(settings);

  await requireFreePort(servicePort, 'the Practice Loop service', 'PORT');
  await requireFreePort(sandboxPort, 'the Graph sandbox', 'GRAPH_SANDBOX_PORT');
  await requireFreePort(playgroundPort, 'the Agents Playground', 'PLAYGROUND_PORT');

  let storage = settings.STORAGE_CONNECTION_STRING;
  if (!storage) {
    await requireFreePort(10001, 'Azurite queues', 'STORAGE_CONNECTION_STRING (to use another storage)');
    await requireFreePort(10002, 'Azurite tables', 'STORAGE_CONNECTION_STRING (to use another storage)');
    azurite = await startAzurite({ location: join(ROOT, '.azurite'), tablePort: 10002, queuePort: 10001 });
    storage = azurite.connectionString;
  }

  const organisation = loadDemoOrganisation();
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  run('graph', tsx, ['tools/graph-sandbox/main.ts', '--port', String(sandboxPort)], process.env);
  await waitForPort('127.0.0.1', sandboxPort, 20_000).catch(() => fail(`the Graph sandbox did not start on port ${sandboxPort}`));
  const graphBaseUrl = settings.GRAPH_BASE_URL ?? `http://127.0.0.1:${sandboxPort}`;
  // The practice coach is the basic coach (no model) unless COACH_SANDBOX=true starts the local model sandbox.
  const modelSandboxPort = Number(settings.MODEL_SANDBOX_PORT ?? 5200);
  const coachEnv: Record<string, string> = {};
  if (settings.COACH_SANDBOX === 'true') {
    await requireFreePort(modelSandboxPort, 'the model sandbox', 'MODEL_SANDBOX_PORT');
    run('model', tsx, ['tools/model-sandbox/main.ts', '--port', String(modelSandboxPort), '--service-time-ms', settings.MODEL_SANDBOX_SERVICE_TIME_MS ?? '400'], process.env);
    await waitForPort('127.0.0.1', modelSandboxPort, 20_000).catch(() => fail(`the model sandbox did not start on port ${modelSandboxPort}`));
    Object.assign(coachEnv, { COACH_PROVIDER: 'openai-compatible', COACH_ENDPOINT: `http://127.0.0.1:${modelSandboxPort}/v1`, COACH_MODEL: 'sandbox' });
  }

  const serviceEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...settings,
    ...coachEnv,
    PORT: String(servicePort),
    HOST: settings.HOST ?? '127.0.0.1',
    AUTH_MODE: settings.AUTH_MODE ?? 'dev',
    STORAGE_CONNECTION_STRING: storage,
    GRAPH_BASE_URL: graphBaseUrl,
    TAB_ENDPOINT: `http://127.0.0.1:${servicePort}`,
    // Roles the directory does not hold, from the demo organisation's flags (a real tenant sets these by hand).
    ADMIN_USER_IDS: settings.ADMIN_USER_IDS ?? organisation.people.filter((p) => p.admin).map((p) => p.id).join(','),
    PROGRAMME_OWNER_IDS: settings.PROGRAMME_OWNER_IDS ?? organisation.people.filter((p) => p.programmeOwner).map((p) => p.id).join(','),
    // Proactive messages to people the bot has not met go to the Playground's connector.
    BOT_SERVICE_URL: settings.BOT_SERVICE_URL ?? `http://127.0.0.1:${playgroundPort}/_connector`,
  };
  run('service', tsx, ['src/server.ts'], serviceEnv);
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  await waitForHealth(`${serviceUrl}/healthz`, 60_000);

  const playgroundDir = join(ROOT, '.localConfigs', 'playground');
  mkdirSync(playgroundDir, { recursive: true });
  const playground = await startPlayground({ port: playgroundPort, botEndpoint: `${serviceUrl}/api/messages`, userId: settings.PLAYGROUND_USER_ID, workDir: playgroundDir })
    .catch((error: Error) => fail(error.message));
  supervise('playground', playground.process);
  // After the Playground is up, so the cards the seed's steps send to the Playground's user reach its chat.
  if (seed === 'round' && serviceEnv.AUTH_MODE === 'dev') {
    console.log(`Seeding the demo round "${DEMO_ROUND_NAME}" (npm start -- --empty, or DEMO_SEED=empty, starts without it)…`);
    await seedDemoRound({ serviceUrl, organisation, log: (line) => console.log(line) }).catch((error: Error) => fail(error.message));
  }

  console.log(`
Practice Loop is running (Ctrl-C stops everything):
  Agents Playground (chat with the bot)  http://127.0.0.1:${playgroundPort}
  Dashboard tab (dev sign-in picker)     ${serviceUrl}/tab/
  Health                                 ${serviceUrl}/healthz
  Bot endpoint                           ${serviceUrl}/api/messages
  Graph sandbox                          ${graphBaseUrl}/v1.0/users
  Practice coach                         ${coachEnv.COACH_ENDPOINT ? `model sandbox at ${coachEnv.COACH_ENDPOINT}` : `${settings.COACH_PROVIDER ?? 'basic'} (COACH_SANDBOX=true for the local model sandbox)`}
  Azurite (tables, queues)               ${azurite ? 'http://127.0.0.1:10002, http://127.0.0.1:10001 (data in .azurite/)' : 'STORAGE_CONNECTION_STRING'}
`);
}

main().catch((error: unknown) => {
  if (!stopping) {
    console.error(`✖ ${(error as Error).message}`);
    void stopAll(1);
  }
});
