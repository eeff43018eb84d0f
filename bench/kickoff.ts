/**
 * `kickoff.fanout`: opening a round for a large organisation, measured end to end on the
 * compiled service with its in-process worker, against Azurite, a Graph sandbox seeded with a generated
 * organisation and a Bot Connector stand-in that enforces Teams' 50 requests/s per app and tenant.
 *
 *   BENCH_KICKOFF_PEOPLE=N   participants (default 2000; 200 with BENCH_QUICK=1)
 *   BENCH_KICKOFF_KNOWN=1|0  the second line (everyone already has a chat with the bot): on by default with
 *                            BENCH_QUICK=1 only, because at 2,000 people it costs as long as the first line
 *   BENCH_KICKOFF_POLL_MS=N  least pause between status polls (default 250; see POLL_INTERVAL_MS)
 *   BENCH_KICKOFF_TIMEOUT_MS=N  give up waiting after N ms (default: a minute plus ten times the ideal bound,
 *                            7m40s at 2,000 people; whoever is not done by then is counted in `missing`)
 *   BENCH_KICKOFF_SCALE_SIZES=a,b  the two sizes of `kickoff.scale` (default 500,4000; 100,400 with BENCH_QUICK=1;
 *                            BENCH_KICKOFF_SCALE=0 skips it)
 *   BENCH_INSTANCES=N        N service instances (IN_PROCESS_WORKER=false) and N separate workers
 *                            (`node dist/src/worker.js`, what `npm run worker` runs) against the same storage; the
 *                            round is opened on the first instance and watched on the last. Default 1: one service
 *                            with its in-process worker. With N > 1 the run also waits for the workers' first
 *                            scheduler tick (a minute after they start) and reports how often each periodic task
 *                            ran across them (`periodic_runs`, want 1 each)
 *   BENCH_SERVICE_NODE_OPTIONS="--require ./bench/cpu-profile.js" BENCH_PROFILE_DIR=/tmp/prof   profile the service
 *
 * Lines:
 *   kickoff.fanout        the default path: nobody has talked to the bot, so each person's kickoff installs
 *                         the app through Graph (reported as `installs`) and sends to the chat that creates.
 *   kickoff.fanout.known  the same round size with every person's conversation already stored (no Graph installs).
 *   kickoff.scale         the fan-out at two sizes: CPU milliseconds per person of the service and of Azurite at
 *                         each, and `growth` = the larger size's service CPU per person / the smaller's (flat = 1).
 *
 * Figures: `wall_ms` from the open call until a poll of GET /api/rounds/:id (every 250 ms) sees every person
 * in a final kickoff state (sent or failed); `bound_ms = requests / 50 × 1000` with `requests` the Bot Connector
 * requests the stand-in counted, less the ones it refused with 429 (the kickoff needs one send per person; the
 * app never creates a conversation: it sends to the install's chat id, which the stand-in would otherwise show
 * as `a:<user>` conversations); `ratio = wall_ms / bound_ms`. Extra figures after the headline ones say where
 * the time goes: `open_ms` (the open call: participants from Graph, member rows, enqueueing), `first_send_ms`
 * and `last_send_ms` (first and last card at the stand-in, from the open call), the Graph requests, and CPU
 * seconds per process over the fan-out and per person (`cpu_ms_per_person`: the service — every service and worker
 * process with BENCH_INSTANCES > 1 —, Azurite, and this process, which is the stand-ins: Graph sandbox, connector
 * and poller), and the service's peak resident memory (`service_rss_peak_mb`, the kernel's high-water mark). The Graph sandbox runs with `serviceTimeInMs: 0` here: Graph latency is
 * not what this bench measures (calendar.booking does that), so Graph is as fast as this machine allows.
 */
import { PRODUCTION_NODE_FLAGS } from './productionFlags';
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { EntityTable } from '../src/adapters/tables/entityTable';
import { createTableMemberRepo } from '../src/adapters/tables/memberRepo';
import { parseTenantId, parseUserId } from '../src/domain/ids';
import type { RunningAzurite } from '../tools/azurite';
import { startBotConnector, type RunningConnector } from '../tools/bot-connector/server';
import { parseDemoOrganisation, type DemoOrganisation, type DemoPerson } from '../tools/demo-org';
import { startGraphSandbox, type RunningGraphSandbox } from '../tools/graph-sandbox/server';
import { aNewRoundBody } from '../tests/support/rounds';

