/**
 * `dashboard.api`: the REST reads behind the tab's two busiest views, at 1,000 and at 10,000 experiments
 * in one round (each size in tables of its own), on the compiled service against Azurite and the Graph sandbox.
 *   owner view        GET /api/rounds/:id/overview (kickoff delivery, booking problems, hours, funnel): the round's
 *                     counter rows and problem lists (small row-key ranges, kept on write), the round form's first page
 *                     of named people, plus names for the problems.
 *   participant view  GET /api/rounds/:id/me and GET /api/rounds/:id/outline in parallel, as the tab loads them.
 * The round is seeded through the repositories (the same adapters the service uses, which keep the counters):
 * members with kickoff states (some failed), acknowledgements, experiments in a realistic mix of states (selection
 * from `selected` on, decisions on the decided ones), bookings (some could not book, some blocks not kept) and journal
 * entries and summaries marked ready, decision effects (some failed); the bench checks the repair finds no difference
 * before it times anything. Records are written first and the member rows then in counted batches with the facts
 * those records hold (see the seed below). Each size also reports the CPU per request of the service and of Azurite
 * (`cpu_ms_per_request`) and the p50 of each storage read the views make, alone (`storage_p50_ms`).
 *   BENCH_DASHBOARD_SIZES=a,b      round sizes (default 1000,10000; 300,1000 with BENCH_QUICK=1); the JSON line's
 *                                  top-level figures are the largest size's, `sizes` holds each, `*_growth` largest/smallest
 *   BENCH_DASHBOARD_OWNER_N=N      owner-view requests timed (default 60; 20 quick)
 *   BENCH_DASHBOARD_PARTICIPANT_N=N participant-view loads timed (default 200; 50 quick)
 */
import { MEMBER_ROWS_PER_UPDATE } from '../src/ports/roundRepo';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging';
import { systemClock } from '../src/ports/clock';
import { wireApplication } from '../src/wiring';
import { createRound, type CreateRoundInput } from '../src/domain/round';
import { newExperiment, type Experiment, type ExperimentState } from '../src/domain/experiment';
import { parseTenantId, parseUserId, type UserId } from '../src/domain/ids';
import { experimentIdFor, parseRoundId } from '../src/domain/roundIds';
import { isDomainError } from '../src/domain/errors';
import type { JournalEntry } from '../src/domain/journal';
import type { PolicyAcknowledgement } from '../src/domain/acknowledgement';
import { experimentFunnelFactsOf } from '../src/domain/funnel';
import type { SharebackSummary } from '../src/ports/sharebackSessionRepo';
import type { RunningAzurite } from '../tools/azurite';
import { loadDemoOrganisation } from '../tools/demo-org';
import { startGraphSandbox } from '../tools/graph-sandbox/server';
import { aNewRoundBody } from '../tests/support/rounds';
import { cpuSecondsOf } from './kickoff';

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

interface SizeFigures {
  readonly experiments: number;
  readonly owner_p50_ms: number;
  readonly owner_p95_ms: number;
  readonly participant_p50_ms: number;
  readonly participant_p95_ms: number;
  readonly me_p50_ms: number;
  readonly outline_p50_ms: number;
  readonly auth_only_p50_ms: number;
  readonly seed_s: number;
  /** CPU milliseconds per timed request of each process (owner view; participant load = /me + /outline). */
  readonly cpu_ms_per_request: { readonly owner: { service: number | null; azurite: number | null }; readonly participant: { service: number | null; azurite: number | null } };
  /** p50 of each storage read the two views make, called alone from the bench through the same repositories. */
  readonly storage_p50_ms: Readonly<Record<string, number>>;
}

export async function runDashboardBench(context: DashboardBenchContext): Promise<void> {
  const { quick, emit } = context;
  const sizes = (process.env.BENCH_DASHBOARD_SIZES ?? process.env.BENCH_DASHBOARD_EXPERIMENTS ?? (quick ? '300,1000' : '1000,10000'))
    .split(',').map((n) => Number(n.trim())).filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
  const figures: SizeFigures[] = [];
  // Each size in tables of its own, so the larger round's rows cannot slow the smaller one's reads on Azurite.
  for (const size of sizes) {
    figures.push(await measureSize(size, context));
    // Each size as soon as it is measured (the larger seed takes long; a stopped run still shows the smaller figure).
    context.progress(`dashboard.api: ${JSON.stringify(figures.at(-1))}`);
  }
  const largest = figures.at(-1)!;
  const smallest = figures[0]!;
  emit({
    bench: 'dashboard.api', experiments: largest.experiments,
    owner_p50_ms: largest.owner_p50_ms, owner_p95_ms: largest.owner_p95_ms,
    participant_p50_ms: largest.participant_p50_ms, participant_p95_ms: largest.participant_p95_ms,
    sizes: figures,
    // The 10,000 figure against the 1,000 figure: constant time means ≈ 1 (target ≤ 1.5).
    owner_p95_growth: Number((largest.owner_p95_ms / smallest.owner_p95_ms).toFixed(2)),
    participant_p95_growth: Number((largest.participant_p95_ms / smallest.participant_p95_ms).toFixed(2)),
  });
}

