import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/logging';
import { createModelCoach } from '../../src/bot/coach/modelCoach';
import type { PlanCoachInput } from '../../src/domain/coach';
import { DEFAULT_TOOL_CATALOGUE } from '../../src/domain/toolCatalogue';
import { createBasicCoach } from '../../src/usecases/basicCoach';
import { startModelSandbox, type RunningModelSandbox } from '../../tools/model-sandbox/server';

const plan: PlanCoachInput = {
  frictionPoint: 'Make my weekly client reports better',
  kpi: 'customer happiness',
  minutesToday: 90,
  scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 4, riskSupport: 2 },
  hoursPerWeek: 2.5,
  weeks: 3,
  supportNamed: false,
  draft: null,
};

let sandbox: RunningModelSandbox;
let lines: string[];

function coach(timeoutInMs = 5_000) {
  lines = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return createModelCoach({
    provider: 'openai-compatible', endpoint: sandbox.baseUrl, model: 'sandbox-model', apiKey: 'test',
    timeoutInMs, backoffInMs: 20, fallback: createBasicCoach(), logger: createLogger('coach-test', { destination: stream }),
  });
}

const coachLines = () => lines.map((line) => JSON.parse(line) as { msg: string; coach?: Record<string, unknown> }).filter((l) => l.msg === 'coach call').map((l) => l.coach!);

beforeAll(async () => {
  sandbox = await startModelSandbox();
});
// teams-ai's OpenAIModel prints every failed call with console.log. The spy goes in before the first coach is
// created, so the routing the coach installs sits in front of it: a call reaching the spy is output let through.
const consoleLog = jest.spyOn(console, 'log').mockImplementation(() => undefined);
afterAll(() => consoleLog.mockRestore());
afterAll(async () => { await sandbox.close(); });
beforeEach(() => sandbox.control.reset());

