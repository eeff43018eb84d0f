import { Writable } from 'node:stream';
import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { checkSummaries } from '../../src/usecases/sharebackSession';
import { wireApplication } from '../../src/wiring';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { cardOf, cardSubmitActivity, cardText, inputValue, postActivity, type ActivityContext } from '../support/activities';
import { cardSchemaErrors } from '../support/cardSchema';
import { eventually } from '../support/eventually';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';

// Step 5's summaries over real HTTP: drafted from the plan and the journal, a review card two weeks before the
// meeting (their words win, marked ready), and the summaries not ready the day before flagged to the owner, once.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Maya Johnson');
const carlos = byName('Carlos Rivera');
const emily = byName('Emily Chen');
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';

let now = new Date();
let stack: TestStack;
let roundId: string;
let meetingStart: DateTime;
let ports: ReturnType<typeof wireApplication>['ports'];

async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.service.url}/api${path}`, { method, headers: { 'content-type': 'application/json', 'x-dev-user': person.id }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}
const ctx = (person: DemoPerson): ActivityContext => ({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person });
const cardsTo = (person: DemoPerson) => stack.connector.activities.filter((a) => a.conversationId.includes(person.id)).map((a) => a.activity as Record<string, unknown>).filter((a) => Array.isArray(a.attachments)).map(cardOf);

async function approvePlanOf(person: DemoPerson): Promise<void> {
  const round = await call(owner, 'GET', `/rounds/${roundId}`);
  const policyVersion = round.json.round.policy.versions.at(-1).version;
  await call(person, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } });
  const entry = round.json.round.catalogue.find((t: { id: string }) => t.id === 'm365-copilot');
  const saved = await call(person, 'PUT', `/rounds/${roundId}/me/selection`, { selection: {
    frictionPoint: { description: 'Drafting the monthly campaign performance note', frequency: 'monthly', minutesToday: 120 },
    role: 'marketing', tool: { kind: 'catalogue', entry }, kpi: 'Hours per campaign note',
    scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 5, riskSupport: 4 }, supportNamed: 'Maya',
  } });
  await call(person, 'POST', `/rounds/${roundId}/me/submit`, { expectedVersion: saved.json.version, hypothesis: {
    measure: 'Minutes per campaign note', baseline: { value: 120, unit: 'minutes' }, target: { value: 60, unit: 'minutes' },
    howWeWillKnow: 'I time the next two notes and compare with the last two.', preferredTimes: 'mornings', blockMinutes: 60,
  } });
  expect((await call(manager, 'POST', `/rounds/${roundId}/experiments/${person.id}/review`, { kind: 'approve' })).status).toBe(200);
}

beforeAll(async () => {
  stack = await startTestStack('summaries', {
    env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID },
    overrides: { clock: { now: () => now } },
  });
  const body = aNewRoundBody(organisation, { managerScopes: [manager.id] });
  meetingStart = DateTime.fromISO(body.shareback.startsAt as string, { zone: 'utc' });
  roundId = (await call(owner, 'POST', '/rounds', body)).json.id;
  expect((await call(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
  await approvePlanOf(carlos);
  await approvePlanOf(emily);
  const config = loadConfig({ TABLE_PREFIX: stack.tablePrefix, STORAGE_CONNECTION_STRING: testConnectionString(), GRAPH_BASE_URL: stack.sandbox.url, BOT_SERVICE_URL: stack.connector.url, TEAMS_APP_ID });
  // The scheduler's task as any instance runs it, on the same tables and queue as the service.
  ports = wireApplication(config, { logger: createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) }), clock: { now: () => now } }).ports;
}, 60_000);

afterAll(async () => { await stack?.stop(); });

describe('shareback summaries', () => {
  it('drafts each summary from the plan and the journal', async () => {
    now = meetingStart.minus({ days: 13 }).toJSDate();
    const weekStart = DateTime.fromJSDate(now).setZone('America/New_York').startOf('week').toISODate();
    const journal = await call(carlos, 'PUT', `/rounds/${roundId}/me/journals/${weekStart}`, { improved: 'First draft of the note in 25 minutes', broke: 'It mixed up two campaigns', surprised: 'Good at spotting outliers', taught: '', hoursPractised: 2 });
    expect([200, 201]).toContain(journal.status);
    const summary = await call(carlos, 'GET', `/rounds/${roundId}/me/summary`);
    expect(summary.status).toBe(200);
    expect(summary.json.summary).toMatchObject({ tool: 'Microsoft 365 Copilot', hypothesis: 'Minutes per campaign note: 120 minutes → 60 minutes', hoursPractised: 2 });
    expect(summary.json.summary.worked).toContain('First draft of the note in 25 minutes');
    expect(summary.json.summary.failed).toContain('It mixed up two campaigns');
    // A colleague cannot read it; the manager can.
    expect((await call(emily, 'GET', `/rounds/${roundId}/summaries/${carlos.id}`)).status).toBe(403);
    expect((await call(manager, 'GET', `/rounds/${roundId}/summaries/${carlos.id}`)).status).toBe(200);
  });

  it('sends each participant a review card two weeks before, once', async () => {
    await checkSummaries(ports);
    await checkSummaries(ports);
    const card = await eventually(() => {
      const cards = cardsTo(carlos).filter((c) => cardText(c).includes('Your shareback summary'));
      expect(cards).toHaveLength(1);
      return cards[0]!;
    }, { timeoutInMs: 15_000 });
    expect(cardSchemaErrors(card)).toEqual([]);
    expect(inputValue(card, 'worked')).toContain('First draft of the note in 25 minutes');
    await eventually(() => expect(cardsTo(emily).filter((c) => cardText(c).includes('Your shareback summary'))).toHaveLength(1), { timeoutInMs: 15_000 });
  });

  it('keeps the person’s words over the draft and marks it ready; a bad number comes back beside its field, values kept', async () => {
    const bad = await postActivity(stack.service.url, cardSubmitActivity(ctx(carlos), { verb: 'saveSummary', roundId, worked: 'In my words: drafts in half the time', resultValue: 'about half', ready: 'true' }));
    expect(bad.status).toBe(200);
    const badCard = await eventually(() => {
      const found = cardsTo(carlos).filter((c) => cardText(c).includes('Give what you see now as a number'));
      expect(found.length).toBeGreaterThan(0);
      return found.at(-1)!;
    }, { timeoutInMs: 10_000 });
    expect(inputValue(badCard, 'worked')).toBe('In my words: drafts in half the time');
    expect((await call(carlos, 'GET', `/rounds/${roundId}/me/summary`)).json.ready).toBe(false);
    await postActivity(stack.service.url, cardSubmitActivity(ctx(carlos), { verb: 'saveSummary', roundId, worked: 'In my words: drafts in half the time', resultValue: '55', ready: 'true' }));
    await eventually(async () => {
      const mine = (await call(carlos, 'GET', `/rounds/${roundId}/me/summary`)).json;
      expect(mine).toMatchObject({ ready: true, summary: { worked: 'In my words: drafts in half the time', resultValue: 55 } });
      // The draft still holds the journal's words; the summary shown is theirs.
      expect(mine.draft.worked).toContain('First draft of the note in 25 minutes');
    }, { timeoutInMs: 10_000 });
  });

  it('flags the summaries not ready the day before to the owner, once', async () => {
    now = meetingStart.minus({ hours: 20 }).toJSDate();
    await checkSummaries(ports);
    await checkSummaries(ports);
    const flagged = await eventually(() => {
      const cards = cardsTo(owner).filter((c) => cardText(c).includes('Summaries not ready'));
      expect(cards).toHaveLength(1);
      return cards[0]!;
    }, { timeoutInMs: 15_000 });
    expect(cardSchemaErrors(flagged)).toEqual([]);
    expect(cardText(flagged)).toContain('• Emily Chen');
    expect(cardText(flagged)).not.toContain('Carlos Rivera');
  });
});
