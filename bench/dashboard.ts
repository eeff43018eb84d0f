/**
 * `dashboard.api`: the REST reads behind the tab's two busiest views, with 10,000 experiments in one
 * round, on the compiled service against Azurite and the Graph sandbox.
 *   owner view        GET /api/rounds/:id/overview (kickoff delivery, booking problems, hours, funnel): the round's
 *                     members, experiments, bookings, acknowledgements, journal stats and asset counts, each one
 *                     partition query, plus names for the problem lists.
 *   participant view  GET /api/rounds/:id/me and GET /api/rounds/:id/outline in parallel, as the tab loads them:
 *                     point reads only, so their time must not grow with the round.
 * The round is seeded through the repositories (the same adapters the service uses): members, acknowledgements
 * and experiments in a realistic mix of states (selection saved from `selected` on).
 *   BENCH_DASHBOARD_EXPERIMENTS=N  experiments in the round (default 10000; 1000 with BENCH_QUICK=1)
 *   BENCH_DASHBOARD_OWNER_N=N      owner-view requests timed (default 30; 10 quick)
 *   BENCH_DASHBOARD_PARTICIPANT_N=N participant-view loads timed (default 200; 50 quick)
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging';
import { systemClock } from '../src/ports/clock';
import { wireApplication } from '../src/wiring';
import { createRound, type CreateRoundInput } from '../src/domain/round';
import { newExperiment, type Experiment, type ExperimentState } from '../src/domain/experiment';
import { parseTenantId, parseUserId, type UserId } from '../src/domain/ids';
import { parseRoundId } from '../src/domain/roundIds';
import { isDomainError } from '../src/domain/errors';
import type { RunningAzurite } from '../tools/azurite';
import { loadDemoOrganisation } from '../tools/demo-org';
import { startGraphSandbox } from '../tools/graph-sandbox/server';
import { aNewRoundBody } from '../tests/support/rounds';

export interface DashboardBenchContext {
  readonly quick: boolean;
  readonly azurite: RunningAzurite;
  readonly startService: (env: NodeJS.ProcessEnv) => Promise<{ child: ChildProcess; url: string }>;
  readonly emit: (result: Record<string, unknown>) => void;
  readonly progress: (message: string) => void;
}

const STATES: readonly ExperimentState[] = ['draft', 'submitted', 'approved', 'practising', 'practising', 'practising', 'sharing', 'decided', 'withdrawn', 'changes_requested'];

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number((sorted[Math.max(0, index)] ?? Number.NaN).toFixed(2));
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

export async function runDashboardBench(context: DashboardBenchContext): Promise<void> {
  const { quick, azurite, emit, progress } = context;
  const experiments = Number(process.env.BENCH_DASHBOARD_EXPERIMENTS ?? (quick ? 1000 : 10_000));
  const ownerN = Number(process.env.BENCH_DASHBOARD_OWNER_N ?? (quick ? 10 : 30));
  const participantN = Number(process.env.BENCH_DASHBOARD_PARTICIPANT_N ?? (quick ? 50 : 200));
  const organisation = loadDemoOrganisation();
  const owner = organisation.people.find((p) => p.displayName === 'Priya Raman')!;
  const participant = organisation.people.find((p) => p.displayName === 'Sofia Marin')!;
  const sandbox = await startGraphSandbox({ port: 0 });
  const env = { PATH: process.env.PATH, STORAGE_CONNECTION_STRING: azurite.connectionString, GRAPH_BASE_URL: sandbox.url, TABLE_PREFIX: `dash${Date.now().toString(36)}`, IN_PROCESS_WORKER: 'false', AUTH_MODE: 'dev' };
  let service: { child: ChildProcess; url: string } | undefined;
  try {
    progress(`dashboard.api: seeding ${experiments} experiments through the repositories`);
    const { ports } = wireApplication(loadConfig(env), { logger: createLogger('bench', { level: 'warn' }), clock: systemClock });
    const now = new Date().toISOString();
    const tenantId = parseTenantId(organisation.tenantId)!;
    const body = aNewRoundBody(organisation, { name: `Dashboard bench ${randomUUID().slice(0, 8)}`, managerScopes: [], participantIds: [participant.id] });
    const round = createRound({ ...(body as unknown as CreateRoundInput), id: parseRoundId(`r-bench-${Date.now().toString(36)}`)!, tenantId, ownerIds: [owner.id] }, { userId: owner.id as UserId, isAdmin: false }, now);
    if (isDomainError(round)) throw new Error(`bench round: ${round.message}`);
    const open = { ...round, status: 'open' as const };
    await ports.rounds.create(open);
    const people = [participant.id as UserId, ...Array.from({ length: experiments - 1 }, () => parseUserId(randomUUID())!)];
    for (let i = 0; i < people.length; i += 1000) await ports.roundMembers.addQueued(open.id, people.slice(i, i + 1000).map((userId) => ({ userId, via: 'named' as const })), now);
    const entry = open.catalogue[0]!;
    const seeded = Date.now();
    await inBatches(people.map((userId, i) => ({ userId, i })), 16, async ({ userId, i }) => {
      const state = STATES[i % STATES.length]!;
      const base = newExperiment(open.id, userId, tenantId, now);
      const experiment: Experiment = state === 'draft' ? base : {
        ...base, state, version: 3,
        selection: {
          frictionPoint: { description: 'Writing the weekly summary for the team', frequency: 'weekly', minutesToday: 60 }, role: 'sales',
          tool: { kind: 'catalogue', entry }, kpi: 'Minutes per summary', scores: { relevance: 4, kpiImpact: 4, learningCurve: 3, interest: 4, riskSupport: 4 }, supportNamed: undefined,
        },
        history: [{ at: now, by: userId, command: 'submit', from: 'draft', to: state === 'withdrawn' ? 'withdrawn' : state }],
      } as Experiment;
      await ports.acknowledgements.record({ roundId: open.id, userId, policyVersion: 1, toolId: entry.id, otherToolName: null, toolTermsAccepted: true, acknowledgedAt: now });
      await ports.experiments.create(experiment);
    });
    progress(`dashboard.api: seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s; starting the service`);
    service = await context.startService(env);
    const url = service.url;
    const get = async (path: string, userId: string) => {
      const response = await fetch(`${url}/api${path}`, { headers: { 'x-dev-user': userId } });
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    const overview = await get(`/rounds/${open.id}/overview`, owner.id);
    if (overview.people !== experiments) throw new Error(`the overview counted ${String(overview.people)} people, expected ${experiments}`);
    const time = async (n: number, load: () => Promise<unknown>) => {
      for (let i = 0; i < 3; i++) await load();
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        await load();
        samples.push(performance.now() - started);
      }
      return samples.sort((a, b) => a - b);
    };
    progress(`dashboard.api: owner view × ${ownerN}`);
    const ownerSamples = await time(ownerN, () => get(`/rounds/${open.id}/overview`, owner.id));
    progress(`dashboard.api: participant view × ${participantN}`);
    const participantSamples = await time(participantN, () => Promise.all([get(`/rounds/${open.id}/me`, participant.id), get(`/rounds/${open.id}/outline`, participant.id)]));
    // Where the participant view's time goes: each of its two reads alone, and a bare authenticated call.
    const meSamples = await time(Math.min(participantN, 50), () => get(`/rounds/${open.id}/me`, participant.id));
    const outlineSamples = await time(Math.min(participantN, 50), () => get(`/rounds/${open.id}/outline`, participant.id));
    const whoSamples = await time(Math.min(participantN, 50), () => get('/me', participant.id));
    emit({
      bench: 'dashboard.api', experiments,
      owner_p50_ms: percentile(ownerSamples, 50), owner_p95_ms: percentile(ownerSamples, 95),
      participant_p50_ms: percentile(participantSamples, 50), participant_p95_ms: percentile(participantSamples, 95),
      owner_n: ownerN, participant_n: participantN,
      me_p50_ms: percentile(meSamples, 50), outline_p50_ms: percentile(outlineSamples, 50), auth_only_p50_ms: percentile(whoSamples, 50),
    });
  } finally {
    service?.child.kill('SIGTERM');
    await sandbox.close();
  }
}

/** Alone: `npx tsx bench/dashboard.ts` (builds, starts Azurite, runs this bench only). */
if (require.main === module) {
  void (async () => {
    const { execFileSync, spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const { startAzurite } = await import('../tools/azurite');
    const { freePort } = await import('../tools/free-port');
    const root = join(__dirname, '..');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const azurite = await startAzurite();
    try {
      await runDashboardBench({
        quick: process.env.BENCH_QUICK === '1', azurite,
        emit: (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
        progress: (message) => process.stderr.write(`[bench] ${message}\n`),
        async startService(env) {
          const port = await freePort();
          const url = `http://127.0.0.1:${port}`;
          const child = spawn(process.execPath, [join(root, 'dist', 'src', 'server.js')], { env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
          for (;;) {
            if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
            try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not listening yet */ }
            await new Promise((r) => setTimeout(r, 20));
          }
          return { child, url };
        },
      });
    } finally {
      await azurite.stop();
    }
  })().catch((error: unknown) => { console.error(error); process.exit(1); });
}
