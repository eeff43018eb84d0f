/**
 * `calendar.booking`: booking practice time for many approved experiments against the Graph
 * sandbox with a realistic, non-zero service time under Outlook's per-mailbox limits.
 *
 *   BENCH_BOOKING_PEOPLE=N          participants (default 2000; 100 with BENCH_QUICK=1); the line prints `people` as run
 *   BENCH_BOOKING_CONCURRENCY=N     bookings in flight at once (default 32, what a worker runs from one receive)
 *   BENCH_BOOKING_SERVICE_TIME_MS=N the sandbox's emulated Graph service time (default 30)
 *   BENCH_INSTANCES=N               N ≥ 2: N service instances and N separate workers (`src/worker.ts`) against the same
 *                                   storage book everyone from the booking queue (see below); default 1
 *
 * The Graph sandbox runs in a process of its own (`tools/graph-sandbox/main.ts`, this organisation handed over as a
 * file), so neither the app nor the replay shares its CPU with it. With one instance the booking use case
 * (`bookPracticeTime`, src/usecases/booking.ts) runs in this process on the production wiring (`wireApplication`):
 * Azure Table storage on Azurite and the Graph adapter against the sandbox, `concurrency` bookings at a time.
 * The round and the approved experiments are stored first (not timed); `wall_ms` is from the first booking call to
 * the last one's return. The shareback invite is not part of this bench (`includes_shareback: false`).
 *
 * CPU: `service_cpu_ms_per_booking` is this process's CPU over the timed part divided by the bookings (with
 * instances, the workers' and services' CPU), `sandbox_cpu_ms_per_booking` and `azurite_cpu_ms_per_booking` the
 * stand-ins' (from /proc), so a reader sees which process limits the figure; `replay_*` the same for the replay.
 *
 * Bounds:
 * - `throttle_bound_ms`: per mailbox, ceil(requests / 4) × service time, with `requests` the Graph requests the
 *   sandbox logged for that mailbox (batch items counted one by one; 429 answers left out: pushback, not work);
 *   the max over mailboxes. The 10,000-requests-per-10-minutes budget is checked (`budget_binds`).
 * - `baseline_ms`: every Graph request the app sent (captured on the wire here: method, URL, headers, body; 429
 *   answers left out) replayed by a bare `fetch` client against a fresh sandbox process with the same organisation
 *   and service time, at most 4 in flight per mailbox (a $batch counts as the min(items, 4) the sandbox runs at once)
 *   and at most BASELINE_IN_FLIGHT overall. With instances the requests are read from the sandbox's log instead
 *   (`baseline_from: 'log'`): the workers' wire is in other processes.
 * - `lower_bound_ms = max(throttle_bound_ms, baseline_ms)`, `ratio = wall_ms / lower_bound_ms`.
 *
 * With BENCH_INSTANCES=N: the bookings are sent as `calendar.book` jobs on the booking queue; N workers and N
 * services (IN_PROCESS_WORKER=false; their schedulers run) share the storage. `wall_ms` runs from the send to the
 * last booking recorded (the round's booking index, polled once the queue looks empty). The processes stay up at
 * least 70 s after the last one started, so every scheduler (the workers'; a service runs one only with its
 * in-process worker) ticks; `periodic_runs` counts each task's runs over all processes (from their logs),
 * and `periodic_duplicates` the runs beyond what its interval allows in that time (must be 0).
 */
import { PRODUCTION_NODE_FLAGS } from './productionFlags';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EntityTable } from '../src/adapters/tables/entityTable';
import { loadConfig } from '../src/config';
import { applyCommand, newExperiment, type ExperimentCommand } from '../src/domain/experiment';
import { isDomainError, type DomainError } from '../src/domain/errors';
import { parseTenantId, parseUserId } from '../src/domain/ids';
import { createRound, openRound, publishPolicyVersion } from '../src/domain/round';
import { experimentIdFor, parseRoundId } from '../src/domain/roundIds';
import { DEFAULT_TOOL_CATALOGUE } from '../src/domain/toolCatalogue';
import { silentLogger } from '../src/logging';
import { systemClock } from '../src/ports/clock';
import { bookPracticeTime, PRACTICE_CATEGORY, type BookingOutcome } from '../src/usecases/booking';
import { BOOKING_JOB_KIND } from '../src/usecases/experiments';
import { bookingQueueName, periodicTasks } from '../src/jobs/handlers';
import { QueueServiceClient } from '@azure/storage-queue';
import { poisonQueueNameFor } from '../src/adapters/queues/queueWorker';
import { ensureQueues, wireApplication } from '../src/wiring';
import type { RunningAzurite } from '../tools/azurite';
import type { DemoOrganisation } from '../tools/demo-org';
import { connectSandboxControl } from '../tools/graph-sandbox/control/controlClient';
import type { RemoteSandboxControl } from '../tools/graph-sandbox/control/sandboxControl';
import { freePort } from '../tools/free-port';
import { generateOrganisation } from './kickoff';