export interface KickoffBenchContext {
  readonly quick: boolean;
  readonly azurite: RunningAzurite;
  /** The runner's way of starting `node dist/src/server.js` (waits for /healthz). */
  readonly startService: (env: NodeJS.ProcessEnv) => Promise<{ child: ChildProcess; url: string }>;
  readonly emit: (result: Record<string, unknown>) => void;
  readonly progress: (message: string) => void;
}

/** Teams' documented per-app, per-tenant limit; the stand-in enforces it and the bound is computed from it. */
const CONNECTOR_REQUESTS_PER_SECOND = 50;
/**
 * How often the bench asks GET /api/rounds/:id. Each answer lists every member, which at 2,000 people costs the
 * service (and Azurite) hundreds of milliseconds, so the pause after a poll is at least ten times what the
 * poll took: the poller never takes more than a tenth of the service's time. As soon as the stand-in holds a
 * card for every person, the bench polls at once, so the end is seen within one poll of happening.
 */
const POLL_INTERVAL_MS = Number(process.env.BENCH_KICKOFF_POLL_MS ?? 250);
/** The pause after a poll is at least this many times what the poll took: the poller takes under a tenth of the service. */
const POLL_BACKOFF_FACTOR = 10;
/** Cards stopped arriving for this long: look at the round's states (someone may have failed) before all cards are in. */
const STALL_MS = 15_000;
/** The dev sign-in stamps the demo tenant on every caller (src/api/auth.ts), so the generated organisation uses it too. */
const TENANT_ID = '9015d13f-d040-45c4-a7e8-9f2c90715197';
/** Any catalog id: the sandbox installs whatever app it is asked to. */
const TEAMS_APP_ID = 'c0ffee00-5a3d-4f7e-9b8a-0c1d2e3f4a5b';
const REPORTS_PER_MANAGER = 50;

// ---------------------------------------------------------------------------------------------------------
// A generated organisation: one head (the programme owner), ~people/50 managers reporting to the head, and
// the rest reporting to the managers round-robin. Everyone under the head is a participant: `people` of them.

