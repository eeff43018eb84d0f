/**
 * `coach.turn`: "Help me sharpen this" on the step 1 card → the coached card in chat, through the built service
 * with the model coach pointed at the model sandbox answering after a fixed service time. The figure that
 * matters is the overhead over that service time (target: under 50 ms at p95): redaction, prompt rendering,
 * the HTTP round trip, validation and the card. Also tokens per call for each feature (measured through the
 * same prompt templates on representative inputs) and an estimated cost per 1,000 participants for a round.
 *   BENCH_COACH_TURNS=N (default 200; 30 with BENCH_QUICK=1), BENCH_COACH_SERVICE_MS (default 300)
 *   BENCH_COACH_PRICE_IN_PER_M / BENCH_COACH_PRICE_OUT_PER_M: USD per million tokens (defaults 0.15 / 0.60)
 *   `npx tsx bench/coach.ts` runs it alone (builds first).
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CHAT_PROMPT, createChatPlanner } from '../src/bot/coach/chatPlanner';
import { CallMemory, createModelCoach, detachedTurnContext } from '../src/bot/coach/modelCoach';
import { newCallRecord } from '../src/bot/coach/openAIModel';
import { quoteAsData } from '../src/domain/coach';
import type { CoachFeature } from '../src/domain/coach';
import { DEFAULT_TOOL_CATALOGUE } from '../src/domain/toolCatalogue';
import { createLogger } from '../src/logging';
import { createBasicCoach } from '../src/usecases/basicCoach';
import { startAzurite, type RunningAzurite } from '../tools/azurite';
import { startBotConnector } from '../tools/bot-connector/server';
import { loadDemoOrganisation } from '../tools/demo-org';
import { startGraphSandbox } from '../tools/graph-sandbox/server';
import { startModelSandbox, type RunningModelSandbox } from '../tools/model-sandbox/server';
import { cardSubmitActivity, postActivity, type ActivityContext } from '../tests/support/activities';
import { aNewRoundBody } from '../tests/support/rounds';

export interface CoachBenchContext {
  readonly quick: boolean;
  readonly azurite: RunningAzurite;
  readonly startService: (env: NodeJS.ProcessEnv) => Promise<{ child: ChildProcess; url: string }>;
  emit(result: Record<string, unknown>): void;
  progress(message: string): void;
}

/**
 * How often each feature is used per participant in one round (an assumption, stated with the figure):
 * 3 plan sharpenings, 1 tool suggestion, 2 summary drafts, 4 library questions, 10 free-text messages (natural chat).
 */
type CostedFeature = CoachFeature | 'naturalChat';
export const CALLS_PER_PARTICIPANT: Readonly<Record<CostedFeature, number>> = { sharpenPlan: 3, suggestTools: 1, draftSummary: 2, askLibrary: 4, naturalChat: 10 };

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number((sorted[Math.max(0, index)] ?? Number.NaN).toFixed(2));
}

const stepOne = {
  'frictionPoint.description': 'Writing the weekly client report takes too long every Friday and the numbers are copied by hand',
  'frictionPoint.frequency': 'weekly', 'frictionPoint.minutesToday': '90', role: 'sales', toolId: 'm365-copilot', kpi: 'Minutes per weekly report',
  'scores.relevance': '5', 'scores.kpiImpact': '4', 'scores.learningCurve': '3', 'scores.interest': '4', 'scores.riskSupport': '2', supportNamed: '',
};