export interface BookingBenchContext {
  readonly quick: boolean;
  readonly azurite: RunningAzurite;
  readonly emit: (result: Record<string, unknown>) => void;
  readonly progress: (message: string) => void;
}

const MAILBOX_CONCURRENCY = 4;
const MAILBOX_BUDGET = 10_000;
const BASELINE_IN_FLIGHT = 256;
const POLICY_TEXT = 'Keep customer names, contracts and unreleased figures out of every AI tool. Redact before you paste.';

interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  status: number;
}

function unwrap<T>(value: T | DomainError): T {
  if (isDomainError(value)) throw new Error(`bench setup: ${value.kind}: ${value.message}`);
  return value;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** A counting semaphore that hands out weighted permits in arrival order. */
function weightedSemaphore(capacity: number) {
  let free = capacity;
  const waiting: Array<{ weight: number; go: () => void }> = [];
  const pump = () => {
    while (waiting.length > 0 && waiting[0]!.weight <= free) {
      const head = waiting.shift()!;
      free -= head.weight;
      head.go();
    }
  };
  return async <R>(weight: number, task: () => Promise<R>): Promise<R> => {
    await new Promise<void>((go) => { waiting.push({ weight, go }); pump(); });
    try {
      return await task();
    } finally {
      free += weight;
      pump();
    }
  };
}

/**
 * The mailboxes a request holds a slot of (for the replay's per-mailbox cap) and its weight overall. A $batch
 * holds one slot in each mailbox its items name, or up to 4 of one mailbox's when they all name the same one.
 */
function mailboxesAndWeight(request: CapturedRequest): { lanes: { key: string; weight: number }[]; weight: number } {
  const url = new URL(request.url);
  const path = decodeURIComponent(url.pathname);
  if (path.endsWith('/$batch')) {
    const items = (JSON.parse(request.body ?? '{}') as { requests?: Array<{ url: string }> }).requests ?? [];
    const weight = Math.max(1, Math.min(MAILBOX_CONCURRENCY, items.length));
    const keys = [...new Set(items.map((item) => /\/users\/([^/?]+)/.exec(decodeURIComponent(item.url))?.[1]?.toLowerCase() ?? 'batch'))].sort();
    if (keys.length <= 1) return { lanes: [{ key: keys[0] ?? 'batch', weight }], weight };
    return { lanes: keys.map((key) => ({ key, weight: 1 })), weight };
  }
  const user = /\/users\/([^/?]+)/.exec(path)?.[1];
  if (user) return { lanes: [{ key: user.toLowerCase(), weight: 1 }], weight: 1 };
  // Directory lookups (/users?$filter=id in (…)): not a mailbox request; keyed by the first id they name.
  const id = /'([0-9a-f-]{36})'/i.exec(decodeURIComponent(url.search))?.[1];
  return { lanes: [{ key: `directory:${id ?? url.search}`, weight: 1 }], weight: 1 };
}

/** Wraps global fetch while `run` runs, keeping every request to `baseUrl` (the Graph client's HTTP handler uses it). */
async function capturing<R>(baseUrl: string, run: () => Promise<R>): Promise<{ result: R; captured: CapturedRequest[] }> {
  const original = globalThis.fetch;
  const captured: CapturedRequest[] = [];
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(baseUrl)) return original(input, init);
    // The capture's own cost is charged to the service's CPU: the Graph client sends a URL and a text body, so
    // those are kept as they are, and only another shape pays for a copy of the request.
    const simple = typeof input === 'string' && (init?.body === undefined || init.body === null || typeof init.body === 'string');
    const copy = simple ? null : new Request(input, init);
    const body = copy ? (copy.body ? await copy.clone().text() : undefined) : (init?.body as string | null | undefined) ?? undefined;
    const headers: Record<string, string> = {};
    new Headers(copy ? copy.headers : init?.headers).forEach((value, name) => { headers[name] = value; });
    const record: CapturedRequest = { method: copy ? copy.method : (init?.method ?? 'GET').toUpperCase(), url, headers, body, status: 0 };
    captured.push(record);
    const response = await original(input, init);
    record.status = response.status;
    return response;
  };
  try {
    return { result: await run(), captured };
  } finally {
    globalThis.fetch = original;
  }
}

