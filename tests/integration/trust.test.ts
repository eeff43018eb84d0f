import { DateTime } from 'luxon';
import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableRoundMemberRepo } from '../../src/adapters/tables/roundRepo';
import { parseRoundId } from '../../src/domain/roundIds';
import { parseUserId } from '../../src/domain/ids';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { cardSubmitActivity, cardText, executeActivity, invokeCardOf, postActivity, type ActivityContext } from '../support/activities';
import { eventually } from '../support/eventually';
import { approvePlanOf as approvePlanThroughApi, sharebackChatIdOf } from '../support/loop';
import { aNewRoundBody } from '../support/rounds';
import { apiAs } from '../support/api';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';
import { settledTableSnapshot, snapshotChanges, tableSnapshot } from '../support/tableSnapshot';

// Trust, tried the way a hostile or careless user would: other people's plans through the bot, another round's
// meeting, bodies of the wrong shape, refused commands that must change nothing, and a kickoff to resend.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const otherOwner = byName('Tom Whitfield'); // owns round B only
const manager = byName('Maya Johnson');
const carlos = byName('Carlos Rivera');
const emily = byName('Emily Chen');
const otherManager = byName('Daniel Hughes');
const sofia = byName('Sofia Marin'); // a participant of round B
const stranger = byName('Neha Sharma');
const admin = byName('Amara Okafor'); // an app admin: everything an owner can do, in every round
const TEAMS_APP_ID = '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b';
const GHOST = '0f0f0f0f-1111-4222-8333-444455556666';
const FRICTION = 'Rewriting campaign briefs for every regional team by hand';

let now = new Date();
let stack: TestStack;
let roundA: string;
let roundB: string;
let chatA: string;
let sharebackStart: DateTime;

const call = apiAs(() => stack.service.url);

const ctx = (person: DemoPerson): ActivityContext => ({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person });
const experimentOf = async (person: DemoPerson, roundId = roundA) => (await call(owner, 'GET', `/rounds/${roundId}/experiments/${person.id}`)).json;

beforeAll(async () => {
  stack = await startTestStack('trust', {
    env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: `${owner.id},${otherOwner.id}`, ADMIN_USER_IDS: admin.id, TEAMS_APP_ID },
    overrides: { clock: { now: () => now } },
  });
  const bodyA = aNewRoundBody(organisation, { managerScopes: [manager.id] });
  sharebackStart = DateTime.fromISO(bodyA.shareback.startsAt as string, { zone: 'utc' });
  roundA = (await call(owner, 'POST', '/rounds', bodyA)).json.id;
  expect((await call(owner, 'POST', `/rounds/${roundA}/open`)).status).toBe(202);
  roundB = (await call(otherOwner, 'POST', '/rounds', aNewRoundBody(organisation, { managerScopes: [otherManager.id] }))).json.id;
  expect((await call(otherOwner, 'POST', `/rounds/${roundB}/open`)).status).toBe(202);
  await approvePlanThroughApi(call as never, carlos, { roundId: roundA, owner, manager });
  // Emily's plan waits for review: the review card carries it.
  const round = await call(owner, 'GET', `/rounds/${roundA}`);
  const entry = round.json.round.catalogue.find((t: { id: string }) => t.id === 'm365-copilot');
  expect((await call(emily, 'POST', `/rounds/${roundA}/me/acknowledgement`, { policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } })).status).toBe(200);
  const saved = await call(emily, 'PUT', `/rounds/${roundA}/me/selection`, { selection: {
    frictionPoint: { description: FRICTION, frequency: 'weekly', minutesToday: 90 }, role: 'marketing', tool: { kind: 'catalogue', entry }, kpi: 'Hours per brief',
    scores: { relevance: 5, kpiImpact: 4, learningCurve: 3, interest: 5, riskSupport: 4 }, supportNamed: 'Maya',
  } });
  expect(saved.status).toBe(200);
  expect((await call(emily, 'POST', `/rounds/${roundA}/me/submit`, { expectedVersion: saved.json.version, hypothesis: {
    measure: 'Hours to adapt one brief', baseline: { value: 3, unit: 'hours' }, target: { value: 1, unit: 'hours' },
    howWeWillKnow: 'I will log the time for each brief.', preferredTimes: 'mornings', blockMinutes: 60,
  } })).status).toBe(200);
  chatA = await sharebackChatIdOf(stack, owner);
}, 120_000);

