import { DateTime } from 'luxon';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { cardOf, cardSubmitActivity, cardText, inputValue, messageActivity, postActivity, type ActivityContext } from '../support/activities';
import { cardSchemaErrors } from '../support/cardSchema';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/service';

// The programme owner's side: the `new round` card, opening, the policy changing mid-round, the acknowledgement log.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Tom Whitfield');
const manager = byName('Arjun Mehta'); // four reports in Kolkata and London
const participant = byName('Neha Sharma');

let stack: TestStack;
const ctx = (person: DemoPerson): ActivityContext => ({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person });

async function reply(person: DemoPerson, activity: unknown) {
  const conversationId = `a:${person.id}`;
  const before = stack.connector.activities.filter((a) => a.conversationId === conversationId).length;
  expect((await postActivity(stack.service.url, activity)).status).toBe(200);
  const card = cardOf((await stack.connector.waitFor(conversationId, before + 1)).at(-1)!.activity);
  expect(cardSchemaErrors(card)).toEqual([]);
  return card;
}

beforeAll(async () => {
  stack = await startTestStack('owner', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID: '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b' } });
}, 30_000);
afterAll(async () => { await stack.stop(); });

describe('a programme owner in chat', () => {
  let roundId = '';
  const start = DateTime.now().setZone('Europe/London').plus({ weeks: 2 }).startOf('week');
  const form = {
    verb: 'createRound', roundId: 'new-round', name: 'Operations pilot',
    'window.start': start.toISODate()!, 'window.weeks': '2', hoursPerWeek: '2',
    'shareback.date': start.plus({ weeks: 2 }).toISODate()!, 'shareback.time': '15:00', 'shareback.timeZone': 'Europe/London', 'shareback.durationMinutes': '60',
    managerScopes: manager.id,
    policyText: 'Keep client names and personal data out of AI tools unless the tool is approved for them. Check every output before you use it.',
  };

  it('is refused `new round` when they are not a programme owner', async () => {
    const card = await reply(participant, messageActivity(ctx(participant), 'new round'));
    expect(cardText(card)).toMatch(/Only programme owners/);
  });

  it('gets the setup form for `new round`', async () => {
    const card = await reply(owner, messageActivity(ctx(owner), 'new round'));
    expect(JSON.stringify(card)).toContain('createRound');
  });

  it('sees the error beside the field, with every value kept, for a window outside 2–4 weeks', async () => {
    const card = await reply(owner, cardSubmitActivity(ctx(owner), { ...form, 'window.weeks': '6' }));
    expect(cardText(card)).toMatch(/2 to 4 whole weeks/);
    expect(inputValue(card, 'name')).toBe('Operations pilot');
    expect(inputValue(card, 'policyText')).toBe(form.policyText);
  });

  it('creates the round once, however often the form is sent, and offers to open it', async () => {
    const first = await reply(owner, cardSubmitActivity(ctx(owner), form));
    await reply(owner, cardSubmitActivity(ctx(owner), form));
    const rounds = (await (await fetch(`${stack.service.url}/api/rounds`, { headers: { 'x-dev-user': owner.id } })).json()) as { value: Array<{ roundId: string }> };
    expect(rounds.value).toHaveLength(1);
    roundId = rounds.value[0]!.roundId;
    expect(JSON.stringify(first)).toContain('openRound');
  });

  it('opens it from the summary card and sees the kickoff delivery per person', async () => {
    const opened = await reply(owner, cardSubmitActivity(ctx(owner), { verb: 'openRound', roundId }));
    expect(cardText(opened)).toMatch(/Round opened: 4 kickoff messages/);
    await eventually(async () => {
      const refreshed = await reply(owner, cardSubmitActivity(ctx(owner), { verb: 'refreshRoundSummary', roundId }));
      expect(cardText(refreshed)).toMatch(/4/);
      const status = (await (await fetch(`${stack.service.url}/api/rounds/${roundId}`, { headers: { 'x-dev-user': owner.id } })).json()) as { people: Array<{ kickoff: { state: string } }> };
      expect(status.people.map((p) => p.kickoff.state)).toEqual(['sent', 'sent', 'sent', 'sent']);
    }, { timeoutInMs: 15_000 });
  });

  it('asks people to confirm again after a new policy version, and exports who confirmed which version', async () => {
    await reply(participant, cardSubmitActivity(ctx(participant), { verb: 'acknowledgePolicy', roundId, policyVersion: '1', role: 'engineering', toolId: 'github-copilot', policyAccepted: 'true', toolTermsAccepted: 'true' }));
    const published = await fetch(`${stack.service.url}/api/rounds/${roundId}/policy`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-dev-user': owner.id },
      body: JSON.stringify({ text: 'Version two: also keep source code of client projects out of tools not approved for it. Check outputs before use.' }),
    });
    expect(published.status).toBe(200);
    await eventually(() => {
      const asked = stack.connector.activities.filter((a) => a.conversationId.includes(participant.id)).some((a) => cardText(cardOf(a.activity)).includes('confirmed version 1'));
      if (!asked) throw new Error('not asked again yet');
    }, { timeoutInMs: 10_000 });
    const mine = await (await fetch(`${stack.service.url}/api/rounds/${roundId}/me`, { headers: { 'x-dev-user': participant.id } })).json();
    expect(mine.needsAcknowledgement).toBe(true);

    const csv = await fetch(`${stack.service.url}/api/rounds/${roundId}/acknowledgements.csv`, { headers: { 'x-dev-user': owner.id } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('userId,name,policyVersion,toolId,otherTool,acknowledgedAt');
    expect(lines[1]).toContain(`${participant.id},${participant.displayName},1,github-copilot`);
    const stranger = await fetch(`${stack.service.url}/api/rounds/${roundId}/acknowledgements.csv`, { headers: { 'x-dev-user': participant.id } });
    expect(stranger.status).toBe(403);
  });

  it('keeps other people out of a round they are not in', async () => {
    const outsider = byName('Carlos Rivera');
    const response = await fetch(`${stack.service.url}/api/rounds/${roundId}/me`, { headers: { 'x-dev-user': outsider.id } });
    expect(response.status).toBe(403);
    const status = await fetch(`${stack.service.url}/api/rounds/${roundId}`, { headers: { 'x-dev-user': outsider.id } });
    expect(status.status).toBe(403);
  });
});