const ZONES = [
  { timeZone: 'Europe/London', windowsTimeZone: 'GMT Standard Time' },
  { timeZone: 'America/New_York', windowsTimeZone: 'Eastern Standard Time' },
  { timeZone: 'Asia/Kolkata', windowsTimeZone: 'India Standard Time' },
] as const;
const GIVEN = ['Ada', 'Bola', 'Chen', 'Dana', 'Emeka', 'Farah', 'Goran', 'Hana', 'Ines', 'Jon', 'Kofi', 'Lena', 'Mei', 'Nia', 'Omar', 'Priya'];
const SURNAMES = ['Adeyemi', 'Berg', 'Costa', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Haddad', 'Iyer', 'Jensen', 'Kowalski', 'Lopez', 'Murphy', 'Novak', 'Okoro', 'Park'];
const ROLES = ['sales', 'marketing', 'engineering', 'product-operations', 'new-hire'] as const;
const TEAMS = [
  { id: 'leadership', displayName: 'Leadership', department: 'Executive' },
  { id: 'sales', displayName: 'Sales', department: 'Sales' },
  { id: 'marketing', displayName: 'Marketing', department: 'Marketing' },
  { id: 'engineering', displayName: 'Engineering', department: 'Engineering' },
  { id: 'product-operations', displayName: 'Product & Operations', department: 'Product & Operations' },
];

/** Deterministic, well-formed (version 4 layout) GUIDs, so runs are comparable. */
function benchGuid(index: number): string {
  return `b3c40000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

export function generateOrganisation(people: number): DemoOrganisation {
  if (!(Number.isInteger(people) && people >= 2)) throw new RangeError(`BENCH_KICKOFF_PEOPLE must be a whole number ≥ 2, got ${people}`);
  const managers = Math.max(1, Math.round(people / REPORTS_PER_MANAGER));
  const person = (index: number, managerId: string | null, jobTitle: string, teamIndex: number): DemoPerson => {
    const givenName = GIVEN[index % GIVEN.length]!;
    const surname = SURNAMES[Math.floor(index / GIVEN.length) % SURNAMES.length]!;
    const address = `${givenName}.${surname}.${index}@bench.example`.toLowerCase();
    const team = TEAMS[teamIndex % TEAMS.length]!;
    const zone = ZONES[index % ZONES.length]!;
    return {
      id: benchGuid(index),
      displayName: `${givenName} ${surname} ${index}`,
      givenName,
      surname,
      userPrincipalName: address,
      mail: address,
      jobTitle,
      department: team.department,
      team: team.id,
      role: ROLES[index % ROLES.length]!,
      ...zone,
      workingHours: { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '09:00', endTime: '17:30' },
      managerId,
      programmeOwner: index === 0,
      admin: false,
    };
  };
  const head = person(0, null, 'Chief Executive Officer', 0);
  const managerPeople = Array.from({ length: managers }, (_, m) => person(1 + m, head.id, 'Manager', 1 + (m % (TEAMS.length - 1))));
  const reports = Array.from({ length: people - managers }, (_, r) => {
    const manager = r % managers;
    return person(1 + managers + r, managerPeople[manager]!.id, 'Specialist', 1 + (manager % (TEAMS.length - 1)));
  });
  // Validated like the checked-in demo organisation, so a bad generator fails here, naming the field.
  return parseDemoOrganisation({
    tenantId: TENANT_ID,
    displayName: `Bench organisation (${people} participants)`,
    domain: 'bench.example',
    teams: TEAMS,
    people: [head, ...managerPeople, ...reports],
    meetings: [], // no calendars to seed: this bench is about chat messages
  });
}

// ---------------------------------------------------------------------------------------------------------
// CPU seconds per process (Linux /proc), to show whether the machine, not the rate limit, set the pace.

const CLOCK_TICKS_PER_SECOND = 100;

export function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND; // utime, stime
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine (every core, every process: other work on a shared machine shows here). */
function machineBusySeconds(): number | null {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

function cpuSnapshot(servicePids: readonly (number | undefined)[], azurite: number | undefined) {
  const own = process.cpuUsage();
  const each = servicePids.map(cpuSecondsOf);
  const service = each.some((value) => value === null) ? null : each.reduce<number>((sum, value) => sum + value!, 0);
  return { service, azurite: cpuSecondsOf(azurite), bench: (own.user + own.system) / 1e6, machine: machineBusySeconds() };
}

/** Peak resident memory of a process in MB (VmHWM: the kernel's high-water mark since it started). */
function rssPeakMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU seconds used over the fan-out: the service, Azurite, this process (Graph sandbox, connector, poller), and everything else on the machine. */
function cpuDelta(before: ReturnType<typeof cpuSnapshot>, after: ReturnType<typeof cpuSnapshot>): Record<string, number | null> {
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : Number((b - a).toFixed(1)));
  const service = delta(before.service, after.service);
  const azurite = delta(before.azurite, after.azurite);
  const bench = delta(before.bench, after.bench);
  const machine = delta(before.machine, after.machine);
  const other = machine === null || service === null || azurite === null || bench === null ? null : Number(Math.max(0, machine - service - azurite - bench).toFixed(1));
  return { service, azurite, sandbox_connector_poller: bench, other_processes: other };
}

// ---------------------------------------------------------------------------------------------------------

interface RoundStatus {
  people: Array<{ userId: string; kickoff: { state: string; attempts: number; reason: string | null } }>;
}

const FINAL_STATES = new Set(['sent', 'failed']);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function call(url: string, init: RequestInit, expected: number[]): Promise<unknown> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!expected.includes(response.status)) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

/** Stores a personal conversation for everyone, as the bot does when it first hears from a person. */
async function registerEveryone(azurite: RunningAzurite, tablePrefix: string, participants: readonly DemoPerson[], connectorUrl: string): Promise<Map<string, string>> {
  const members = createTableMemberRepo(EntityTable.fromConnectionString(azurite.connectionString, `${tablePrefix}Members`, 'member'));
  const tenantId = parseTenantId(TENANT_ID)!;
  const conversations = new Map<string, string>();
  const queue = [...participants];
  const now = new Date().toISOString();
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const userId = parseUserId(next.id)!;
      const conversationId = `a:known-${next.id}`;
      conversations.set(next.id, conversationId);
      await members.recordSeen({ userId, tenantId, displayName: next.displayName, lastSeenAt: now, conversation: { conversationId, serviceUrl: connectorUrl, channelId: 'msteams', botId: '', tenantId } });
    }
  }));
  return conversations;
}

interface ScenarioOptions {
  readonly bench: string;
  readonly known: boolean;
  /** Service instances and separate workers; 1 = one service with its in-process worker. */
  readonly instances: number;
  /** Emit the line (kickoff.scale collects its runs and emits one line of its own). */
  readonly emit: boolean;
}

interface ScenarioResult {
  readonly people: number;
  readonly serviceCpuMsPerPerson: number | null;
  readonly azuriteCpuMsPerPerson: number | null;
}

/** `node dist/src/worker.js` (what `npm run worker` runs, compiled), its JSON log lines kept for the scheduler's. */
function startWorkerProcess(env: NodeJS.ProcessEnv): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, join(__dirname, '..', 'dist', 'src', 'worker.js')], { env: { ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    // Only the scheduler's lines are kept: the rest of an info-level log is not needed and would grow with the round.
    for (const line of parts) if (line.includes('periodic task started')) lines.push(line);
  });
  return { child, lines };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

async function runScenario(ctx: KickoffBenchContext, organisation: DemoOrganisation, sandbox: RunningGraphSandbox, connector: RunningConnector, options: ScenarioOptions): Promise<ScenarioResult> {
  const head = organisation.people.find((p) => p.managerId === null)!;
  const participants = organisation.people.filter((p) => p.managerId !== null);
  sandbox.control.reset(); // no installs, an empty request log
  connector.clear();
  const throttledBefore = connector.throttledCount();
  const tablePrefix = `benchk${Date.now().toString(36)}`;
  const separateWorkers = options.instances > 1;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    STORAGE_CONNECTION_STRING: ctx.azurite.connectionString,
    GRAPH_BASE_URL: sandbox.url,
    TABLE_PREFIX: tablePrefix,
    IN_PROCESS_WORKER: separateWorkers ? 'false' : 'true',
    AUTH_MODE: 'dev',
    PROGRAMME_OWNER_IDS: head.id,
    TEAMS_APP_ID,
    BOT_SERVICE_URL: connector.url,
    // Every process that sends gets its share of the connector's rate, so together they keep to it.
    CONNECTOR_SENDS_PER_SECOND: String(CONNECTOR_REQUESTS_PER_SECOND / options.instances),
    // Profiling only (see the top of this file); NODE_OPTIONS for the service alone, not set by default.
    ...(process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS, BENCH_PROFILE_DIR: process.env.BENCH_PROFILE_DIR } : {}),
  };
  const services: { child: ChildProcess; url: string }[] = [];
  const workers: { child: ChildProcess; lines: string[] }[] = [];
  try {
    for (let i = 0; i < options.instances; i++) services.push(await ctx.startService(env));
    if (separateWorkers) for (let i = 0; i < options.instances; i++) workers.push(startWorkerProcess(env));
    const workersStartedAt = performance.now();
    const opener = services[0]!;
    const watcher = services[services.length - 1]!;
    // Where each person's card should land: their stored chat, or the chat the install creates (tools/graph-sandbox teamsStore).
    const conversationOf = options.known
      ? await registerEveryone(ctx.azurite, tablePrefix, participants, connector.url)
      : new Map(participants.map((p) => [p.id, `19:${p.id}_${TEAMS_APP_ID}@unq.gbl.spaces`]));
    const asOwner = { 'content-type': 'application/json', 'x-dev-user': head.id };
    const round = (await call(`${opener.url}/api/rounds`, { method: 'POST', headers: asOwner, body: JSON.stringify(aNewRoundBody(organisation, { managerScopes: [head.id] })) }, [201])) as { id: string };

    ctx.progress(`${options.bench}: opening a round for ${participants.length} people (${options.known ? 'conversations known' : 'app installed through Graph'}${separateWorkers ? `; ${options.instances} instances and ${options.instances} workers` : ''})`);
    const azurite = ctx.azurite.pid;
    const pids = [...services, ...workers].map((p) => p.child.pid);
    const cpuBefore = cpuSnapshot(pids, azurite);
    const openedAt = Date.now();
    const startedAt = performance.now();
    const opened = (await call(`${opener.url}/api/rounds/${round.id}/open`, { method: 'POST', headers: asOwner }, [202])) as { kickoffsQueued: number };
    const openMs = performance.now() - startedAt;
    if (opened.kickoffsQueued !== participants.length) throw new Error(`${options.bench}: the open call queued ${opened.kickoffsQueued} kickoffs for ${participants.length} people`);

    // Generous, but inside the ~10 minutes `npm run bench` may take; a stuck kickoff shows up as `missing`, not as a hang.
    const deadline = startedAt + Number(process.env.BENCH_KICKOFF_TIMEOUT_MS ?? 60_000 + (10 * participants.length * 1000) / CONNECTOR_REQUESTS_PER_SECOND);
    const everyoneHasACard = () => connector.activities.length >= participants.length;
    let status: RoundStatus;
    let timedOut = false;
    let lastProgress = startedAt;
    const pollMs: number[] = [];
    let pollErrors = 0;
    let lastStatus: RoundStatus = { people: [] };
    for (;;) {
      const pollStartedAt = performance.now();
      try {
        lastStatus = (await call(`${watcher.url}/api/rounds/${round.id}`, { headers: asOwner }, [200])) as RoundStatus;
      } catch (error) {
        // The owner's whole-round view is slow at 10,000 people; a failed poll is counted and tried again, not fatal.
        pollErrors++;
        ctx.progress(`${options.bench}: a status poll failed (${(error as Error).message.slice(0, 120)}); polling again`);
      }
      status = lastStatus;
      pollMs.push(performance.now() - pollStartedAt);
      const final = status.people.filter((p) => FINAL_STATES.has(p.kickoff.state)).length;
      if (final === participants.length && status.people.length === participants.length) break;
      const now = performance.now();
      if (now > deadline) { timedOut = true; break; }
      if (now - lastProgress > 10_000) {
        lastProgress = now;
        ctx.progress(`${options.bench}: ${final}/${participants.length} final after ${((now - startedAt) / 1000).toFixed(0)} s (${connector.activities.length} cards at the stand-in, ${connector.throttledCount() - throttledBefore} throttled)`);
      }
      // Until the stand-in holds a card for everyone, the owner's whole-round view is not asked again unless the cards
      // stop coming for a while (someone may have failed): at 10,000 people that view costs Azurite seconds of
      // scanning, which would slow the fan-out it is watching.
      const pauseUntil = performance.now() + Math.max(POLL_INTERVAL_MS, POLL_BACKOFF_FACTOR * pollMs[pollMs.length - 1]!);
      const cardsBefore = everyoneHasACard();
      let cardsSeen = connector.activities.length;
      let lastNewCardAt = performance.now();
      for (;;) {
        const at = performance.now();
        if (at >= deadline) break;
        if (connector.activities.length !== cardsSeen) { cardsSeen = connector.activities.length; lastNewCardAt = at; }
        if (!cardsBefore && everyoneHasACard()) break;
        const stalled = at - lastNewCardAt > STALL_MS;
        if (at >= pauseUntil && (cardsBefore || stalled)) break;
        if (at - lastProgress > 10_000) {
          lastProgress = at;
          ctx.progress(`${options.bench}: ${cardsSeen} cards at the stand-in after ${((at - startedAt) / 1000).toFixed(0)} s (${connector.throttledCount() - throttledBefore} throttled)`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const wallMs = performance.now() - startedAt;
    const cpu = cpuDelta(cpuBefore, cpuSnapshot(pids, azurite));
    const rss = services.map((s) => rssPeakMb(s.child.pid));
    const workerRss = workers.map((w) => rssPeakMb(w.child.pid));

    // What reached the stand-in.
    const perConversation = new Map<string, number>();
    for (const activity of connector.activities) perConversation.set(activity.conversationId, (perConversation.get(activity.conversationId) ?? 0) + 1);
    const duplicates = [...perConversation.values()].filter((n) => n > 1).length;
    const expected = new Set(conversationOf.values());
    const stray = [...perConversation.keys()].filter((id) => !expected.has(id)).length;
    const stateOf = new Map(status.people.map((p) => [p.userId, p.kickoff.state]));
    const missing = participants.filter((p) => perConversation.get(conversationOf.get(p.id)!) !== 1 || stateOf.get(p.id) !== 'sent').length;
    const failed = status.people.filter((p) => p.kickoff.state === 'failed');
    const throttled = connector.throttledCount() - throttledBefore;
    // Every activity request the stand-in saw (delivered, refused or throttled), for every conversation involved.
    const attempts = [...new Set([...expected, ...perConversation.keys()])].reduce((sum, id) => sum + connector.requestsTo(id), 0);
    const requests = attempts - throttled; // the ones the kickoff needed: a 429 is pushback, not work
    const boundMs = (requests / CONNECTOR_REQUESTS_PER_SECOND) * 1000;
    const receivedAt = connector.activities.map((a) => a.receivedAt);

    const graph = sandbox.control.requests();
    const installs = graph.filter((r) => r.method === 'POST' && /\/teamwork\/installedApps$/.test(r.path) && r.status === 201).length;
    const perPerson = (seconds: number | null) => (seconds === null ? null : Number(((seconds * 1000) / participants.length).toFixed(2)));

    // Scale-out: each periodic task must run exactly once across the workers (their first scheduler tick is a minute in).
    let periodicRuns: Record<string, number> | undefined;
    if (separateWorkers) {
      // The scheduler ticks a minute after each worker is up (a few seconds after its start on a loaded machine): wait
      // for the first task to be claimed, then long enough for every worker's first tick to have come and gone.
      const giveUpAt = workersStartedAt + 150_000;
      ctx.progress(`${options.bench}: waiting for the workers' first scheduler tick`);
      while (performance.now() < giveUpAt && workers.every((w) => w.lines.length === 0)) await new Promise((r) => setTimeout(r, 500));
      const settledAt = Math.min(giveUpAt, performance.now() + 15_000);
      while (performance.now() < settledAt) await new Promise((r) => setTimeout(r, 500));
      periodicRuns = {};
      for (const worker of workers) {
        for (const line of worker.lines) {
          const task = String((JSON.parse(line) as { task?: unknown }).task);
          periodicRuns[task] = (periodicRuns[task] ?? 0) + 1;
        }
      }
    }

    const result = {
      bench: options.bench,
      people: participants.length,
      wall_ms: Math.round(wallMs),
      per_s: Number(((participants.length - missing) / (wallMs / 1000)).toFixed(1)), // = people / wall_s when none is missing
      bound_ms: Math.round(boundMs),
      ratio: boundMs > 0 ? Number((wallMs / boundMs).toFixed(2)) : null,
      throttled,
      duplicates,
      missing,
      installs,
      instances: options.instances,
      cpu_ms_per_person: { service: perPerson(cpu.service ?? null), azurite: perPerson(cpu.azurite ?? null), stand_ins: perPerson(cpu.sandbox_connector_poller ?? null) },
      service_rss_peak_mb: Math.max(...rss.map((v) => v ?? 0)),
      ...(separateWorkers ? { worker_rss_peak_mb: Math.max(...workerRss.map((v) => v ?? 0)), periodic_runs: periodicRuns } : {}),
      // Where the time went (not headline figures):
      open_ms: Math.round(openMs),
      first_send_ms: receivedAt.length ? Math.min(...receivedAt) - openedAt : null,
      last_send_ms: receivedAt.length ? Math.max(...receivedAt) - openedAt : null,
      connector_requests: attempts,
      graph_requests: graph.length,
      graph_batches: graph.filter((r) => r.path.endsWith('/$batch')).length,
      graph_throttled: graph.filter((r) => r.status === 429).length,
      graph_invalid: graph.filter((r) => !r.valid).length,
      failed: failed.length,
      stray,
      timed_out: timedOut,
      cpu_s: cpu,
      machine_load_1m: Number(loadavg()[0]!.toFixed(1)),
      graph_service_time_ms: 0,
      polls: pollMs.length,
      poll_errors: pollErrors,
      poll_p50_ms: Number(median(pollMs).toFixed(1)),
    };
    if (options.emit) ctx.emit(result);
    if (failed.length > 0) ctx.progress(`${options.bench}: ${failed.length} failed, e.g. ${failed[0]!.kickoff.reason ?? '(no reason)'}`);
    return { people: participants.length, serviceCpuMsPerPerson: result.cpu_ms_per_person.service, azuriteCpuMsPerPerson: result.cpu_ms_per_person.azurite };
  } finally {
    await Promise.all([...services, ...workers].map((p) => stopProcess(p.child)));
  }
}