afterAll(async () => { await stack?.stop(); });

describe('plans through the bot (finding 1)', () => {
  const experimentId = () => `${roundA}--${emily.id}`;
  for (const [who, person] of [['a stranger', stranger], ['a colleague in the same round', carlos], ['a participant of another round', sofia], ['the owner of another round', otherOwner]] as const) {
    it(`shows ${who} neither the plan on a refresh nor on a refused approval, and changes nothing`, async () => {
      const before = await experimentOf(emily);
      for (const activity of [
        executeActivity(ctx(person), 'refreshReview', { experimentId: experimentId() }),
        executeActivity(ctx(person), 'approvePlan', { experimentId: experimentId(), expectedVersion: before.experiment.version }),
        executeActivity(ctx(person), 'requestChanges', { experimentId: experimentId(), expectedVersion: before.experiment.version, comment: 'No' }),
      ]) {
        const card = await invokeCardOf(await postActivity(stack.service.url, activity));
        const text = JSON.stringify(card);
        expect(text).not.toContain(FRICTION);
        expect(text).not.toContain('Hours per brief');
        expect(cardText(card)).toMatch(/not yours to see/);
      }
      expect((await experimentOf(emily)).experiment.version).toBe(before.experiment.version);
    });
  }

  it('still shows the plan to its reviewer, the participant and the owner', async () => {
    for (const person of [manager, emily, owner]) {
      const card = await invokeCardOf(await postActivity(stack.service.url, executeActivity(ctx(person), 'refreshReview', { experimentId: experimentId() })));
      expect(JSON.stringify(card)).toContain(FRICTION);
    }
  });

  it('shows an outsider no undecided card for someone in the round', async () => {
    const card = await invokeCardOf(await postActivity(stack.service.url, executeActivity(ctx(stranger), 'refreshUndecided', { roundId: roundA, participantId: carlos.id })));
    expect(cardText(card)).toMatch(/for the round’s owners/);
    expect(JSON.stringify(card)).not.toContain(carlos.displayName);
  });
});

describe('meeting links (finding 2)', () => {
  it('refuses the owner of another round re-linking a booked meeting, which keeps working for its own round', async () => {
    const hijack = await call(otherOwner, 'POST', `/meetings/${encodeURIComponent(chatA)}/link`, { roundId: roundB });
    expect(hijack.status).toBe(403);
    expect(hijack.json.error).toMatch(/another round’s shareback/);
    const session = await call(carlos, 'GET', `/meetings/${encodeURIComponent(chatA)}/session`);
    expect(session.status).toBe(200);
    expect(session.json.roundId).toBe(roundA);
    expect((await call(otherOwner, 'POST', `/meetings/${encodeURIComponent(chatA)}/advance`, { step: 1 })).status).toBe(403);
    expect((await call(otherOwner, 'PUT', `/meetings/${encodeURIComponent(chatA)}/order`, { grouping: 'tool' })).status).toBe(403);
  });

  it('lets an owner of both rounds move the link, and any owner link a chat nobody linked', async () => {
    const fresh = '19:meeting_unlinkedtrust@thread.v2';
    expect((await call(otherOwner, 'POST', `/meetings/${encodeURIComponent(fresh)}/link`, { roundId: roundB })).status).toBe(200);
    expect((await call(owner, 'POST', `/meetings/${encodeURIComponent(fresh)}/link`, { roundId: roundA })).status).toBe(403);
    expect((await call(owner, 'POST', `/meetings/${encodeURIComponent(chatA)}/link`, { roundId: roundA })).status).toBe(200);
  });

  it('lets each role do what the policy gives it in the meeting: invited manager and participant watch, owner and admin run it', async () => {
    const path = `/meetings/${encodeURIComponent(chatA)}`;
    for (const person of [manager, carlos, owner, admin]) expect((await call(person, 'GET', `${path}/session`)).status).toBe(200);
    expect((await call(stranger, 'GET', `${path}/session`)).status).toBe(403);
    for (const person of [manager, carlos]) expect((await call(person, 'PUT', `${path}/order`, { grouping: 'tool' })).status).toBe(403);
    for (const person of [owner, admin]) expect((await call(person, 'PUT', `${path}/order`, { grouping: 'team' })).status).toBe(200);
  });

  it('takes a step of exactly 1 or -1', async () => {
    for (const step of [5, 'back', 0, 1.5]) {
      const response = await call(owner, 'POST', `/meetings/${encodeURIComponent(chatA)}/advance`, { step });
      expect({ step, status: response.status, field: Object.keys(response.json.fieldErrors ?? {}) }).toEqual({ step, status: 422, field: ['step'] });
    }
  });
});

