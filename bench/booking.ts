/**
 * `calendar.booking`: booking practice time for many approved experiments against the Graph
 * sandbox with a realistic, non-zero service time under Outlook's per-mailbox limits.
 *
 *   BENCH_BOOKING_PEOPLE=N          participants (default 1000; 100 with BENCH_QUICK=1). The target is 2000, but at
 *                                   2000 the bookings took 305 s (this bench 6m44s end to end: more than the ~5 minutes
 *                                   it may take; time per person grows with size), so the default is 1000 (about 3 min end
 *                                   to end; sizes between 1000 and 2000 not tried); the line prints `people` as run. BENCH_BOOKING_PEOPLE=2000 runs the target size.
 *   BENCH_BOOKING_CONCURRENCY=N     bookings in flight at once (default 32, like a worker draining its queue)
 *   BENCH_BOOKING_SERVICE_TIME_MS=N the sandbox's emulated Graph service time (default 30)
 *
 * The booking use case (`bookPracticeTime`, src/usecases/booking.ts) runs in this process on the production
 * wiring (`wireApplication`): Azure Table storage on Azurite and the Graph adapter against the sandbox. The
 * round and the approved experiments are stored first (not timed); `wall_ms` is from the first booking call to
 * the last one's return. The shareback invite is not part of this bench (`includes_shareback: false`).
 *
 * Bounds:
 * - `throttle_bound_ms`: per mailbox, ceil(requests / 4) × service time, with `requests` the Graph requests the
 *   sandbox logged for that mailbox (batch items counted one by one; 429 answers left out: pushback, not work);
 *   the max over mailboxes. The 10,000-requests-per-10-minutes budget is checked (`budget_binds`).
 * - `baseline_ms`: every Graph request the app sent (captured on the wire here: method, URL, headers, body; 429
 *   answers left out) replayed by a bare `fetch` client against a fresh sandbox with the same organisation and
 *   service time, at most 4 in flight per mailbox (a $batch counts as the min(items, 4) the sandbox runs at once)
 *   and at most BASELINE_IN_FLIGHT overall (the app itself never has more than concurrency × 4 in flight).
 * - `lower_bound_ms = max(throttle_bound_ms, baseline_ms)`, `ratio = wall_ms / lower_bound_ms`.
 */
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
import { ensureQueues, wireApplication } from '../src/wiring';
import type { RunningAzurite } from '../tools/azurite';
import { startGraphSandbox } from '../tools/graph-sandbox/server';
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

/** The mailbox a request is about (for the replay's per-mailbox cap) and how many permits it holds. */
function mailboxAndWeight(request: CapturedRequest): { key: string; weight: number } {
  const url = new URL(request.url);
  const path = decodeURIComponent(url.pathname);
  if (path.endsWith('/$batch')) {
    const items = (JSON.parse(request.body ?? '{}') as { requests?: Array<{ url: string }> }).requests ?? [];
    const first = decodeURIComponent(items[0]?.url ?? '');
    return { key: /\/users\/([^/]+)/.exec(first)?.[1]?.toLowerCase() ?? 'batch', weight: Math.max(1, Math.min(MAILBOX_CONCURRENCY, items.length)) };
  }
  const user = /\/users\/([^/?]+)/.exec(path)?.[1];
  if (user) return { key: user.toLowerCase(), weight: 1 };
  // Directory lookups (/users?$filter=id in (…)): not a mailbox request; keyed by the first id they name.
  const id = /'([0-9a-f-]{36})'/i.exec(decodeURIComponent(url.search))?.[1];
  return { key: `directory:${id ?? url.search}`, weight: 1 };
}

/** Wraps global fetch while `run` runs, keeping every request to `baseUrl` (the Graph client's HTTP handler uses it). */
async function capturing<R>(baseUrl: string, run: () => Promise<R>): Promise<{ result: R; captured: CapturedRequest[] }> {
  const original = globalThis.fetch;
  const captured: CapturedRequest[] = [];
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(baseUrl)) return original(input, init);
    const copy = new Request(input, init);
    const body = copy.body ? await copy.clone().text() : undefined;
    const headers: Record<string, string> = {};
    copy.headers.forEach((value, name) => { headers[name] = value; });
    const record: CapturedRequest = { method: copy.method, url, headers, body, status: 0 };
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

function nextMondayAtLeast(daysAhead: number): string {
  const day = new Date(Date.now() + daysAhead * 86_400_000);
  day.setUTCDate(day.getUTCDate() + ((8 - day.getUTCDay()) % 7));
  return day.toISOString().slice(0, 10);
}

