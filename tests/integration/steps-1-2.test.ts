import { QueueClient } from '@azure/storage-queue';
import { bookingQueueName } from '../../src/jobs/handlers';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { cardOf, cardSubmitActivity, cardText, executeActivity, inputValue, invokeCardOf, postActivity, type ActivityContext } from '../support/activities';
import { cardSchemaErrors } from '../support/cardSchema';
import { eventually } from '../support/eventually';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';

// Steps 1–2 for one participant and their manager, over the Bot Framework protocol, against Azurite and the Graph sandbox.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const manager = byName('Daniel Hughes');
const participant = byName('Sofia Marin'); // reports to Daniel
const colleague = byName('Oliver Bennett'); // also reports to Daniel; not a reviewer

let stack: TestStack;
let roundId: string;
const ctx = (person: DemoPerson): ActivityContext => ({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person });

/** Posts a card submit and returns the card the bot answered with in that chat. */
async function submit(person: DemoPerson, value: Record<string, unknown>) {
  const conversationId = `a:${person.id}`;
  const before = stack.connector.activities.filter((a) => a.conversationId === conversationId).length;
  const response = await postActivity(stack.service.url, cardSubmitActivity(ctx(person), value));
  expect(response.status).toBe(200);
  const replies = await stack.connector.waitFor(conversationId, before + 1);
  const card = cardOf(replies.at(-1)!.activity);
  expect(cardSchemaErrors(card)).toEqual([]);
  return card;
}

const validSelection = {
  'frictionPoint.description': 'Writing the weekly pipeline summary for the sales leads / #forecast "v2" 🚀',
  'frictionPoint.frequency': 'weekly',
  'frictionPoint.minutesToday': '90',
  role: 'sales',
  toolId: 'm365-copilot',
  kpi: "Time to publish the pipeline summary ' or 1 eq 1",
  'scores.relevance': '5', 'scores.kpiImpact': '4', 'scores.learningCurve': '4', 'scores.interest': '5', 'scores.riskSupport': '4',
  supportNamed: 'Daniel',
};

const validHypothesis = {
  measure: 'Minutes to write the weekly pipeline summary',
  'baseline.value': '90', 'baseline.unit': 'minutes', 'target.value': '30', 'target.unit': 'minutes',
  howWeWillKnow: 'I will time the next three summaries and compare them with my baseline.',
  preferredTimes: 'mornings', blockMinutes: '60', deadlineConflicts: '',
};

beforeAll(async () => {
  stack = await startTestStack('steps12', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID: '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b' } });
  const headers = { 'content-type': 'application/json', 'x-dev-user': owner.id };
  const created = await fetch(`${stack.service.url}/api/rounds`, { method: 'POST', headers, body: JSON.stringify(aNewRoundBody(organisation, { managerScopes: [manager.id] })) });
  roundId = ((await created.json()) as { id: string }).id;
  await fetch(`${stack.service.url}/api/rounds/${roundId}/open`, { method: 'POST', headers });
  // Let the kickoff messages land first, so each reply below is the newest message in its chat.
  await eventually(async () => {
    const status = (await (await fetch(`${stack.service.url}/api/rounds/${roundId}`, { headers })).json()) as { people: Array<{ kickoff: { state: string } }> };
    expect(status.people.length).toBeGreaterThan(0);
    expect(status.people.every((p) => p.kickoff.state === 'sent')).toBe(true);
  }, { timeoutInMs: 15_000 });
  // The participant and their manager have talked to the bot, so replies and proactive cards land in `a:<id>`.
  for (const person of [participant, manager, colleague]) {
    await postActivity(stack.service.url, { ...cardSubmitActivity(ctx(person), {}), type: 'message', value: undefined, text: 'hi' });
  }
}, 30_000);

afterAll(async () => { await stack.stop(); });