/** Tokens per call of each feature, through the service's own prompt templates, on representative inputs. */
async function tokensPerFeature(model: RunningModelSandbox): Promise<Record<CostedFeature, { tokens_in: number; tokens_out: number }>> {
  const coach = createModelCoach({ provider: 'openai-compatible', endpoint: model.baseUrl, model: 'bench', apiKey: 'bench', timeoutInMs: 10_000, fallback: createBasicCoach(), logger: createLogger('bench', { level: 'silent' }) });
  const journal = (week: string) => ({ weekStart: week, hoursPractised: 2.5, improved: 'Copilot drafted the report outline from last week’s numbers in ten minutes; I rewrote the summary paragraph.', broke: 'It mixed up two regions once, so I now paste the table in myself.', surprised: 'The tone suggestions were better than mine for the client update.', taught: 'Keep the prompt short and paste the table last.' });
  const sources = Array.from({ length: 8 }, (_, i) => ({ id: `a${i}`, kind: 'asset' as const, title: `Call notes prompt ${i}`, tool: 'Otter.ai', url: null, text: 'Summarise this sales call into three actions, the decision maker and the next date. '.repeat(6) }));
  const logger = createLogger('bench', { level: 'silent' });
  const chat = createChatPlanner({ provider: 'openai-compatible', endpoint: model.baseUrl, model: 'bench', apiKey: 'bench', timeoutInMs: 10_000, logger });
  // One natural-chat message as the bot sends it: the planner's prompt with the app's actions as tools.
  const naturalChat = async () => {
    const record = newCallRecord();
    const memory = new CallMemory();
    memory.setValue('temp.input', quoteAsData({ message: 'I want to try Copilot on my call notes' }));
    await chat.recording(record, { logger, feature: 'naturalChat' }, () => chat.planner.completePrompt(detachedTurnContext(), memory, CHAT_PROMPT));
    return { usage: { tokensIn: record.tokensIn, tokensOut: record.tokensOut } };
  };
  const calls: Record<CostedFeature, () => Promise<{ usage?: { tokensIn: number; tokensOut: number } }>> = {
    sharpenPlan: () => coach.sharpenPlan({ frictionPoint: stepOne['frictionPoint.description'], kpi: stepOne.kpi, minutesToday: 90, scores: { relevance: 5, kpiImpact: 4, learningCurve: 3, interest: 4, riskSupport: 2 }, hoursPerWeek: 2.5, weeks: 3, supportNamed: false, draft: { measure: 'Minutes per weekly report', baseline: { value: 90, unit: 'minutes' }, target: { value: 45, unit: 'minutes' }, howWeWillKnow: 'I time each report.' } }),
    suggestTools: () => coach.suggestTools({ frictionPoint: 'Summarising my sales call notes into the CRM after each call', role: 'sales', catalogue: DEFAULT_TOOL_CATALOGUE }),
    draftSummary: () => coach.draftSummary({ tool: 'Microsoft 365 Copilot', task: stepOne['frictionPoint.description'], useCase: 'Sales — minutes per report', hypothesis: { measure: 'Minutes per weekly report', baseline: { value: 90, unit: 'minutes' }, target: { value: 45, unit: 'minutes' } }, journals: ['2026-03-02', '2026-03-09', '2026-03-16'].map(journal), assets: [{ title: 'Weekly report prompt', url: null, kind: 'prompt', shared: true }] }),
    askLibrary: () => coach.askLibrary({ question: 'What prompts did people use for call notes?', sources }),
    naturalChat,
  };
  const out = {} as Record<CostedFeature, { tokens_in: number; tokens_out: number }>;
  for (const [feature, run] of Object.entries(calls) as [CostedFeature, () => Promise<{ usage?: { tokensIn: number; tokensOut: number } }>][]) {
    const usage = (await run()).usage ?? { tokensIn: 0, tokensOut: 0 };
    out[feature] = { tokens_in: usage.tokensIn, tokens_out: usage.tokensOut };
  }
  return out;
}