describe('rounds of the wrong shape (findings 4 and 9)', () => {
  it.each([1, true, { en: 'x' }, ['x']])('refuses a name of %p with 422 naming the field', async (name) => {
    const response = await call(owner, 'POST', '/rounds', { ...aNewRoundBody(organisation), name });
    expect(response.status).toBe(422);
    expect(Object.keys(response.json.fieldErrors)).toEqual(['name']);
  });

  it('refuses a first day in year 0, ghost participants (by id), a wrong-typed field and an unknown one', async () => {
    const year0 = await call(owner, 'POST', '/rounds', aNewRoundBody(organisation, { window: { start: '0000-01-01', weeks: 3 } }));
    expect(year0.status).toBe(422);
    expect(year0.json.fieldErrors['window.start']).toMatch(/between 2000 and 2099/);
    const ghost = await call(owner, 'POST', '/rounds', aNewRoundBody(organisation, { participantIds: [carlos.id, GHOST] }));
    expect(ghost.status).toBe(422);
    expect(ghost.json.fieldErrors.participantIds).toContain(GHOST);
    const ghostOwner = await call(owner, 'POST', '/rounds', aNewRoundBody(organisation, { ownerIds: [owner.id, GHOST] }));
    expect(ghostOwner.json.fieldErrors.ownerIds).toContain(GHOST);
    const wrongType = await call(owner, 'PATCH', `/rounds/${roundA}`, { name: 'A better name for the round', shareback: true });
    expect(wrongType.status).toBe(422);
    expect(wrongType.json.fieldErrors).toEqual({ shareback: 'shareback must be an object.' });
    expect((await call(owner, 'GET', `/rounds/${roundA}`)).json.round.name).not.toBe('A better name for the round');
    const unknown = await call(owner, 'PATCH', `/rounds/${roundA}`, { nmae: 'Typo' });
    expect(unknown.json.fieldErrors).toEqual({ nmae: 'nmae is not a field of this request.' });
  });

  it('answers the same name and first day with other settings with a 409 that says so (and the same request twice with the same round)', async () => {
    const body = aNewRoundBody(organisation, { managerScopes: [manager.id] });
    const first = await call(owner, 'POST', '/rounds', body);
    expect(first.status).toBe(201);
    expect((await call(owner, 'POST', '/rounds', body)).json.id).toBe(first.json.id);
    const different = await call(owner, 'POST', '/rounds', { ...body, hoursPerWeek: 3 });
    expect(different.status).toBe(409);
    expect(different.json.error).toMatch(/already have a round called/);
    expect((await call(owner, 'GET', `/rounds/${first.json.id}`)).json.round.hoursPerWeek).toBe(2.5);
  });

  it('names a missing plan object instead of "form: Required"', async () => {
    const response = await call(carlos, 'PUT', `/rounds/${roundA}/me/selection`, {});
    expect(response.status).toBe(422);
    expect(response.json.fieldErrors.selection).toMatch(/Send selection/);
    expect((await call(carlos, 'POST', `/rounds/${roundA}/me/submit`, {})).json.fieldErrors.hypothesis).toMatch(/Send hypothesis/);
  });

  it('strips NUL, BEL and ESC from round names, policies and comments (tabs and line breaks stay)', async () => {
    const created = await call(owner, 'POST', '/rounds', aNewRoundBody(organisation, { name: 'Spring\u0000 round\u0007 \u001b[31mred', managerScopes: [manager.id] }));
    expect(created.status).toBe(201);
    expect(created.json.name).toBe('Spring round [31mred');
    const policy = await call(owner, 'POST', `/rounds/${created.json.id}/policy`, { text: 'Line one\u0000 of the policy,\tkept tabs.\nLine two\u001b with more words here.' });
    expect(policy.json.policy.versions.at(-1).text).toBe('Line one of the policy,\tkept tabs.\nLine two with more words here.');
  });

  it('strips them from a comment sent on a card too', async () => {
    const version = (await experimentOf(emily)).experiment.version;
    const activity = executeActivity(ctx(manager), 'requestChanges', { experimentId: `${roundA}--${emily.id}`, expectedVersion: version, comment: 'Please\u0000 add\u0007 a baseline\u001b.' });
    expect((await postActivity(stack.service.url, activity)).status).toBe(200);
    const after = (await experimentOf(emily)).experiment;
    expect(after.state).toBe('changes_requested');
    expect(after.reviews.at(-1).comment).toBe('Please add a baseline.');
  });
});