async function measureSize(experiments: number, context: DashboardBenchContext): Promise<SizeFigures> {
  const { quick, azurite, progress } = context;
  const ownerN = Number(process.env.BENCH_DASHBOARD_OWNER_N ?? (quick ? 20 : 60));
  const participantN = Number(process.env.BENCH_DASHBOARD_PARTICIPANT_N ?? (quick ? 50 : 200));
  const organisation = loadDemoOrganisation();
  const owner = organisation.people.find((p) => p.displayName === 'Priya Raman')!;
  const participant = organisation.people.find((p) => p.displayName === 'Sofia Marin')!;
  const sandbox = await startGraphSandbox({ port: 0 });
  const env = { PATH: process.env.PATH, STORAGE_CONNECTION_STRING: azurite.connectionString, GRAPH_BASE_URL: sandbox.url, TABLE_PREFIX: `dash${experiments}x${Date.now().toString(36)}`, IN_PROCESS_WORKER: 'false', AUTH_MODE: 'dev' };
  let service: { child: ChildProcess; url: string } | undefined;
  try {
    progress(`dashboard.api: seeding ${experiments} experiments (with bookings, journals, decisions, kickoff states) through the repositories`);
    const { ports } = wireApplication(loadConfig(env), { logger: createLogger('bench', { level: 'warn' }), clock: systemClock });
    const now = new Date().toISOString();
    const tenantId = parseTenantId(organisation.tenantId)!;
    const body = aNewRoundBody(organisation, { name: `Dashboard bench ${randomUUID().slice(0, 8)}`, managerScopes: [], participantIds: [participant.id] });
    const round = createRound({ ...(body as unknown as CreateRoundInput), id: parseRoundId(`r-bench-${Date.now().toString(36)}`)!, tenantId, ownerIds: [owner.id] }, { userId: owner.id as UserId, isAdmin: false }, now);
    if (isDomainError(round)) throw new Error(`bench round: ${round.message}`);
    const open = { ...round, status: 'open' as const };
    await ports.rounds.create(open);
    // The participant whose view is timed sits at a practising position (3), so their booking and journal are read too.
    const others = Array.from({ length: experiments - 1 }, () => parseUserId(randomUUID())!);
    const people = [...others.slice(0, 3), participant.id as UserId, ...others.slice(3)];
    const entry = open.catalogue[0]!;
    const windowStart = Date.parse(`${open.window.start}T09:00:00Z`);
    const seeded = Date.now();
    // The records first, while nobody is a member yet: each repository's copy of its fact onto the member row is then a
    // point read that finds no row (no per-record member write). The member rows are then written with what those
    // records say, through the member repository's batch paths (99 new rows, then 49 updates per counted transaction),
    // so every counter is still kept by the repositories; the repair below checks the copies against the records.
    const facts = new Map<UserId, { experiment: Experiment; acknowledgement: PolicyAcknowledgement; journaled: boolean; summaryReady: boolean; delivery: 'queued' | 'sent' | 'failed' }>();
    await inBatches(people.map((userId, i) => ({ userId, i })), 32, async ({ userId, i }) => {
      const state = STATES[i % STATES.length]!;
      const base = newExperiment(open.id, userId, tenantId, now);
      const experiment: Experiment = state === 'draft' ? base : {
        ...base, state, version: 3,
        selection: {
          frictionPoint: { description: 'Writing the weekly summary for the team', frequency: 'weekly', minutesToday: 60 }, role: 'sales',
          tool: { kind: 'catalogue', entry }, kpi: 'Minutes per summary', scores: { relevance: 4, kpiImpact: 4, learningCurve: 3, interest: 4, riskSupport: 4 }, supportNamed: undefined,
        },
        history: [{ at: now, by: userId, command: 'submit', from: 'draft', to: state === 'withdrawn' ? 'withdrawn' : state }],
        decision: state === 'decided' ? { outcome: 'stop', ownerId: owner.id, dueDate: open.window.start, note: 'Learned enough', by: owner.id, at: now, revision: 1, previous: [] } : null,
      } as Experiment;
      const acknowledgement: PolicyAcknowledgement = { roundId: open.id, userId, policyVersion: 1, toolId: entry.id, otherToolName: null, toolTermsAccepted: true, acknowledgedAt: now };
      const journaled = ['practising', 'sharing', 'decided'].includes(state);
      const summaryReady = state === 'sharing' && i % 2 === 0;
      const delivery = i % 47 === 0 ? 'failed' as const : i % 10 === 0 ? 'sent' as const : 'queued' as const;
      facts.set(userId, { experiment, acknowledgement, journaled, summaryReady, delivery });
      await Promise.all([ports.acknowledgements.record(acknowledgement), ports.experiments.create(experiment)]);
      const writes: Promise<unknown>[] = [];
      if (['approved', 'practising', 'sharing', 'decided'].includes(state)) {
        const failed = i % 53 === 0;
        const blocks = failed ? [] : Array.from({ length: 6 }, (_, b) => {
          const start = windowStart + (Math.floor(b / 2) * 7 + (b % 2) * 2) * 86_400_000 + (i % 8) * 1_800_000;
          return { week: Math.floor(b / 2) + 1, index: (b % 2) + 1, start: new Date(start).toISOString(), end: new Date(start + 5_400_000).toISOString(), eventId: `ev-${i}-${b}`, transactionId: `tx-${i}-${b}`, notKept: b === 0 && i % 5 === 0 ? { by: 'participant' as const, reason: 'customer call' } : null };
        });
        writes.push(ports.bookings.save({
          experimentId: experiment.id, roundId: open.id, participantId: userId, status: failed ? 'failed' : 'booked', reason: failed ? 'could not book: no free time in the window' : null,
          timeZone: 'Europe/London', extensionDays: 0, weeks: [1, 2, 3].map((week) => ({ week, targetMinutes: 150, plannedMinutes: failed ? 0 : 180, shortfall: null })), blocks, updatedAt: now,
        }, { previous: null })); // a first booking: written without reading first
      }
      if (journaled) {
        const journal: JournalEntry = {
          experimentId: experiment.id, roundId: open.id, participantId: userId, weekStart: open.window.start as JournalEntry['weekStart'],
          improved: 'The summary took half the time', broke: '', surprised: 'It found the open actions', taught: '', hoursPractised: 2, missedBlocks: 0, missedReason: '',
          createdAt: now as JournalEntry['createdAt'], updatedAt: now as JournalEntry['updatedAt'], version: 1,
        };
        writes.push(ports.journals.create(journal));
      }
      if (summaryReady) {
        // Ready for the shareback: "shared back" in the funnel before any decision.
        writes.push(ports.sharebackSessions.saveSummary({
          roundId: open.id, participantId: userId, draft: {} as SharebackSummary['draft'], edits: {}, ready: true, readyAt: now,
          reviewRequestedAt: null, flaggedAt: null, version: 1, updatedAt: now,
        }, null));
      }
      if (state === 'decided') {
        // What the decision's effects did: most ran, some failed (the owner's list of effects to retry).
        const failedEffect = i % 9 === 0;
        writes.push(ports.sharebackSessions.saveEffects({
          roundId: open.id, participantId: userId,
          outcomes: { [`followup:${experiment.id}`]: failedEffect ? { status: 'failed', detail: 'no free time in the next two weeks', ref: null, at: now } : { status: 'done', detail: 'booked', ref: `ev-followup-${i}`, at: now } },
        }, null));
      }
      await Promise.all(writes);
    });
    progress(`dashboard.api: ${experiments}: records written in ${((Date.now() - seeded) / 1000).toFixed(1)} s; member rows next`);
    await ports.roundMembers.addQueued(open.id, people.map((userId) => ({ userId, via: 'named' as const })), now);
    // In row-key order, as the kickoff cuts its groups: each chunk's row-key range then holds only that chunk.
    const inKeyOrder = [...people].sort();
    const chunks: UserId[][] = [];
    for (let i = 0; i < inKeyOrder.length; i += MEMBER_ROWS_PER_UPDATE) chunks.push(inKeyOrder.slice(i, i + MEMBER_ROWS_PER_UPDATE));
    await inBatches(chunks, 4, async (chunk) => {
      const stored = await ports.roundMembers.getMany(open.id, chunk);
      await ports.roundMembers.updateMany(open.id, chunk.map((userId) => {
        const { member, etag } = stored.get(userId)!;
        const { experiment, acknowledgement, journaled, summaryReady, delivery } = facts.get(userId)!;
        const kickoff = delivery === 'failed' ? { delivery, deliveryAttempts: 5, deliveryReason: 'the app could not be installed for them' }
          : delivery === 'sent' ? { delivery, deliveryAttempts: 1, deliveredAt: now } : {};
        return { member: { ...member, ...kickoff, updatedAt: now, latestAcknowledgement: acknowledgement, funnelFacts: { experiment: experimentFunnelFactsOf(experiment), journaled, summaryReady } }, etag };
      }));
    });
    const seedSeconds = Number(((Date.now() - seeded) / 1000).toFixed(1));
    progress(`dashboard.api: seeded ${experiments} in ${seedSeconds} s; starting the service`);
    service = await context.startService(env);
    const url = service.url;
    const get = async (path: string, userId: string) => {
      const response = await fetch(`${url}/api${path}`, { headers: { 'x-dev-user': userId } });
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    const overview = await get(`/rounds/${open.id}/overview`, owner.id);
    if (overview.people !== experiments) throw new Error(`the overview counted ${String(overview.people)} people, expected ${experiments}`);
    const repair = await ports.roundCounters.recount(open.id, { fix: false });
    if (repair.length > 0) throw new Error(`the counters differ from the records after seeding: ${JSON.stringify(repair)}`);
    const me = await get(`/rounds/${open.id}/me`, participant.id);
    if (!me.practiceTime) throw new Error('the timed participant has no booking: the bench would not exercise that read');
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
    // CPU of the service and of Azurite over a timed loop, per request: which process a figure is made of.
    const azurite = context.azurite.pid;
    const cpuPerRequest = async (n: number, run: () => Promise<number[]>) => {
      const before = { service: cpuSecondsOf(service!.child.pid), azurite: cpuSecondsOf(azurite) };
      const samples = await run();
      const after = { service: cpuSecondsOf(service!.child.pid), azurite: cpuSecondsOf(azurite) };
      const per = (a: number | null, b: number | null) => (a === null || b === null ? null : Number((((b - a) * 1000) / (n + 3)).toFixed(2)));
      return { samples, cpu: { service: per(before.service, after.service), azurite: per(before.azurite, after.azurite) } };
    };
    progress(`dashboard.api: ${experiments}: owner view × ${ownerN}`);
    const ownerRun = await cpuPerRequest(ownerN, () => time(ownerN, () => get(`/rounds/${open.id}/overview`, owner.id)));
    const ownerSamples = ownerRun.samples;
    progress(`dashboard.api: ${experiments}: participant view × ${participantN}`);
    const participantRun = await cpuPerRequest(participantN, () => time(participantN, () => Promise.all([get(`/rounds/${open.id}/me`, participant.id), get(`/rounds/${open.id}/outline`, participant.id)])));
    const participantSamples = participantRun.samples;
    // Each storage read of the two views alone (the service makes them in parallel; these are their own costs).
    const participantExperiment = experimentIdFor(open.id, participant.id as UserId);
    const reads: Record<string, () => Promise<unknown>> = {
      'rounds.get': () => ports.rounds.get(open.id),
      'roundCounters.readWithFirstProblems(50)': () => ports.roundCounters.readWithFirstProblems(open.id, 50),
      'roundMembers.listPage(50)': () => ports.roundMembers.listPage(open.id, { limit: 50 }),
      'sharebacks.get': () => ports.sharebacks.get(open.id),
      'roundMembers.get': () => ports.roundMembers.get(open.id, participant.id as UserId),
      'experiments.get': () => ports.experiments.get(open.id, participant.id as UserId),
      'bookings.get': () => ports.bookings.get(participantExperiment),
    };
    const storage: Record<string, number> = {};
    for (const [name, read] of Object.entries(reads)) storage[name] = percentile(await time(20, read), 50);
    // Where the participant view's time goes: each of its two reads alone, and a bare authenticated call.
    const meSamples = await time(Math.min(participantN, 50), () => get(`/rounds/${open.id}/me`, participant.id));
    const outlineSamples = await time(Math.min(participantN, 50), () => get(`/rounds/${open.id}/outline`, participant.id));
    const whoSamples = await time(Math.min(participantN, 50), () => get('/me', participant.id));
    return {
      experiments,
      owner_p50_ms: percentile(ownerSamples, 50), owner_p95_ms: percentile(ownerSamples, 95),
      participant_p50_ms: percentile(participantSamples, 50), participant_p95_ms: percentile(participantSamples, 95),
      me_p50_ms: percentile(meSamples, 50), outline_p50_ms: percentile(outlineSamples, 50), auth_only_p50_ms: percentile(whoSamples, 50),
      seed_s: seedSeconds,
      cpu_ms_per_request: { owner: ownerRun.cpu, participant: participantRun.cpu },
      storage_p50_ms: storage,
    };
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
    // Profiling only, as in bench/run.ts: BENCH_SERVICE_NODE_OPTIONS="--require ./bench/cpu-profile.js" BENCH_PROFILE_DIR=/tmp/prof.
    const profiling = process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS, BENCH_PROFILE_DIR: process.env.BENCH_PROFILE_DIR } : {};
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
          const child = spawn(process.execPath, [join(root, 'dist', 'src', 'server.js')], { env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...profiling }, stdio: ['ignore', 'ignore', 'inherit'] });
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