const ROOT = join(__dirname, '..');
let clockTicksPerSecond: number | undefined;

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); null elsewhere. */
function cpuMsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is the first; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
  } catch {
    return null;
  }
}

const ownCpuMs = () => { const usage = process.cpuUsage(); return (usage.user + usage.system) / 1000; };
const perBooking = (ms: number | null, bookings: number) => (ms === null || bookings === 0 ? null : Number((ms / bookings).toFixed(2)));

/** A CPU counter over a stretch of time, for a set of processes. */
function cpuMeter(read: () => number | null) {
  const start = read();
  return () => { const end = read(); return start === null || end === null ? null : end - start; };
}

interface SandboxProcess { readonly url: string; readonly pid: number | undefined; readonly control: RemoteSandboxControl; close(): Promise<void> }

/** The Graph sandbox in a process of its own, seeded with `organisation` (handed over as a file). */
async function startSandboxProcess(organisation: DemoOrganisation, serviceTimeInMs: number): Promise<SandboxProcess> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-sandbox-'));
  const file = join(folder, 'organisation.json');
  writeFileSync(file, JSON.stringify(organisation));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'graph-sandbox', 'main.ts'), '--port', '0', '--service-time-ms', String(serviceTimeInMs), '--organisation-file', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => { const found = /listening on (http:\/\/\S+)/.exec(line)?.[1]; if (found) resolve(found); });
    child.once('exit', (code) => reject(new Error(`the Graph sandbox exited with code ${code} before it listened`)));
  });
  return {
    url,
    pid: child.pid,
    control: connectSandboxControl(url),
    async close() {
      await stopChild(child);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
}

/** A built service or worker (dist/, built by bench/run.ts) with its log lines kept. */
async function startAppProcess(entry: 'server' | 'worker', env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; logs: string[] }> {
  const logs: string[] = [];
  const port = entry === 'server' ? await freePort() : 0;
  const child = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, join(ROOT, 'dist', 'src', `${entry}.js`)], { cwd: ROOT, env: { ...env, ...(entry === 'server' ? { PORT: String(port), HOST: '127.0.0.1' } : {}) }, stdio: ['ignore', 'pipe', 'inherit'] });
  createInterface({ input: child.stdout! }).on('line', (line) => logs.push(line));
  if (entry === 'server') {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`a service instance exited with code ${child.exitCode} before it was healthy`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return { child, logs };
}

function nextMondayAtLeast(daysAhead: number): string {
  const day = new Date(Date.now() + daysAhead * 86_400_000);
  day.setUTCDate(day.getUTCDate() + ((8 - day.getUTCDay()) % 7));
  return day.toISOString().slice(0, 10);
}