describe('decisions (findings 5 and 6, deliver 7)', () => {
  beforeAll(() => { now = sharebackStart.plus({ minutes: 10 }).toJSDate(); });

  it('refuses an unknown outcome and leaves the experiment exactly as it was (no move to sharing)', async () => {
    const before = await settledTableSnapshot(stack.tablePrefix);
    const response = await call(owner, 'POST', `/rounds/${roundA}/experiments/${carlos.id}/decision`, { outcome: 'promote-to-ceo', ownerId: owner.id, dueDate: '2030-01-01' });
    expect(response.status).toBe(422);
    expect(snapshotChanges(before, await tableSnapshot(stack.tablePrefix))).toEqual([]);
    expect((await experimentOf(carlos)).experiment.state).toBe('approved');
  });

  it('refuses a decision owner or internal owner who is not in the directory, by id', async () => {
    const noOwner = await call(owner, 'POST', `/rounds/${roundA}/experiments/${carlos.id}/decision`, { outcome: 'stop', ownerId: GHOST, dueDate: '2030-01-01', learned: 'x' });
    expect(noOwner.status).toBe(422);
    expect(noOwner.json.fieldErrors.ownerId).toContain(GHOST);
    const noInternal = await call(owner, 'POST', `/rounds/${roundA}/experiments/${carlos.id}/decision`, { outcome: 'internal-owner', ownerId: owner.id, internalOwnerId: GHOST, dueDate: '2030-01-01' });
    expect(noInternal.json.fieldErrors.internalOwnerId).toContain(GHOST);
  });

  it('shows an effect that could not run with its reason, and runs it on retry, never answering 500', async () => {
    // The participant's mailbox refuses everything for a while (as when a person has left): the follow-up cannot be booked.
    stack.sandbox.control.injectFaults({ status: 503, count: 200, retryAfterSeconds: 0, mailbox: carlos.id });
    const decided = await call(owner, 'POST', `/rounds/${roundA}/experiments/${carlos.id}/decision`, { outcome: 'manager-follow-up', ownerId: manager.id, dueDate: '2030-01-01' });
    expect({ status: decided.status, body: decided.status === 200 ? null : decided.text }).toEqual({ status: 200, body: null });
    const failed = await eventually(async () => {
      const view = await call(owner, 'GET', `/rounds/${roundA}/experiments/${carlos.id}/decision`);
      const entry = Object.entries(view.json.effects as Record<string, { status: string; detail: string }>).find(([id]) => id.startsWith('followup:'));
      if (entry?.[1].status !== 'failed') throw new Error(`not failed yet: ${JSON.stringify(view.json.effects)}`);
      return entry[1];
    }, { timeoutInMs: 30_000 });
    expect(failed.detail).toMatch(/Could not be carried out|not in the directory/);
    const overview = await call(owner, 'GET', `/rounds/${roundA}/overview`);
    expect({ status: overview.status, body: overview.status === 200 ? null : overview.text }).toEqual({ status: 200, body: null });
    expect(overview.json.effectProblems).toEqual(expect.arrayContaining([expect.objectContaining({ userId: carlos.id, effect: 'followup', reason: failed.detail })]));
    stack.sandbox.control.reset();
    const retried = await call(owner, 'POST', `/rounds/${roundA}/experiments/${carlos.id}/decision/effects`);
    expect({ status: retried.status, body: retried.status === 200 ? null : retried.text }).toEqual({ status: 200, body: null });
    const view = await call(owner, 'GET', `/rounds/${roundA}/experiments/${carlos.id}/decision`);
    const followUp = Object.entries(view.json.effects as Record<string, { status: string }>).find(([id]) => id.startsWith('followup:'))![1];
    expect(['done', 'needs-owner']).toContain(followUp.status);
    const after = await call(owner, 'GET', `/rounds/${roundA}/overview`);
    expect(after.status).toBe(200);
    expect(after.json.effectProblems.filter((p: { userId: string; effect: string }) => p.userId === carlos.id && p.effect === 'followup')).toEqual([]);
  }, 60_000);
});