async function fanOutOnce(ctx: KickoffBenchContext, people: number, options: Omit<ScenarioOptions, 'known'>, alsoKnown = false): Promise<ScenarioResult> {
  const generatedAt = performance.now();
  const organisation = generateOrganisation(people);
  const sandbox = await startGraphSandbox({ port: 0, organisation, serviceTimeInMs: 0 });
  const connector = await startBotConnector({ requestsPerSecond: CONNECTOR_REQUESTS_PER_SECOND });
  ctx.progress(`${options.bench}: organisation of ${organisation.people.length} generated and seeded in ${Math.round(performance.now() - generatedAt)} ms`);
  try {
    const result = await runScenario(ctx, organisation, sandbox, connector, { ...options, known: false });
    if (alsoKnown) await runScenario(ctx, organisation, sandbox, connector, { ...options, bench: `${options.bench}.known`, known: true });
    return result;
  } finally {
    await connector.close();
    await sandbox.close();
  }
}

export async function runKickoffBench(ctx: KickoffBenchContext): Promise<void> {
  const people = Number(process.env.BENCH_KICKOFF_PEOPLE ?? (ctx.quick ? 200 : 2000));
  const instances = Number(process.env.BENCH_INSTANCES ?? 1);
  if (!(Number.isInteger(instances) && instances >= 1)) throw new RangeError(`BENCH_INSTANCES must be a whole number ≥ 1, got ${instances}`);
  const known = (process.env.BENCH_KICKOFF_KNOWN ?? (ctx.quick ? '1' : '0')) === '1';
  await fanOutOnce(ctx, people, { bench: 'kickoff.fanout', instances, emit: true }, known);

  if (process.env.BENCH_KICKOFF_SCALE === '0') return;
  const sizes = (process.env.BENCH_KICKOFF_SCALE_SIZES ?? (ctx.quick ? '100,400' : '500,4000')).split(',').map(Number);
  if (sizes.length !== 2 || !sizes.every((n) => Number.isInteger(n) && n >= 2) || sizes[0]! >= sizes[1]!) throw new RangeError(`BENCH_KICKOFF_SCALE_SIZES must be two increasing sizes, e.g. 500,4000`);
  const runs: ScenarioResult[] = [];
  for (const size of sizes) runs.push(await fanOutOnce(ctx, size, { bench: `kickoff.scale@${size}`, instances, emit: false }));
  const [small, large] = runs as [ScenarioResult, ScenarioResult];
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || a === 0 ? null : Number((b / a).toFixed(2)));
  ctx.emit({
    bench: 'kickoff.scale',
    sizes,
    service_cpu_ms_per_person: [small.serviceCpuMsPerPerson, large.serviceCpuMsPerPerson],
    azurite_cpu_ms_per_person: [small.azuriteCpuMsPerPerson, large.azuriteCpuMsPerPerson],
    growth: ratio(small.serviceCpuMsPerPerson, large.serviceCpuMsPerPerson),
    azurite_growth: ratio(small.azuriteCpuMsPerPerson, large.azuriteCpuMsPerPerson),
    instances,
    machine_load_1m: Number(loadavg()[0]!.toFixed(1)),
  });
}