export async function runBookingBench(ctx: BookingBenchContext): Promise<void> {
  const people = Number(process.env.BENCH_BOOKING_PEOPLE ?? (ctx.quick ? 100 : 2000));
  const concurrency = Number(process.env.BENCH_BOOKING_CONCURRENCY ?? 32);
  const serviceTimeInMs = Number(process.env.BENCH_BOOKING_SERVICE_TIME_MS ?? 30);
  const instances = Number(process.env.BENCH_INSTANCES ?? 1);
  if (!Number.isInteger(instances) || instances < 1) throw new RangeError(`BENCH_INSTANCES must be a whole number ≥ 1, got ${process.env.BENCH_INSTANCES}`);
  const organisation = generateOrganisation(people);
  const head = organisation.people.find((p) => p.managerId === null)!;
  const participants = organisation.people.filter((p) => p.managerId !== null);
  const tenantId = parseTenantId(organisation.tenantId)!;
  const sandbox = await startSandboxProcess(organisation, serviceTimeInMs);
  let replaySandbox: SandboxProcess | undefined;
  const appProcesses: { child: ChildProcess; logs: string[]; kind: 'server' | 'worker' }[] = [];
  try {
    const tablePrefix = `benchb${Date.now().toString(36)}`;
    const config = loadConfig({ STORAGE_CONNECTION_STRING: ctx.azurite.connectionString, GRAPH_BASE_URL: sandbox.url, TABLE_PREFIX: tablePrefix, AUTH_MODE: 'dev' });
    const { ports } = wireApplication(config, { logger: silentLogger, clock: systemClock });
    await ensureQueues(ports);

    // The round: open, its window starting on a Monday at least a week from now.
    const now = new Date().toISOString();
    const owner = { userId: parseUserId(head.id)!, isAdmin: false };
    const start = nextMondayAtLeast(7);
    const weeks = 3;
    const sharebackDay = new Date(Date.parse(`${start}T00:00:00Z`) + weeks * 7 * 86_400_000).toISOString().slice(0, 10);
    const created = unwrap(createRound({
      id: `bench-${Date.now().toString(36)}`,
      tenantId,
      name: 'Booking bench round',
      ownerIds: [head.id],
      participantIds: participants.map((p) => p.id),
      window: { start, weeks },
      hoursPerWeek: 2.5,
      shareback: { startsAt: `${sharebackDay}T14:00:00Z`, durationMinutes: 90, timeZone: 'Europe/London' },
    }, owner, now));
    const round = unwrap(openRound(unwrap(publishPolicyVersion(created, POLICY_TEXT, owner, now)).round, owner, now)).round;
    const roundId = parseRoundId(round.id)!;
    await ports.rounds.create(round);

    // One approved experiment per participant, driven there through the state machine.
    const tool = DEFAULT_TOOL_CATALOGUE.find((entry) => entry.id === 'm365-copilot') ?? DEFAULT_TOOL_CATALOGUE[0]!;
    ctx.progress(`calendar.booking: storing ${participants.length} approved experiments`);
    await pool(participants, 32, async (person) => {
      const participantId = parseUserId(person.id)!;
      const reviewerId = parseUserId(person.managerId!)!;
      const asParticipant = { userId: participantId, relation: 'participant' as const };
      const commands: ExperimentCommand[] = [
        { kind: 'saveSelection', actor: asParticipant, selection: {
          frictionPoint: { description: `Writing the weekly summary for team ${person.team}`, frequency: 'weekly', minutesToday: 90 },
          role: person.role, tool: { kind: 'catalogue', entry: tool }, kpi: 'Hours spent on internal reporting',
          scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 5, riskSupport: 4 }, supportNamed: 'My manager and the ops team',
        } },
        { kind: 'saveHypothesis', actor: asParticipant, hypothesis: {
          measure: 'Minutes to produce the weekly summary', baseline: { value: 90, unit: 'minutes' }, target: { value: 45, unit: 'minutes' },
          howWeWillKnow: 'I time each weekly summary and note how much I had to rewrite by hand.', preferredTimes: 'mornings', blockMinutes: 60,
          deadlineConflicts: 'None that I know of.',
        } },
        { kind: 'submit', actor: asParticipant, acknowledgedCurrentPolicy: true, reviewerId },
        { kind: 'approve', actor: { userId: reviewerId, relation: 'reviewer' }, comment: 'Go for it.' },
      ];
      let experiment = newExperiment(roundId, participantId, tenantId, now);
      for (const command of commands) experiment = unwrap(applyCommand(experiment, command, now)).experiment;
      await ports.experiments.create(experiment);
    });

    const outcomes = new Map<BookingOutcome | 'error' | string, number>();
    let captured: CapturedRequest[] | null = null;
    let wallMs: number;
    let serviceCpuMs: number | null;
    let startedProcessesAt = 0;
    let firstProcessStartedAt = 0;
    let poisoned = 0;
    await sandbox.control.reset(); // an empty request log (the reset keeps the organisation's mailboxes)
    const sandboxCpu = cpuMeter(() => cpuMsOf(sandbox.pid));
    const azuriteCpu = cpuMeter(() => cpuMsOf(ctx.azurite.pid));
    if (instances === 1) {
      // Timed: every booking, `concurrency` at a time, in this process.
      ctx.progress(`calendar.booking: booking ${participants.length} people, ${concurrency} at a time, Graph service time ${serviceTimeInMs} ms`);
      let firstError: unknown;
      const ownCpu = cpuMeter(ownCpuMs);
      const startedAt = performance.now();
      captured = (await capturing(sandbox.url, () => pool(participants, concurrency, async (person) => {
        let outcome: BookingOutcome | 'error';
        try {
          outcome = await bookPracticeTime(roundId, parseUserId(person.id)!, ports, { dashboardUrl: '' });
        } catch (error) {
          firstError ??= error;
          outcome = 'error';
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }))).captured;
      wallMs = performance.now() - startedAt;
      serviceCpuMs = ownCpu();
      if (firstError) ctx.progress(`calendar.booking: ${outcomes.get('error')} bookings threw, e.g. ${String(firstError)}`);
    } else {
      // N services and N workers on the same storage; the bookings go through the booking queue.
      const env = { PATH: process.env.PATH, STORAGE_CONNECTION_STRING: ctx.azurite.connectionString, GRAPH_BASE_URL: sandbox.url, TABLE_PREFIX: tablePrefix, AUTH_MODE: 'dev', IN_PROCESS_WORKER: 'false', LOG_LEVEL: 'info' };
      ctx.progress(`calendar.booking: starting ${instances} service instances and ${instances} workers`);
      firstProcessStartedAt = performance.now();
      for (let i = 0; i < instances; i++) {
        appProcesses.push({ ...(await startAppProcess('server', env)), kind: 'server' });
        appProcesses.push({ ...(await startAppProcess('worker', env)), kind: 'worker' });
      }
      startedProcessesAt = performance.now(); // the last one started: from here every scheduler's first tick is under a minute away
      const appCpu = () => appProcesses.reduce<number | null>((sum, p) => { const ms = cpuMsOf(p.child.pid); return sum === null || ms === null ? null : sum + ms; }, 0);
      const processesCpu = cpuMeter(appCpu);
      const queues = QueueServiceClient.fromConnectionString(ctx.azurite.connectionString);
      const bookingQueue = queues.getQueueClient(bookingQueueName(config.queuePrefix));
      const poisonQueue = queues.getQueueClient(poisonQueueNameFor(bookingQueueName(config.queuePrefix)));
      const index = EntityTable.fromConnectionString(ctx.azurite.connectionString, `${tablePrefix}BookingsByRound`, 'round booking index');
      ctx.progress(`calendar.booking: sending ${participants.length} booking jobs; ${instances} workers book them, Graph service time ${serviceTimeInMs} ms`);
      const startedAt = performance.now();
      const jobs = participants.map((person) => ({ kind: BOOKING_JOB_KIND, id: `bench-book:${person.id}`, payload: { roundId, participantId: person.id } }));
      for (let at = 0; at < jobs.length; at += 100) await ports.bookingJobs.send(jobs.slice(at, at + 100));
      // Done when every person's booking is recorded as booked or failed; the index is read only once the queue looks empty.
      for (;;) {
        await new Promise((r) => setTimeout(r, 250));
        const waiting = (await bookingQueue.getProperties()).approximateMessagesCount ?? 0;
        if (waiting > 0) continue;
        // A job that failed every attempt is in the poison queue: its person is settled as missing.
        poisoned = (await poisonQueue.getProperties()).approximateMessagesCount ?? 0;
        let settled = 0;
        try {
          for await (const row of index.listPartition(roundId)) if (row.properties.status === 'booked' || row.properties.status === 'failed') settled += 1;
        } catch (error) {
          // A slow answer while the workers keep Azurite busy (the table calls' 10 s deadline): look again.
          ctx.progress(`calendar.booking: reading the booking index failed (${(error as Error).message}); looking again`);
          continue;
        }
        if (settled + poisoned >= participants.length) break;
        if (performance.now() - startedAt > 30 * 60_000) throw new Error(`calendar.booking: only ${settled} of ${participants.length} bookings settled in 30 minutes`);
      }
      wallMs = performance.now() - startedAt;
      serviceCpuMs = processesCpu();
      for await (const row of index.listPartition(roundId)) outcomes.set(String(row.properties.status), (outcomes.get(String(row.properties.status)) ?? 0) + 1);
    }
    const sandboxCpuMs = sandboxCpu();
    const azuriteCpuMs = azuriteCpu();

    // What reached the calendars.
    const log = await sandbox.control.requests();
    let events = 0;
    let duplicates = 0;
    let missing = 0;
    let blocks = 0;
    await pool(participants, 16, async (person) => {
      const practice = (await sandbox.control.events(person.id)).filter((e) => Array.isArray(e.categories) && (e.categories as unknown[]).includes(PRACTICE_CATEGORY));
      events += practice.length;
      const perTransaction = new Map<string, number>();
      for (const e of practice) perTransaction.set(String(e.transactionId), (perTransaction.get(String(e.transactionId)) ?? 0) + 1);
      duplicates += [...perTransaction.values()].filter((n) => n > 1).length;
      const booking = await ports.bookings.get(experimentIdFor(roundId, parseUserId(person.id)!));
      if (!booking || booking.status !== 'booked') { missing += 1; return; }
      blocks += booking.blocks.length;
      missing += booking.blocks.filter((b) => perTransaction.get(b.transactionId) !== 1).length;
    });
    const throttled = log.filter((r) => r.status === 429).length;

    // With instances, each periodic task's runs over every process, against what its interval allows.
    let periodic: Record<string, unknown> = {};
    if (instances > 1) {
      const minimumUpMs = 70_000; // every scheduler ticks once a minute, the first a minute after it starts
      const upMs = performance.now() - startedProcessesAt;
      if (upMs < minimumUpMs) {
        ctx.progress(`calendar.booking: keeping the processes up ${Math.ceil((minimumUpMs - upMs) / 1000)} s more, so every scheduler ticks`);
        await new Promise((r) => setTimeout(r, minimumUpMs - upMs));
      }
      const aliveMs = performance.now() - firstProcessStartedAt;
      const runs = new Map<string, number>();
      for (const p of appProcesses) {
        for (const line of p.logs) {
          if (!line.includes('periodic task started')) continue;
          try {
            const task = String((JSON.parse(line) as { task?: unknown }).task);
            runs.set(task, (runs.get(task) ?? 0) + 1);
          } catch {
            // not a log line of ours
          }
        }
      }
      let periodicDuplicates = 0;
      for (const task of periodicTasks(ports)) periodicDuplicates += Math.max(0, (runs.get(task.name) ?? 0) - (Math.floor(aliveMs / task.intervalInMs) + 1));
      // Only the workers run schedulers here: a service runs one only with its in-process worker (IN_PROCESS_WORKER=true).
      periodic = { instances, workers: instances, poisoned, periodic_runs: Object.fromEntries(runs), periodic_duplicates: periodicDuplicates, processes_alive_ms: Math.round(aliveMs), log_lines: appProcesses.reduce((n, p) => n + p.logs.length, 0) };
      await Promise.all(appProcesses.map((p) => stopChild(p.child)));
    }

    // throttle_bound_ms from the per-mailbox request counts.
    const perMailbox = new Map<string, number>();
    for (const r of log) if (r.mailbox && r.status !== 429) perMailbox.set(r.mailbox, (perMailbox.get(r.mailbox) ?? 0) + 1);
    const maxPerMailbox = Math.max(0, ...perMailbox.values());
    const budgetBinds = maxPerMailbox > MAILBOX_BUDGET;
    const budgetMs = budgetBinds ? Math.floor((maxPerMailbox - 1) / MAILBOX_BUDGET) * 10 * 60_000 : 0;
    const throttleBoundMs = Math.max(budgetMs, Math.ceil(maxPerMailbox / MAILBOX_CONCURRENCY) * serviceTimeInMs);

    // baseline_ms: the same requests from a bare fetch client against a fresh sandbox process.
    let baselineMs: number | null = null;
    let replay: CapturedRequest[] = [];
    let replayThrottled = 0;
    let replayFailed = 0;
    let replayCpu: { client: number | null; sandbox: number | null } = { client: null, sandbox: null };
    if (captured) {
      replay = captured.filter((r) => r.status !== 429);
      replaySandbox = await startSandboxProcess(organisation, serviceTimeInMs);
      const replayBase = replaySandbox.url;
      const global = weightedSemaphore(BASELINE_IN_FLIGHT);
      const lanes = new Map<string, ReturnType<typeof weightedSemaphore>>();
      const laneOf = (key: string) => { let lane = lanes.get(key); if (!lane) lanes.set(key, (lane = weightedSemaphore(MAILBOX_CONCURRENCY))); return lane; };
      ctx.progress(`calendar.booking: replaying ${replay.length} Graph requests with a bare client`);
      const clientCpu = cpuMeter(ownCpuMs);
      const replaySandboxPid = replaySandbox.pid;
      const replaySandboxCpu = cpuMeter(() => cpuMsOf(replaySandboxPid));
      const replayStartedAt = performance.now();
      await Promise.all(replay.map(async (request) => {
        const { lanes: held, weight } = mailboxesAndWeight(request);
        // Slots are taken in key order, so two batches naming the same mailboxes never wait on each other.
        const send = async () => {
          const response = await fetch(replayBase + request.url.slice(sandbox.url.length), { method: request.method, headers: request.headers, body: request.body });
          const text = await response.text();
          if (response.status === 429 || text.includes('"status":429')) replayThrottled += 1;
          else if (response.status >= 400) replayFailed += 1;
        };
        const inLanes = held.reduceRight<() => Promise<void>>((inner, lane) => () => laneOf(lane.key)(lane.weight, inner), () => global(weight, send));
        await inLanes();
      }));
      baselineMs = performance.now() - replayStartedAt;
      replayCpu = { client: clientCpu(), sandbox: replaySandboxCpu() };
      if (replayThrottled || replayFailed) ctx.progress(`calendar.booking: the replay saw ${replayThrottled} throttled and ${replayFailed} failed answers`);
    }

    const lowerBoundMs = Math.max(throttleBoundMs, baselineMs ?? 0);
    const booked = outcomes.get('booked') ?? 0;
    ctx.emit({
      bench: 'calendar.booking',
      people: participants.length,
      events,
      wall_ms: Math.round(wallMs),
      throttle_bound_ms: Math.round(throttleBoundMs),
      baseline_ms: baselineMs === null ? null : Math.round(baselineMs),
      lower_bound_ms: Math.round(lowerBoundMs),
      ratio: baselineMs !== null && lowerBoundMs > 0 ? Number((wallMs / lowerBoundMs).toFixed(2)) : null,
      throttled,
      duplicates,
      missing,
      graph_service_time_ms: serviceTimeInMs,
      service_cpu_ms_per_booking: perBooking(serviceCpuMs, participants.length),
      sandbox_cpu_ms_per_booking: perBooking(sandboxCpuMs, participants.length),
      azurite_cpu_ms_per_booking: perBooking(azuriteCpuMs, participants.length),
      replay_client_cpu_ms_per_booking: perBooking(replayCpu.client, participants.length),
      replay_sandbox_cpu_ms_per_booking: perBooking(replayCpu.sandbox, participants.length),
      ...periodic,
      // Context (not headline figures):
      includes_shareback: false,
      sandbox_process: 'own',
      concurrency: instances === 1 ? concurrency : `${instances} workers`,
      booked,
      outcomes: Object.fromEntries(outcomes),
      blocks,
      graph_requests: captured?.length ?? null,
      graph_requests_logged: log.length,
      graph_requests_per_booking: Number((log.filter((r) => !r.inBatch).length / participants.length).toFixed(2)),
      max_requests_per_mailbox: maxPerMailbox,
      budget_binds: budgetBinds,
      baseline_requests: captured ? replay.length : null,
      baseline_throttled: replayThrottled,
      baseline_failed: replayFailed,
      baseline_in_flight: BASELINE_IN_FLIGHT,
    });
  } finally {
    await Promise.all(appProcesses.map((p) => stopChild(p.child)));
    await replaySandbox?.close();
    await sandbox.close();
  }
}