describe('the model coach (teams-ai OpenAIModel against the model sandbox)', () => {
  it('sharpens a plan with the model: a valid protocol request, the data quoted, one log line without the text', async () => {
    const answer = await coach().sharpenPlan(plan);
    expect(answer.by).toBe('model');
    expect(answer.value.suggestedMeasure).toBe('Minutes to write the weekly client report');
    expect(answer.value.target).toEqual({ value: 50, unit: 'minutes' });
    const [request] = sandbox.control.requests();
    expect(request).toMatchObject({ valid: true, feature: 'sharpenPlan', outcome: 'answered' });
    expect(request?.body?.messages[0]?.role).toBe('system');
    expect(request?.body?.response_format).toEqual({ type: 'json_object' });
    expect(request?.body?.max_tokens).toBe(600); // from src/prompts/sharpenPlan/config.json
    const user = request?.body?.messages.at(-1);
    expect(user?.role).toBe('user');
    expect(String(user?.content)).toContain('```json\n{\n  "frictionPoint": "Make my weekly client reports better"');
    const [log] = coachLines();
    expect(log).toMatchObject({ feature: 'sharpenPlan', outcome: 'model', attempts: 1 });
    expect(log?.tokensIn).toBeGreaterThan(100);
    expect(log?.tokensOut).toBeGreaterThan(10);
    expect(typeof log?.latencyMs).toBe('number');
    expect(lines.join('\n')).not.toContain('client reports');
  });

  it('drops a suggested tool that is not in the catalogue', async () => {
    const answer = await coach().suggestTools({ frictionPoint: 'call notes', role: 'sales', catalogue: DEFAULT_TOOL_CATALOGUE });
    expect(answer.by).toBe('model');
    expect(answer.value.suggestions.map((s) => s.toolId)).toEqual(['otter', 'fireflies', 'teams-premium-recap']);
  });

  it('asks once more after malformed JSON and uses the second answer', async () => {
    sandbox.control.injectFaults({ kind: 'malformed_json', times: 1 });
    const answer = await coach().sharpenPlan(plan);
    expect(answer.by).toBe('model');
    expect(coachLines()[0]).toMatchObject({ outcome: 'model', attempts: 2 });
  });

  it.each([
    ['malformed_json', /could not be used/],
    ['wrong_shape', /could not be used/],
  ] as const)('falls back to the basic coach after %s twice, with a note', async (kind, note) => {
    sandbox.control.injectFaults({ kind, times: 2 });
    const answer = await coach().sharpenPlan(plan);
    expect(answer.by).toBe('basic');
    expect(answer.note).toMatch(note);
    expect(answer.value.baseline).toEqual({ value: 90, unit: 'minutes' }); // the rules' answer
    expect(coachLines()[0]).toMatchObject({ outcome: 'invalid_answer', attempts: 2 });
  });

  it('backs off after a 429 and answers from the model when the retry succeeds', async () => {
    sandbox.control.injectFaults({ kind: 'rate_limit', times: 1, retryAfterSeconds: 0 });
    const answer = await coach().askLibrary({ question: 'call notes', sources: [] });
    expect(answer).toMatchObject({ by: 'model', value: { answer: 'No shared source answers that yet.' } });
    expect(sandbox.control.requests().map((r) => r.outcome)).toEqual(['rate_limit', 'answered']);
  });

  it.each([
    ['rate_limit', /busy/, 'rate_limited'],
    ['server_error', /not answering/, 'server_error'],
  ] as const)('falls back after %s twice (one back-off), with a note', async (kind, note, outcome) => {
    sandbox.control.injectFaults({ kind, times: 2, retryAfterSeconds: 0 });
    const answer = await coach().askLibrary({ question: 'call notes', sources: [] });
    expect(answer.by).toBe('basic');
    expect(answer.note).toMatch(note);
    expect(answer.value.answer).toMatch(/^Nothing shared in this round matches/); // the rules' answer
    expect(coachLines()[0]).toMatchObject({ outcome, attempts: 2 });
  });

  it('routes teams-ai’s console output during a call into the coach’s log, with the text withheld', async () => {
    consoleLog.mockClear();
    sandbox.control.injectFaults({ kind: 'server_error', times: 2 });
    expect((await coach().sharpenPlan(plan)).by).toBe('basic');
    expect(consoleLog).not.toHaveBeenCalled();
    const routed = lines.map((line) => JSON.parse(line) as { msg: string; teamsAi?: unknown }).filter((l) => l.msg === 'teams-ai console output (text withheld)');
    expect(routed).toHaveLength(2); // one per failed attempt
    expect(routed[0]!.teamsAi).toEqual({ feature: 'sharpenPlan', console: 'log', parts: [{ error: 'InternalServerError', status: 500 }] });
    expect(lines.join('\n')).not.toContain('The server had an error'); // the sandbox's error text
  });

  it('falls back at once when the model does not answer in time', async () => {
    sandbox.control.injectFaults({ kind: 'timeout', times: 1 });
    const started = Date.now();
    const answer = await coach(300).askLibrary({ question: 'call notes', sources: [] });
    expect(answer.by).toBe('basic');
    expect(answer.note).toMatch(/too long/);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(coachLines()[0]).toMatchObject({ outcome: 'timeout', attempts: 1 });
  });

  it('cites only offered sources and journal weeks that exist', async () => {
    const sources = [{ id: 'a1', kind: 'asset' as const, title: 'Call notes prompt', tool: 'Otter.ai', text: 'Summarise the call', url: null }];
    const library = await coach().askLibrary({ question: 'call notes?', sources });
    expect(library.value.sourceIds).toEqual(['a1']);
    const draft = await coach().draftSummary({
      tool: 'Otter.ai', task: 'call notes', useCase: 'Sales', hypothesis: null, assets: [],
      journals: [{ weekStart: '2026-03-02', improved: 'notes in ten minutes', broke: '', surprised: '', taught: '', hoursPractised: 2 }],
    });
    expect(draft.by).toBe('model');
    expect(draft.value.weeksCited).toEqual(['2026-03-02']);
    expect(draft.value.worked).toBe('From my journal: notes in ten minutes');
  });

  it('refuses a request outside the protocol (the sandbox validates)', async () => {
    const response = await fetch(`${sandbox.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'robot', content: 'x' }], temprature: 1 }) });
    expect(response.status).toBe(400);
    expect(sandbox.control.requests()[0]).toMatchObject({ valid: false, outcome: 'invalid_request' });
  });
});
