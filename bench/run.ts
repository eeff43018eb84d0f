/**
 * `npm run bench`: one JSON object per line on stdout (the README's benchmark table lists them). Builds the service, then measures it
 * as it runs in production (`node dist/src/server.js`) against Azurite and the Graph sandbox on loopback.
 *   BENCH_QUICK=1     small sizes for development
 *   BENCH_TURNS=N     turns for bot.turn and bot.action (default 500); bot.turn alternates with a bare botbuilder bot
 *                     (bench/bare-bot.ts) and reports bare_p50_ms, bare_p95_ms and ratio_p95 beside its own figures
 *   BENCH_KICKOFF_PEOPLE=N (default 2000), BENCH_KICKOFF_KNOWN=1|0, …   see bench/kickoff.ts
 *   BENCH_BOOKING_PEOPLE=N (default 2000; 100 with BENCH_QUICK=1), BENCH_INSTANCES=N, …   see bench/booking.ts
 *   BENCH_DASHBOARD_SIZES=a,b (default 1000,10000; 300,1000 with BENCH_QUICK=1), …   see bench/dashboard.ts
 *   BENCH_COACH_TURNS=N (default 200; 30 with BENCH_QUICK=1), BENCH_COACH_SERVICE_MS, prices …   see bench/coach.ts
 *   BENCH_SERVICE_NODE_OPTIONS="--require ./bench/cpu-profile.js" BENCH_PROFILE_DIR=/tmp/prof   profile the service (bot, cold_start)
 *   BENCH_ONLY=a,b    run only these groups: cold_start, bot (bot.turn and bot.action), coach, kickoff, booking, dashboard, bundle
 *   `npx tsx bench/dashboard.ts` / `npx tsx bench/bundle.ts` / `npx tsx bench/coach.ts` run those alone
 * Progress goes to stderr so stdout stays machine-readable.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startAzurite } from '../tools/azurite';
import { startBotConnector, type RunningConnector } from '../tools/bot-connector/server';
import { loadDemoOrganisation } from '../tools/demo-org';
import { freePort } from '../tools/free-port';
import { startGraphSandbox } from '../tools/graph-sandbox/server';
import { runBookingBench } from './booking';
import { PRODUCTION_NODE_FLAGS } from './productionFlags';
import { runKickoffBench } from './kickoff';
import { runDashboardBench } from './dashboard';
import { runBundleBench } from './bundle';
import { runCoachBench } from './coach';
import { cardSubmitActivity, messageActivity, postActivity, type ActivityContext } from '../tests/support/activities';

const ROOT = join(__dirname, '..');
const QUICK = process.env.BENCH_QUICK === '1';
/** The groups BENCH_ONLY names, or every group. */
const ONLY = new Set((process.env.BENCH_ONLY ?? '').split(',').map((name) => name.trim()).filter(Boolean));
const runs = (group: string): boolean => ONLY.size === 0 || ONLY.has(group);
const TURNS = Number(process.env.BENCH_TURNS ?? (QUICK ? 50 : 500));

function emit(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number((sorted[Math.max(0, index)] ?? Number.NaN).toFixed(2));
}

function summarise(name: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  emit({ bench: name, n: sorted.length, p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95) });
}

async function startServiceProcess(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; coldStartMs: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const startedAt = performance.now();
  // Profiling only: BENCH_SERVICE_NODE_OPTIONS="--require ./bench/cpu-profile.js" BENCH_PROFILE_DIR=/tmp/prof (not set by default).
  const profiling = process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS, BENCH_PROFILE_DIR: process.env.BENCH_PROFILE_DIR } : {};
  const child = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, join(ROOT, 'dist', 'src', 'server.js')], { cwd: ROOT, env: { ...env, ...profiling, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode} before it was healthy`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return { child, url, coldStartMs: performance.now() - startedAt };
}

/** Time from posting an activity to the connector receiving the reply. */
async function timeOneTurn(name: string, url: string, connector: RunningConnector, conversationId: string, activity: unknown): Promise<number> {
  const before = connector.activities.filter((a) => a.conversationId === conversationId).length;
  const startedAt = performance.now();
  const response = await postActivity(url, activity);
  if (response.status !== 200) throw new Error(`${name}: /api/messages answered ${response.status}`);
  await connector.waitFor(conversationId, before + 1, 10_000);
  return performance.now() - startedAt;
}

/** Turns against each bot in turn (A, B, A, B…), so every bot sees the same load on a shared machine; samples per bot. */
async function timeTurns(name: string, urls: readonly string[], connector: RunningConnector, context: ActivityContext, makeActivity: () => unknown): Promise<number[][]> {
  const conversationId = `a:${context.person.id}`;
  const samples = urls.map(() => [] as number[]);
  for (let i = 0; i < TURNS + 10; i++) {
    for (const [index, url] of urls.entries()) {
      const ms = await timeOneTurn(name, url, connector, conversationId, makeActivity());
      if (i >= 10) samples[index]!.push(ms); // the first 10 warm up caches and connections
    }
  }
  return samples;
}

/** The baseline bot (bench/bare-bot.ts) in its own process, like the service. */
async function startBareBot(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'bare-bot.ts')], { cwd: ROOT, env: { PATH: process.env.PATH, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the bare bot exited with code ${child.exitCode} before it was healthy`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
}

