/**
 * The demo seed: one round of the demo organisation (tools/demo-org) lived up to its third week, so the first
 * `npm start` shows every view with something real in it. It acts as the people do — over the REST API, signed
 * in as each demo user (AUTH_MODE=dev) — so every change goes through the same use cases as a person's, and
 * it moves the app's time with the demo clock (POST /api/dev/clock) instead of writing dates into tables:
 * the round is created a few days before its window, plans are approved and booked, then the clock moves to
 * each Friday for the journals and on to Wednesday of week 3. The scheduler runs at each move, so practice
 * starts, prompts go out and summaries are drafted by the app itself.
 *
 * Idempotent: a round of this name owned by the seed's owner means the seed already ran (nothing is done).
 * `npx tsx tools/demo-seed.ts [service url]` runs it against a running service; `tools/dev.ts` calls it.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { loadDemoOrganisation, type DemoOrganisation, type DemoPerson } from './demo-org';

export const DEMO_ROUND_NAME = 'Spring practice round';

/** Who the seed puts where (by display name in tools/demo-org/organisation.json). */
export const DEMO_CAST = {
  owner: 'Priya Raman',
  managers: ['Daniel Hughes', 'Arjun Mehta'],
  /** Practising: journals in weeks 1 and 2, a missed block, a shared asset, summary marked ready. */
  practisingReady: ['Sofia Marin', 'Neha Sharma'],
  /** Practising: a journal in week 1 only, summary drafted but not ready. */
  practisingNotReady: ['Oliver Bennett', 'Rohan Iyer'],
  /** Plan sent in week 3, waiting for the manager's review. */
  waitingForReview: ['Jordan Brooks', 'Ananya Das'],
  /** Invited, has not started. */
  notStarted: ['Ben Carter'],
} as const;

export interface SeedDemoRoundOptions {
  /** The service's base URL, e.g. http://127.0.0.1:3978. */
  readonly serviceUrl: string;
  readonly organisation?: DemoOrganisation;
  readonly log?: (line: string) => void;
  /** How long to wait for the app's own background work (booking, practice start, drafts). */
  readonly waitInMs?: number;
}

export interface SeedResult {
  readonly roundId: string;
  /** False when the round was already there (a second `npm start` on the kept data). */
  readonly created: boolean;
  readonly windowStart: string;
  readonly sharebackAt: string;
  /** The app's time when the seed finished. */
  readonly now: string;
}

// What the seed reads back from the API: only the fields it uses, checked (the API is an edge like any other).
const clockAnswer = z.object({ now: z.string() });
const roundListAnswer = z.object({ value: z.array(z.object({ roundId: z.string(), name: z.string() })) });
const roundAnswer = z.object({
  round: z.object({
    id: z.string(), window: z.object({ start: z.string() }), shareback: z.object({ startsAt: z.string() }),
    policy: z.object({ versions: z.array(z.object({ version: z.number() })).min(1) }),
    catalogue: z.array(z.object({ id: z.string() }).passthrough()),
  }),
  people: z.array(z.object({ userId: z.string(), practiceTime: z.object({ status: z.string() }).nullable() })),
});
const createdAnswer = z.object({ id: z.string() });
const versionedAnswer = z.object({ version: z.number() });
const assetAnswer = z.object({ id: z.string(), version: z.number() });
const meAnswer = z.object({
  experiment: z.object({ state: z.string(), version: z.number() }).nullable(),
  practiceTime: z.object({ blocks: z.array(z.object({ week: z.number(), index: z.number() })) }).nullable(),
});
const anyAnswer = z.unknown();