describe('steps 1–2 in chat', () => {
  let selectionVersion: number;

  it('asks for the safe-use policy and the tool terms before anything else', async () => {
    const card = await submit(participant, { verb: 'startExperiment', roundId });
    expect(cardText(card)).toContain('Keep customer personal data');
    expect(JSON.stringify(card)).toContain('acknowledgePolicy');
  });

  it('keeps the choices and names the missing confirmation when a box is left unticked', async () => {
    const card = await submit(participant, { verb: 'acknowledgePolicy', roundId, policyVersion: '1', role: 'sales', toolId: 'm365-copilot', policyAccepted: 'false', toolTermsAccepted: 'true' });
    expect(cardText(card)).toMatch(/Tick the box/);
    expect(inputValue(card, 'toolId')).toBe('m365-copilot');
  });

  it('moves to step 1 once both are confirmed, with the role and tool carried over', async () => {
    const card = await submit(participant, { verb: 'acknowledgePolicy', roundId, policyVersion: '1', role: 'sales', toolId: 'm365-copilot', policyAccepted: 'true', toolTermsAccepted: 'true' });
    expect(JSON.stringify(card)).toContain('saveSelection');
    expect(inputValue(card, 'role')).toBe('sales');
    expect(inputValue(card, 'toolId')).toBe('m365-copilot');
    selectionVersion = Number((JSON.stringify(card).match(/"expectedVersion":"?(\d+)/) ?? [])[1]);
    expect(selectionVersion).toBeGreaterThan(0);
  });

  it('puts an error beside a bad field, keeps every value, and stores nothing', async () => {
    const card = await submit(participant, { verb: 'saveSelection', roundId, expectedVersion: selectionVersion, ...validSelection, 'frictionPoint.description': 'short', 'scores.interest': '9' });
    expect(cardText(card)).toMatch(/10 to 500 characters/);
    expect(inputValue(card, 'kpi')).toBe(validSelection.kpi);
    const mine = await (await fetch(`${stack.service.url}/api/rounds/${roundId}/me`, { headers: { 'x-dev-user': participant.id } })).json();
    expect(mine.experiment.selection).toBeNull();
  });

  it('shows the rubric fit on "Check my fit", then moves to step 2', async () => {
    const checked = await submit(participant, { verb: 'saveSelection', roundId, expectedVersion: selectionVersion, ...validSelection });
    expect(cardText(checked)).toMatch(/fit/i);
    const version = Number((JSON.stringify(checked).match(/"expectedVersion":"?(\d+)/) ?? [])[1]);
    const hypothesis = await submit(participant, { verb: 'continueToPlan', roundId, expectedVersion: version, ...validSelection });
    expect(JSON.stringify(hypothesis)).toContain('submitPlan');
  });

  it('refuses a stale card without storing anything', async () => {
    const card = await submit(participant, { verb: 'saveSelection', roundId, expectedVersion: selectionVersion, ...validSelection, kpi: 'A different KPI from an old card' });
    expect(cardText(card)).toMatch(/out of date|changed/i);
    const mine = await (await fetch(`${stack.service.url}/api/rounds/${roundId}/me`, { headers: { 'x-dev-user': participant.id } })).json();
    expect(mine.experiment.selection.kpi).toBe(validSelection.kpi);
  });

  it('sends the plan to the manager, who gets a review card in their own chat', async () => {
    const mine = await (await fetch(`${stack.service.url}/api/rounds/${roundId}/me`, { headers: { 'x-dev-user': participant.id } })).json();
    const status = await submit(participant, { verb: 'submitPlan', roundId, expectedVersion: mine.experiment.version, ...validHypothesis });
    expect(cardText(status)).toContain(`sent to ${manager.displayName}`);
    const review = await eventually(() => {
      const found = stack.connector.activities.filter((a) => a.conversationId === `a:${manager.id}`).map((a) => cardOf(a.activity)).find((c) => JSON.stringify(c).includes('approvePlan'));
      if (!found) throw new Error('no review card yet');
      return found;
    }, { timeoutInMs: 10_000 });
    expect(cardSchemaErrors(review)).toEqual([]);
    expect(cardText(review)).toContain(validSelection['frictionPoint.description']);
    expect((review.refresh as { userIds: string[] }).userIds).toEqual(expect.arrayContaining([manager.id, participant.id]));
  });

  it('lists the plan in the manager’s review queue on the dashboard API, and nobody else’s', async () => {
    const queue = await (await fetch(`${stack.service.url}/api/reviews`, { headers: { 'x-dev-user': manager.id } })).json();
    expect(queue.value).toEqual([expect.objectContaining({ participantId: participant.id, state: 'submitted', roundId })]);
    const other = await (await fetch(`${stack.service.url}/api/reviews`, { headers: { 'x-dev-user': colleague.id } })).json();
    expect(other.value).toEqual([]);
  });

  it('shows the manager where each direct report stands', async () => {
    const reports = await (await fetch(`${stack.service.url}/api/reports`, { headers: { 'x-dev-user': manager.id } })).json();
    const sofia = reports.value.find((r: { userId: string }) => r.userId === participant.id);
    expect(sofia.experiments).toEqual([expect.objectContaining({ roundId, state: 'submitted' })]);
  });

  it('refuses the same approval over the REST API to someone who is not the manager', async () => {
    const response = await fetch(`${stack.service.url}/api/rounds/${roundId}/experiments/${participant.id}/review`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-dev-user': colleague.id }, body: JSON.stringify({ kind: 'approve' }),
    });
    expect(response.status).toBe(403);
  });

  it('refuses the approval from someone who is not the manager, and changes nothing', async () => {
    const experimentId = `${roundId}--${participant.id}`;
    const mine = await (await fetch(`${stack.service.url}/api/rounds/${roundId}/me`, { headers: { 'x-dev-user': participant.id } })).json();
    const response = await postActivity(stack.service.url, executeActivity(ctx(colleague), 'approvePlan', { experimentId, expectedVersion: mine.experiment.version }));
    const card = await invokeCardOf(response);
    // The refusal says so without showing the colleague the plan it refused them.
    expect(cardText(card)).toMatch(/not yours to see/);
    expect(JSON.stringify(card)).not.toContain(mine.experiment.selection.frictionPoint.description);
    const after = await (await fetch(`${stack.service.url}/api/rounds/${roundId}/me`, { headers: { 'x-dev-user': participant.id } })).json();
    expect(after.experiment.state).toBe('submitted');
  });

  it('approves once, however often the manager clicks, and hands one booking to the calendar worker', async () => {
    const experimentId = `${roundId}--${participant.id}`;
    const mine = await (await fetch(`${stack.service.url}/api/rounds/${roundId}/me`, { headers: { 'x-dev-user': participant.id } })).json();
    const first = await invokeCardOf(await postActivity(stack.service.url, executeActivity(ctx(manager), 'approvePlan', { experimentId, expectedVersion: mine.experiment.version })));
    const second = await invokeCardOf(await postActivity(stack.service.url, executeActivity(ctx(manager), 'approvePlan', { experimentId, expectedVersion: mine.experiment.version })));
    for (const card of [first, second]) {
      expect(cardText(card)).toContain(`Approved by ${manager.displayName}`);
      expect(JSON.stringify(card)).not.toContain('"verb":"approvePlan"');
    }
    const bookings = new QueueClient(testConnectionString(), bookingQueueName(stack.tablePrefix));
    expect((await bookings.getProperties()).approximateMessagesCount).toBe(1);
    // The participant hears about it in their chat.
    await eventually(() => {
      const told = stack.connector.activities.filter((a) => a.conversationId === `a:${participant.id}`).some((a) => cardText(cardOf(a.activity)).includes('Your plan is approved'));
      if (!told) throw new Error('not told yet');
    }, { timeoutInMs: 10_000 });
  });

  it('shows the participant the current state when their client refreshes the card', async () => {
    const card = await invokeCardOf(await postActivity(stack.service.url, executeActivity(ctx(participant), 'refreshReview', { experimentId: `${roundId}--${participant.id}` })));
    expect(cardText(card)).toContain(`Approved by ${manager.displayName}`);
  });
});