describe('resending the kickoff (finding 10)', () => {
  const members = () => createTableRoundMemberRepo({
    members: EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}RoundMembers`, 'round member'),
    memberships: EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}Memberships`, 'membership'),
  });
  const kickoffsTo = (person: DemoPerson) => stack.connector.activities.filter((a) => a.conversationId.includes(person.id) && JSON.stringify(a.activity).includes('your practice round'));

  it('resends to everyone uncertain, once each however often the owner clicks, saying "in case you missed it"', async () => {
    // A worker that stopped mid-send leaves the row uncertain; a delivery that failed leaves it failed.
    const repo = members();
    const rid = parseRoundId(roundB)!;
    const grace = byName('Jordan Brooks');
    for (const [person, delivery] of [[sofia, 'uncertain'], [grace, 'failed']] as const) {
      const stored = await eventually(async () => {
        const row = await repo.get(rid, parseUserId(person.id)!);
        if (row?.member.delivery !== 'sent') throw new Error('kickoff not sent yet');
        return row;
      }, { timeoutInMs: 20_000 });
      await repo.update({ ...stored.member, delivery, deliveryReason: delivery === 'uncertain' ? 'Delivery was interrupted.' : 'Bot Connector 403' }, stored.etag);
    }
    const sentBefore = kickoffsTo(sofia).length;
    const overview = await call(otherOwner, 'GET', `/rounds/${roundB}/overview`);
    expect(overview.json.kickoff).toMatchObject({ uncertain: 1, failed: 1 });
    expect(overview.json.kickoffFailures).toEqual(expect.arrayContaining([expect.objectContaining({ userId: sofia.id, state: 'uncertain', reason: 'Delivery was interrupted.' })]));
    expect((await call(stranger, 'POST', `/rounds/${roundB}/kickoff/resend`, { who: 'uncertain' })).status).toBe(403);
    expect((await call(owner, 'POST', `/rounds/${roundB}/kickoff/resend`, { who: 'uncertain' })).status).toBe(403);
    expect((await call(otherOwner, 'POST', `/rounds/${roundB}/kickoff/resend`, { who: 'everyone' })).status).toBe(422);
    const [first, second] = await Promise.all([
      call(otherOwner, 'POST', `/rounds/${roundB}/kickoff/resend`, { who: 'uncertain' }),
      call(otherOwner, 'POST', `/rounds/${roundB}/kickoff/resend`, { who: 'uncertain' }),
    ]);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.json.requeued + second.json.requeued).toBe(1);
    await eventually(() => { if (kickoffsTo(sofia).length < sentBefore + 1) throw new Error('not resent yet'); }, { timeoutInMs: 20_000 });
    expect(JSON.stringify(kickoffsTo(sofia).at(-1)!.activity)).toContain('in case you missed it');
    expect((await call(otherOwner, 'POST', `/rounds/${roundB}/kickoff/resend`, { who: 'uncertain' })).json.requeued).toBe(0);
    expect(kickoffsTo(sofia)).toHaveLength(sentBefore + 1);

    // The failed one, from the round card's button.
    await postActivity(stack.service.url, cardSubmitActivity(ctx(otherOwner), { verb: 'resendKickoff', roundId: roundB, who: 'failed' }));
    await eventually(() => { if (!kickoffsTo(grace).some((a) => JSON.stringify(a.activity).includes('in case you missed it'))) throw new Error('not resent yet'); }, { timeoutInMs: 20_000 });
    // The card goes out before the row records it: wait for the record.
    await eventually(async () => {
      const member = (await repo.get(rid, parseUserId(grace.id)!))?.member;
      if (member?.delivery !== 'sent') throw new Error(`not recorded yet: ${member?.delivery}`);
      expect(member).toMatchObject({ delivery: 'sent', resends: 1 });
    }, { timeoutInMs: 20_000 });
  }, 60_000);
});
