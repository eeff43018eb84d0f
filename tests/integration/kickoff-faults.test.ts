import { loadDemoOrganisation } from '../../tools/demo-org';
import { cardOf } from '../support/activities';
import { eventually } from '../support/eventually';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';

// A kickoff job carries a group of people; one person's failure must be theirs alone: the reason on their own row,
// everyone else delivered once.
const organisation = loadDemoOrganisation();
const owner = organisation.people.find((p) => p.programmeOwner)!;
const everyoneButCeo = organisation.people.filter((p) => p.managerId);
// Someone outside the UK, so a card in the round's zone (UK) shows the fallback was used.
const noMailbox = everyoneButCeo.find((p) => p.timeZone === 'America/New_York')!;
const installRefused = everyoneButCeo.find((p) => p.timeZone === 'Asia/Kolkata')!;
const throttledPerson = everyoneButCeo.find((p) => p.timeZone === 'Europe/London' && !p.programmeOwner)!;
const TEAMS_APP_ID = '7a2d1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';
const chatOf = (userId: string) => `19:${userId}_${TEAMS_APP_ID}@unq.gbl.spaces`;

let stack: TestStack;
const asOwner = { 'content-type': 'application/json', 'x-dev-user': owner.id };

beforeAll(async () => {
  stack = await startTestStack('kickofffaults', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id, TEAMS_APP_ID, AUTH_MODE: 'dev' } });
}, 30_000);

afterAll(async () => { await stack.stop(); });

async function statusOf(roundId: string) {
  const response = await fetch(`${stack.service.url}/api/rounds/${roundId}`, { headers: asOwner });
  expect(response.status).toBe(200);
  return (await response.json()) as { people: Array<{ userId: string; kickoff: { state: string; reason: string | null } }> };
}

describe('a kickoff batch in which some people fail', () => {
  it('records each person\'s own reason and delivers everyone else exactly once', async () => {
    stack.sandbox.control.reset();
    stack.connector.clear();
    // No Exchange mailbox: the time zone cannot be read, so the card uses the round's zone.
    stack.sandbox.control.injectFaults({ status: 404, count: 50, mailbox: noMailbox.id, pathContains: '/mailboxSettings', code: 'MailboxNotEnabledForRESTAPI' });
    // An admin policy refuses the install for this person.
    stack.sandbox.control.injectFaults({ status: 403, count: 50, mailbox: installRefused.id, method: 'POST', pathContains: '/teamwork/installedApps', code: 'Forbidden' });
    const created = await fetch(`${stack.service.url}/api/rounds`, { method: 'POST', headers: asOwner, body: JSON.stringify(aNewRoundBody(organisation)) });
    expect(created.status).toBe(201);
    const roundId = ((await created.json()) as { id: string }).id;
    // A storm of 429s from the open on: Graph throttles items inside the batches (the reports, the installations,
    // the mailbox settings), and the connector throttles this person's sends.
    stack.sandbox.control.injectFaults({ status: 429, count: 3, retryAfterSeconds: 0, pathContains: '/directReports' });
    stack.sandbox.control.injectFaults({ status: 429, count: 5, retryAfterSeconds: 0, method: 'GET', pathContains: '/teamwork/installedApps' });
    stack.sandbox.control.injectFaults({ status: 429, count: 5, retryAfterSeconds: 0, pathContains: '/mailboxSettings' });
    stack.connector.failNext({ status: 429, count: 3, retryAfterSeconds: 0, conversationId: chatOf(throttledPerson.id) });
    const opened = await fetch(`${stack.service.url}/api/rounds/${roundId}/open`, { method: 'POST', headers: asOwner });
    expect(opened.status).toBe(202);

    const status = await eventually(async () => {
      const s = await statusOf(roundId);
      expect(s.people.filter((p) => p.kickoff.state === 'sent' || p.kickoff.state === 'failed')).toHaveLength(everyoneButCeo.length);
      return s;
    }, { timeoutInMs: 30_000 });

    const byPerson = new Map(status.people.map((p) => [p.userId, p.kickoff]));
    expect(byPerson.get(installRefused.id)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/refused to install the app.*403 Forbidden/) });
    for (const person of everyoneButCeo.filter((p) => p.id !== installRefused.id)) {
      expect({ person: person.displayName, ...byPerson.get(person.id) }).toMatchObject({ person: person.displayName, state: 'sent', reason: null });
    }

    // One card per person who could be reached, none for the refused install, nothing anywhere else.
    const cards = new Map<string, number>();
    for (const sent of stack.connector.activities) cards.set(sent.conversationId, (cards.get(sent.conversationId) ?? 0) + 1);
    expect(Object.fromEntries(cards)).toEqual(Object.fromEntries(everyoneButCeo.filter((p) => p.id !== installRefused.id).map((p) => [chatOf(p.id), 1])));
    expect(stack.connector.requestsTo(chatOf(throttledPerson.id))).toBe(4); // three 429s, then the card

    // The person without a mailbox got the shareback in the round's own zone.
    const card = JSON.stringify(cardOf(stack.connector.activities.find((a) => a.conversationId === chatOf(noMailbox.id))!.activity));
    expect(card).toContain('UK time');
    expect(card).not.toContain('New York time');

    // Graph throttled requests inside the batches and they were sent again; every request matched the contract.
    const graph = stack.sandbox.control.requests();
    expect(graph.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(graph.some((r) => r.path.endsWith('/$batch'))).toBe(true);
    expect(stack.sandbox.control.invalidRequests()).toEqual([]);

    // The owner's overview counts what the batches wrote, from the counters kept in the same transactions.
    const overview = await fetch(`${stack.service.url}/api/rounds/${roundId}/overview`, { headers: asOwner });
    expect(overview.status).toBe(200);
    const counted = (await overview.json()) as { kickoff: Record<string, number>; kickoffFailures: Array<{ userId: string; state: string }> };
    expect(counted.kickoff).toEqual({ queued: 0, sending: 0, sent: everyoneButCeo.length - 1, failed: 1, uncertain: 0 });
    expect(counted.kickoffFailures.map((f) => [f.userId, f.state])).toEqual([[installRefused.id, 'failed']]);
  });
});