async function withOwnAzurite(run: (azurite: Awaited<ReturnType<typeof startAzurite>>) => Promise<void>): Promise<void> {
  const azurite = await startAzurite();
  try {
    await run(azurite);
  } finally {
    await azurite.stop();
  }
}

async function main(): Promise<void> {
  progress('building (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const azurite = await startAzurite();
  const sandbox = await startGraphSandbox({ port: 0 });
  const connector = await startBotConnector();
  const env = { PATH: process.env.PATH, STORAGE_CONNECTION_STRING: azurite.connectionString, GRAPH_BASE_URL: sandbox.url, TABLE_PREFIX: `bench${Date.now().toString(36)}`, IN_PROCESS_WORKER: 'false' };
  let service: Awaited<ReturnType<typeof startServiceProcess>> | undefined;
  try {
    if (runs('cold_start')) {
      const coldStarts: number[] = [];
      for (let i = 0; i < (QUICK ? 1 : 3); i++) {
        const started = await startServiceProcess(env);
        coldStarts.push(started.coldStartMs);
        await stopProcess(started.child);
      }
      emit({ bench: 'service.cold_start', ms: Number(Math.min(...coldStarts).toFixed(1)), runs: coldStarts.map((ms) => Number(ms.toFixed(1))) });
    }

    if (runs('bot')) {
      service = await startServiceProcess(env);
      const organisation = loadDemoOrganisation();
      const context: ActivityContext = { serviceUrl: connector.url, tenantId: organisation.tenantId, person: organisation.people[1]! };
      progress(`bot.turn: ${TURNS} turns, alternating with a bare botbuilder bot answering a static card`);
      const bare = await startBareBot();
      try {
        const [turns, bareTurns] = await timeTurns('bot.turn', [service.url, bare.url], connector, context, () => messageActivity(context, 'hello'));
        const sorted = [...turns!].sort((a, b) => a - b);
        const bareSorted = [...bareTurns!].sort((a, b) => a - b);
        const p95 = percentile(sorted, 95);
        const bareP95 = percentile(bareSorted, 95);
        emit({ bench: 'bot.turn', n: sorted.length, p50_ms: percentile(sorted, 50), p95_ms: p95, bare_p50_ms: percentile(bareSorted, 50), bare_p95_ms: bareP95, ratio_p95: Number((p95 / bareP95).toFixed(2)) });
      } finally {
        await stopProcess(bare.child);
      }
      progress(`bot.action: ${TURNS} card submits`);
      const [actions] = await timeTurns('bot.action', [service.url], connector, context, () => cardSubmitActivity(context, { verb: 'showHelp' }));
      summarise('bot.action', actions!);
      // The benches below run their own services, sandbox and connector: stop this one so it does not share the CPU.
      const botService = service;
      service = undefined;
      await stopProcess(botService.child);
    }

    if (runs('coach')) await runCoachBench({ quick: QUICK, azurite, startService: startServiceProcess, emit, progress });
    // The storage-heavy groups each get an emulator of their own: Azurite keeps every table in one process's memory,
    // and what the earlier groups left there made a later group's reads slower (the dashboard's point read of a member
    // row took 9.4 ms at 10,000 after the kickoff and booking groups, 1.9 ms on an emulator of its own): that measured
    // the earlier groups, not this one.
    if (runs('kickoff')) await withOwnAzurite((own) => runKickoffBench({ quick: QUICK, azurite: own, startService: startServiceProcess, emit, progress }));
    if (runs('booking')) {
      progress('calendar.booking');
      await withOwnAzurite((own) => runBookingBench({ quick: QUICK, azurite: own, emit, progress }));
    }
    if (runs('dashboard')) {
      progress('dashboard.api');
      await withOwnAzurite((own) => runDashboardBench({ quick: QUICK, azurite: own, startService: startServiceProcess, emit, progress }));
    }
    if (runs('bundle')) await runBundleBench(emit);
  } finally {
    service?.child.kill('SIGTERM');
    await connector.close();
    await sandbox.close();
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