export async function runBookingBench(ctx: BookingBenchContext): Promise<void> {
  const people = Number(process.env.BENCH_BOOKING_PEOPLE ?? (ctx.quick ? 100 : 1000));
  const concurrency = Number(process.env.BENCH_BOOKING_CONCURRENCY ?? 32);
  const serviceTimeInMs = Number(process.env.BENCH_BOOKING_SERVICE_TIME_MS ?? 30);
  const organisation = generateOrganisation(people);
  const head = organisation.people.find((p) => p.managerId === null)!;
  const participants = organisation.people.filter((p) => p.managerId !== null);
  const tenantId = parseTenantId(organisation.tenantId)!;
  const sandbox = await startGraphSandbox({ port: 0, organisation, serviceTimeInMs });
  let replaySandbox: Awaited<ReturnType<typeof startGraphSandbox>> | undefined;
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

    // Timed: every booking, `concurrency` at a time.
    sandbox.control.reset(); // an empty request log (the reset keeps the organisation's mailboxes)
    ctx.progress(`calendar.booking: booking ${participants.length} people, ${concurrency} at a time, Graph service time ${serviceTimeInMs} ms`);
    const outcomes = new Map<BookingOutcome | 'error', number>();
    let firstError: unknown;
    const startedAt = performance.now();
    const { captured } = await capturing(sandbox.url, () => pool(participants, concurrency, async (person) => {
      let outcome: BookingOutcome | 'error';
      try {
        outcome = await bookPracticeTime(roundId, parseUserId(person.id)!, ports, { dashboardUrl: '' });
      } catch (error) {
        firstError ??= error;
        outcome = 'error';
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }));
    const wallMs = performance.now() - startedAt;
    if (firstError) ctx.progress(`calendar.booking: ${outcomes.get('error')} bookings threw, e.g. ${String(firstError)}`);

    // What reached the calendars.
    const log = sandbox.control.requests();
    let events = 0;
    let duplicates = 0;
    let missing = 0;
    let blocks = 0;
    for (const person of participants) {
      const practice = sandbox.control.events(person.id).filter((e) => Array.isArray(e.categories) && (e.categories as unknown[]).includes(PRACTICE_CATEGORY));
      events += practice.length;
      const perTransaction = new Map<string, number>();
      for (const e of practice) perTransaction.set(String(e.transactionId), (perTransaction.get(String(e.transactionId)) ?? 0) + 1);
      duplicates += [...perTransaction.values()].filter((n) => n > 1).length;
      const booking = await ports.bookings.get(experimentIdFor(roundId, parseUserId(person.id)!));
      if (!booking || booking.status !== 'booked') { missing += 1; continue; }
      blocks += booking.blocks.length;
      missing += booking.blocks.filter((b) => perTransaction.get(b.transactionId) !== 1).length;
    }
    const throttled = log.filter((r) => r.status === 429).length;

    // throttle_bound_ms from the per-mailbox request counts.
    const perMailbox = new Map<string, number>();
    for (const r of log) if (r.mailbox && r.status !== 429) perMailbox.set(r.mailbox, (perMailbox.get(r.mailbox) ?? 0) + 1);
    const maxPerMailbox = Math.max(0, ...perMailbox.values());
    const budgetBinds = maxPerMailbox > MAILBOX_BUDGET;
    const budgetMs = budgetBinds ? Math.floor((maxPerMailbox - 1) / MAILBOX_BUDGET) * 10 * 60_000 : 0;
    const throttleBoundMs = Math.max(budgetMs, Math.ceil(maxPerMailbox / MAILBOX_CONCURRENCY) * serviceTimeInMs);

    // baseline_ms: the same requests from a bare fetch client against a fresh sandbox.
    const replay = captured.filter((r) => r.status !== 429);
    replaySandbox = await startGraphSandbox({ port: 0, organisation, serviceTimeInMs });
    const replayBase = replaySandbox.url;
    const global = weightedSemaphore(BASELINE_IN_FLIGHT);
    const lanes = new Map<string, ReturnType<typeof weightedSemaphore>>();
    const laneOf = (key: string) => { let lane = lanes.get(key); if (!lane) lanes.set(key, (lane = weightedSemaphore(MAILBOX_CONCURRENCY))); return lane; };
    ctx.progress(`calendar.booking: replaying ${replay.length} Graph requests with a bare client`);
    let replayThrottled = 0;
    let replayFailed = 0;
    const replayStartedAt = performance.now();
    await Promise.all(replay.map(async (request) => {
      const { key, weight } = mailboxAndWeight(request);
      await laneOf(key)(weight, () => global(weight, async () => {
        const response = await fetch(replayBase + request.url.slice(sandbox.url.length), { method: request.method, headers: request.headers, body: request.body });
        const text = await response.text();
        if (response.status === 429 || text.includes('"status":429')) replayThrottled += 1;
        else if (response.status >= 400) replayFailed += 1;
      }));
    }));
    const baselineMs = performance.now() - replayStartedAt;
    if (replayThrottled || replayFailed) ctx.progress(`calendar.booking: the replay saw ${replayThrottled} throttled and ${replayFailed} failed answers`);

    const lowerBoundMs = Math.max(throttleBoundMs, baselineMs);
    ctx.emit({
      bench: 'calendar.booking',
      people: participants.length,
      events,
      wall_ms: Math.round(wallMs),
      throttle_bound_ms: Math.round(throttleBoundMs),
      baseline_ms: Math.round(baselineMs),
      lower_bound_ms: Math.round(lowerBoundMs),
      ratio: lowerBoundMs > 0 ? Number((wallMs / lowerBoundMs).toFixed(2)) : null,
      throttled,
      duplicates,
      missing,
      graph_service_time_ms: serviceTimeInMs,
      // Context (not headline figures):
      includes_shareback: false,
      concurrency,
      booked: outcomes.get('booked') ?? 0,
      outcomes: Object.fromEntries(outcomes),
      blocks,
      graph_requests: captured.length,
      graph_requests_logged: log.length,
      max_requests_per_mailbox: maxPerMailbox,
      budget_binds: budgetBinds,
      baseline_requests: replay.length,
      baseline_throttled: replayThrottled,
      baseline_failed: replayFailed,
      baseline_in_flight: BASELINE_IN_FLIGHT,
    });
  } finally {
    await replaySandbox?.close();
    await sandbox.close();
  }
}