export async function runCoachBench(context: CoachBenchContext): Promise<void> {
  const { quick, azurite, emit, progress } = context;
  const turns = Number(process.env.BENCH_COACH_TURNS ?? (quick ? 30 : 200));
  const serviceTimeInMs = Number(process.env.BENCH_COACH_SERVICE_MS ?? 300);
  const priceIn = Number(process.env.BENCH_COACH_PRICE_IN_PER_M ?? 0.15);
  const priceOut = Number(process.env.BENCH_COACH_PRICE_OUT_PER_M ?? 0.6);
  const organisation = loadDemoOrganisation();
  const owner = organisation.people.find((p) => p.displayName === 'Priya Raman')!;
  const person = organisation.people.find((p) => p.displayName === 'Carlos Rivera')!;
  const graph = await startGraphSandbox({ port: 0 });
  const connector = await startBotConnector();
  const model = await startModelSandbox({ serviceTimeInMs });
  let service: { child: ChildProcess; url: string } | undefined;
  try {
    service = await context.startService({
      PATH: process.env.PATH, STORAGE_CONNECTION_STRING: azurite.connectionString, GRAPH_BASE_URL: graph.url, TABLE_PREFIX: `coach${Date.now().toString(36)}`,
      IN_PROCESS_WORKER: 'false', AUTH_MODE: 'dev', PROGRAMME_OWNER_IDS: owner.id,
      COACH_PROVIDER: 'openai-compatible', COACH_ENDPOINT: model.baseUrl, COACH_MODEL: 'bench', COACH_TIMEOUT_MS: '10000',
    });
    const url = service.url;
    const call = async (who: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}/api${path}`, { method, headers: { 'content-type': 'application/json', 'x-dev-user': who }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!response.ok) throw new Error(`coach bench setup: ${method} ${path} → ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, any>>;
    };
    const created = await call(owner.id, 'POST', '/rounds', aNewRoundBody(organisation, { managerScopes: [], participantIds: [person.id] }));
    const roundId = String(created.id);
    await call(owner.id, 'POST', `/rounds/${roundId}/open`);
    await call(person.id, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } });
    const version = Number((await call(person.id, 'GET', `/rounds/${roundId}/me`)).experiment.version);

    const activityContext: ActivityContext = { serviceUrl: connector.url, tenantId: organisation.tenantId, person };
    const conversationId = `a:${person.id}`;
    const coachedCards = () => connector.activities.filter((a) => a.conversationId === conversationId && JSON.stringify(a.activity).includes('Sharpen your plan')).length;
    progress(`coach.turn: ${turns} "Help me sharpen this" turns, model service time ${serviceTimeInMs} ms`);
    const samples: number[] = [];
    for (let i = 0; i < turns + 5; i++) {
      const before = coachedCards();
      const startedAt = performance.now();
      const response = await postActivity(url, cardSubmitActivity(activityContext, { verb: 'coachPlan', step: 'selection', roundId, expectedVersion: version, ...stepOne }));
      if (response.status !== 200) throw new Error(`coach.turn: /api/messages answered ${response.status}`);
      for (;;) {
        if (coachedCards() > before) break;
        if (performance.now() - startedAt > 15_000) throw new Error('coach.turn: no coached card within 15 s');
        await new Promise((r) => setTimeout(r, 1));
      }
      if (i >= 5) samples.push(performance.now() - startedAt); // the first 5 warm up connections and prompt loading
    }
    const answered = model.control.requests().filter((r) => r.outcome === 'answered' && r.feature === 'sharpenPlan');
    if (answered.length < turns) throw new Error(`coach.turn: the model answered ${answered.length} of ${turns} turns (fallbacks would hide its cost)`);
    const sorted = [...samples].sort((a, b) => a - b);
    const overhead = sorted.map((ms) => ms - serviceTimeInMs);
    model.control.setServiceTime(0);
    const perFeature = await tokensPerFeature(model);
    const sharpen = perFeature.sharpenPlan;
    emit({ bench: 'coach.turn', n: sorted.length, p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95), model_service_ms: serviceTimeInMs, overhead_p95_ms: percentile(overhead, 95), tokens_in: sharpen.tokens_in, tokens_out: sharpen.tokens_out });
    const perParticipant = (Object.keys(CALLS_PER_PARTICIPANT) as CostedFeature[]).reduce((sum, f) => ({
      tokens_in: sum.tokens_in + perFeature[f].tokens_in * CALLS_PER_PARTICIPANT[f], tokens_out: sum.tokens_out + perFeature[f].tokens_out * CALLS_PER_PARTICIPANT[f],
    }), { tokens_in: 0, tokens_out: 0 });
    const usd = (perParticipant.tokens_in * 1000 * priceIn + perParticipant.tokens_out * 1000 * priceOut) / 1_000_000;
    emit({
      bench: 'coach.cost',
      tokens_per_call: perFeature,
      calls_per_participant: CALLS_PER_PARTICIPANT,
      tokens_per_1000_participants: { tokens_in: perParticipant.tokens_in * 1000, tokens_out: perParticipant.tokens_out * 1000 },
      usd_per_1000_participants: Number(usd.toFixed(2)),
      price_assumption: `USD ${priceIn} per 1M input and ${priceOut} per 1M output tokens (gpt-4o-mini list price); tokens counted by the sandbox as characters/4`,
    });
  } finally {
    service?.child.kill('SIGTERM');
    await model.close();
    await connector.close();
    await graph.close();
  }
}

if (require.main === module) {
  const ROOT = join(__dirname, '..');
  void (async () => {
    process.stderr.write('[bench] building (npm run build)\n');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const { spawn } = await import('node:child_process');
    const { freePort } = await import('../tools/free-port');
    const azurite = await startAzurite();
    const startService = async (env: NodeJS.ProcessEnv) => {
      const port = await freePort();
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'server.js')], { env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
      const url = `http://127.0.0.1:${port}`;
      for (;;) {
        try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not listening yet */ }
        await new Promise((r) => setTimeout(r, 20));
      }
      return { child, url };
    };
    try {
      await runCoachBench({ quick: process.env.BENCH_QUICK === '1', azurite, startService, emit: (r) => process.stdout.write(`${JSON.stringify(r)}\n`), progress: (m) => process.stderr.write(`[bench] ${m}\n`) });
    } finally {
      await azurite.stop();
    }
  })().catch((error: unknown) => { console.error(error); process.exit(1); });
}