export async function seedDemoRound(options: SeedDemoRoundOptions): Promise<SeedResult> {
  const organisation = options.organisation ?? loadDemoOrganisation();
  const log = options.log ?? (() => undefined);
  const waitInMs = options.waitInMs ?? 60_000;
  const person = (name: string): DemoPerson => {
    const found = organisation.people.find((p) => p.displayName === name);
    if (!found) throw new Error(`The demo organisation has no ${name} (tools/demo-seed.ts names its cast by display name).`);
    return found;
  };
  const owner = person(DEMO_CAST.owner);
  const managerOf = (someone: DemoPerson) => organisation.people.find((p) => p.id === someone.managerId)!;

  async function call(as: DemoPerson, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${options.serviceUrl}/api${path}`, {
      method, headers: { 'content-type': 'application/json', 'x-dev-user': as.id }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }
  /** A step that must succeed (2xx) and answer in the expected shape; anything else stops the seed with what the API said. */
  async function must<T>(as: DemoPerson, method: string, path: string, body: unknown, answer: z.ZodType<T>): Promise<T> {
    const { status, json } = await call(as, method, path, body);
    if (status < 200 || status > 299) throw new Error(`Demo seed: ${as.displayName} ${method} /api${path} answered ${status}: ${JSON.stringify(json)}`);
    const parsed = answer.safeParse(json);
    if (!parsed.success) throw new Error(`Demo seed: ${method} /api${path} answered in an unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  }
  const appTime = async () => (await must(owner, 'GET', '/dev/clock', undefined, clockAnswer)).now;
  async function until<T>(what: string, check: () => Promise<T | null | undefined | false>): Promise<T> {
    const deadline = Date.now() + waitInMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`Demo seed: gave up waiting for ${what} after ${waitInMs / 1000} s.`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const moveClockTo = async (at: DateTime) => {
    if (at > DateTime.fromISO(await appTime())) await must(owner, 'POST', '/dev/clock', { to: at.toUTC().toISO() }, anyAnswer);
  };

  const existing = (await must(owner, 'GET', '/rounds', undefined, roundListAnswer)).value.find((r) => r.name === DEMO_ROUND_NAME);
  if (existing) {
    const { round } = await must(owner, 'GET', `/rounds/${existing.roundId}`, undefined, roundAnswer);
    log(`The demo round "${DEMO_ROUND_NAME}" is already there; nothing seeded.`);
    return { roundId: round.id, created: false, windowStart: round.window.start, sharebackAt: round.shareback.startsAt, now: await appTime() };
  }

  // The window opens next Monday (London) and runs three weeks; the shareback is Tuesday of the week after.
  const appNow = DateTime.fromISO(await appTime(), { zone: 'Europe/London' });
  const windowStart = appNow.plus({ weeks: 1 }).startOf('week');
  const sharebackAt = windowStart.plus({ weeks: 3, days: 1 }).set({ hour: 15 });
  const managers = DEMO_CAST.managers.map(person);
  const created = await must(owner, 'POST', '/rounds', {
    name: DEMO_ROUND_NAME,
    managerScopes: managers.map((m) => m.id),
    window: { start: windowStart.toISODate(), weeks: 3 },
    hoursPerWeek: 2,
    shareback: { startsAt: sharebackAt.toUTC().toISO(), durationMinutes: 60, timeZone: 'Europe/London' },
    policyText: 'Keep customer personal data, client confidential material and credentials out of AI tools unless the tool is approved for it. Check what the tool gives you before you use it, and say when a draft came from a tool.',
  }, createdAnswer);
  const roundId: string = created.id;
  log(`Demo round ${roundId}: window ${windowStart.toISODate()} for 3 weeks, shareback ${sharebackAt.toISO()}.`);
  await must(owner, 'POST', `/rounds/${roundId}/open`, undefined, anyAnswer);
  const { round } = await must(owner, 'GET', `/rounds/${roundId}`, undefined, roundAnswer);
  const policyVersion = round.policy.versions.at(-1)!.version;
  const entryOf = (toolId: string) => round.catalogue.find((t) => t.id === toolId);

  const plans: Record<string, { toolId: string; friction: string; kpi: string; measure: string; baseline: number; target: number; unit: string }> = {
    'Sofia Marin': { toolId: 'm365-copilot', friction: 'Writing follow-up emails after discovery calls', kpi: 'Minutes per follow-up email', measure: 'Minutes to write one follow-up', baseline: 30, target: 10, unit: 'minutes' },
    'Oliver Bennett': { toolId: 'chatgpt-enterprise', friction: 'Researching a prospect before the first call', kpi: 'Minutes of research per prospect', measure: 'Minutes of research per prospect', baseline: 40, target: 15, unit: 'minutes' },
    'Jordan Brooks': { toolId: 'm365-copilot', friction: 'Turning call notes into CRM updates', kpi: 'Minutes per CRM update', measure: 'Minutes per CRM update', baseline: 20, target: 8, unit: 'minutes' },
    'Neha Sharma': { toolId: 'github-copilot', friction: 'Writing unit tests for legacy services', kpi: 'Tests written per hour', measure: 'Tests written per hour', baseline: 3, target: 8, unit: 'tests' },
    'Rohan Iyer': { toolId: 'cursor', friction: 'Understanding unfamiliar code before a change', kpi: 'Minutes to a first correct change', measure: 'Minutes to a first correct change', baseline: 90, target: 45, unit: 'minutes' },
    'Ananya Das': { toolId: 'claude', friction: 'Writing design notes for small changes', kpi: 'Minutes per design note', measure: 'Minutes per design note', baseline: 60, target: 25, unit: 'minutes' },
  };

  async function choose(name: string): Promise<number> {
    const who = person(name);
    const plan = plans[name]!;
    await must(who, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: plan.toolId } }, anyAnswer);
    const saved = await must(who, 'PUT', `/rounds/${roundId}/me/selection`, { selection: {
      frictionPoint: { description: plan.friction, frequency: 'daily', minutesToday: plan.baseline },
      role: who.role, tool: { kind: 'catalogue', entry: entryOf(plan.toolId) }, kpi: plan.kpi,
      scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 5, riskSupport: 4 }, supportNamed: managerOf(who).givenName,
    } }, versionedAnswer);
    return saved.version;
  }
  async function submit(name: string, version: number): Promise<void> {
    const plan = plans[name]!;
    await must(person(name), 'POST', `/rounds/${roundId}/me/submit`, { expectedVersion: version, hypothesis: {
      measure: plan.measure, baseline: { value: plan.baseline, unit: plan.unit }, target: { value: plan.target, unit: plan.unit },
      howWeWillKnow: 'I will time the same task in the last week and compare it with this week.', preferredTimes: 'mornings', blockMinutes: 60,
    } }, anyAnswer);
  }
  const me = (name: string) => must(person(name), 'GET', `/rounds/${roundId}/me`, undefined, meAnswer);
  const review = (name: string, action: Record<string, unknown>) => must(managerOf(person(name)), 'POST', `/rounds/${roundId}/experiments/${person(name).id}/review`, action, anyAnswer);

  // Before the window: four plans approved (and booked), one sent back for changes, one only chosen.
  const practising = [...DEMO_CAST.practisingReady, ...DEMO_CAST.practisingNotReady];
  for (const name of practising) {
    await submit(name, await choose(name));
    await review(name, { kind: 'approve' });
  }
  await submit('Ananya Das', await choose('Ananya Das'));
  await review('Ananya Das', { kind: 'requestChanges', comment: 'Pick one kind of design note to time, so the before and after compare like with like.' });
  const jordanVersion = await choose('Jordan Brooks');
  await until('the practice blocks to be booked', async () => {
    const { people } = await must(owner, 'GET', `/rounds/${roundId}`, undefined, roundAnswer);
    return practising.every((name) => people.find((p) => p.userId === person(name).id)?.practiceTime?.status === 'booked');
  });

  // Week 1 opens: the hourly practice start moves the approved plans to practising.
  await moveClockTo(windowStart.set({ hour: 8 }));
  await until('practice to start', async () => {
    for (const name of practising) if ((await me(name)).experiment?.state !== 'practising') return false;
    return true;
  });

  const blocksOf = async (name: string, week: number) => ((await me(name)).practiceTime?.blocks ?? []).filter((b) => b.week === week);
  const journal = (name: string, week: DateTime, entry: Record<string, unknown>) => must(person(name), 'PUT', `/rounds/${roundId}/me/journals/${week.toISODate()}`, entry, anyAnswer);
  const asset = (name: string, input: Record<string, unknown>) => must(person(name), 'POST', `/rounds/${roundId}/me/assets`, { submissionId: randomUUID(), ...input }, assetAnswer);

  // Friday of week 1, after the blocks: the weekly prompt goes out; four people write, two keep a prompt.
  await moveClockTo(windowStart.plus({ days: 4 }).set({ hour: 18 }));
  const [sofiaMissed] = await blocksOf('Sofia Marin', 1);
  await journal('Sofia Marin', windowStart, {
    improved: 'First drafts of follow-ups in about 12 minutes instead of 30.', broke: 'It invented a discount we never offered; I now paste the call notes in first.',
    surprised: 'It picks up the customer’s own words well.', taught: '', hoursPractised: 1,
    ...(sofiaMissed ? { missedBlockRefs: [`${sofiaMissed.week}:${sofiaMissed.index}`], missedReason: 'A customer call ran over.' } : {}),
  });
  await journal('Neha Sharma', windowStart, { improved: 'Test scaffolding for the billing service in minutes.', broke: 'Mocks for the queue client were wrong twice.', surprised: 'Good at edge cases once asked for them.', taught: '', hoursPractised: 2 });
  await journal('Oliver Bennett', windowStart, { improved: 'A prospect brief in 20 minutes.', broke: '', surprised: 'It needed the company’s own site to be accurate.', taught: '', hoursPractised: 2 });
  await journal('Rohan Iyer', windowStart, { improved: 'Found the right module faster.', broke: 'Suggested a refactor far bigger than the change.', surprised: '', taught: '', hoursPractised: 1.5 });
  const sofiaPrompt = await asset('Sofia Marin', { kind: 'prompt', title: 'Follow-up email from call notes', content: 'Using the call notes below, write a short follow-up email: thank them, restate the two problems they named in their words, propose one next step with a date. No prices.', goodFor: 'Follow-ups after discovery calls' });
  await must(person('Sofia Marin'), 'PATCH', `/rounds/${roundId}/me/assets/${sofiaPrompt.id}`, { shared: true, expectedVersion: sofiaPrompt.version }, anyAnswer);

  // Friday of week 2: two more entries, a shared context file, a block Rohan could not keep, an asset not shared yet.
  const week2 = windowStart.plus({ weeks: 1 });
  await moveClockTo(week2.plus({ days: 4 }).set({ hour: 18 }));
  await journal('Sofia Marin', week2, { improved: 'Down to 10 minutes per follow-up, five this week.', broke: '', surprised: 'Colleagues asked for the prompt.', taught: 'Showed Oliver the prompt.', hoursPractised: 2 });
  await journal('Neha Sharma', week2, { improved: 'Eight tests in an hour on the invoices module.', broke: 'Generated tests that passed for the wrong reason; now I check each fails first.', surprised: '', taught: '', hoursPractised: 2 });
  const nehaContext = await asset('Neha Sharma', { kind: 'context_file', title: 'Billing service test conventions', content: 'Use the in-memory queue client. Name tests after the behaviour. Each new test must fail before the fix.', goodFor: 'Writing tests for the billing services' });
  await must(person('Neha Sharma'), 'PATCH', `/rounds/${roundId}/me/assets/${nehaContext.id}`, { shared: true, expectedVersion: nehaContext.version }, anyAnswer);
  const [rohanMissed] = await blocksOf('Rohan Iyer', 2);
  if (rohanMissed) await must(person('Rohan Iyer'), 'PUT', `/rounds/${roundId}/me/blocks/${rohanMissed.week}/${rohanMissed.index}`, { kept: false, reason: 'Production incident that morning.' }, anyAnswer);
  await asset('Rohan Iyer', { kind: 'workflow', title: 'Reading an unfamiliar module', content: 'Ask for a map of the module’s entry points first, then the call path of the one function you will change.', goodFor: 'First changes in code you do not know' });

  // Wednesday of week 3: drafts exist (from 14 days before the shareback); two mark theirs ready; two plans wait for review.
  await moveClockTo(windowStart.plus({ weeks: 2, days: 2 }).set({ hour: 10 }));
  for (const name of DEMO_CAST.practisingReady) {
    await until(`${name}'s summary draft`, async () => (await call(person(name), 'GET', `/rounds/${roundId}/me/summary`)).status === 200);
    await must(person(name), 'PUT', `/rounds/${roundId}/me/summary`, { ready: true }, anyAnswer);
  }
  await submit('Jordan Brooks', jordanVersion);
  await submit('Ananya Das', (await me('Ananya Das')).experiment!.version);

  const now = await appTime();
  log(`Demo round seeded; the app's time is now ${now} (week 3).`);
  return { roundId, created: true, windowStart: windowStart.toISODate()!, sharebackAt: sharebackAt.toUTC().toISO()!, now };
}

if (require.main === module) {
  const serviceUrl = process.argv[2] ?? 'http://127.0.0.1:3978';
  seedDemoRound({ serviceUrl, log: (line) => console.log(line) }).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
