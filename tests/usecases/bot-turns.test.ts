import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createBotApplication } from '../../src/bot/bot';
import type { BotDependencies } from '../../src/bot/dependencies';
import { experimentIdFor } from '../../src/domain/roundIds';
import { silentLogger } from '../../src/logging';
import { BOOKING_JOB_KIND, REVIEW_REQUEST_JOB_KIND } from '../../src/usecases/experiments';
import { cardOf, cardSubmitActivity, cardText, executeActivity, inputValue, messageActivity, type ActivityContext } from '../support/activities';
import { cardSchemaErrors } from '../support/cardSchema';
import { NOW, PEOPLE, ROUND_ID, TENANT } from '../support/builders';
import { parseUserId, type UserId } from '../../src/domain/ids';
import { MEMBER_ROWS_PER_UPDATE, type RoundMember } from '../../src/ports/roundRepo';
import type { Experiment } from '../../src/domain/experiment';
import { aWorld, PEOPLE_IN_DIRECTORY, type World } from './world';

/*
 * Whole bot turns — teams-ai routing, the handler, the use case, the card it answers with — on botbuilder's
 * TestAdapter and the in-memory ports: no HTTP, no connector, no Azurite. The same verbs run over the Bot
 * Framework protocol against Azurite and the Graph sandbox in tests/integration/steps-1-2.test.ts.
 */

interface Turn { readonly replies: Partial<Activity>[]; readonly invokeResponse: { status: number; body: { type?: string; value?: Record<string, unknown> } } | null }

let world: World;
/** Runs one activity (as Teams sends it: JSON, timestamp a string) through the bot; the replies and the invoke's answer. */
let run: (activity: object) => Promise<Turn>;

const personOf = (id: string) => {
  const person = PEOPLE_IN_DIRECTORY.find((p) => p.id === id)!;
  return { id: person.id, displayName: person.displayName };
};
const ctx = (id: string): ActivityContext => ({ serviceUrl: 'https://smba.example/teams/', tenantId: TENANT, person: personOf(id) });

const selection = {
  'frictionPoint.description': 'Writing the weekly pipeline summary for the sales leads',
  'frictionPoint.frequency': 'weekly', 'frictionPoint.minutesToday': '90', role: 'sales', toolId: 'm365-copilot',
  kpi: 'Time to publish the pipeline summary',
  'scores.relevance': '5', 'scores.kpiImpact': '4', 'scores.learningCurve': '4', 'scores.interest': '5', 'scores.riskSupport': '4', supportNamed: 'Maria',
};
const hypothesis = {
  measure: 'Minutes to write the weekly pipeline summary', 'baseline.value': '90', 'baseline.unit': 'minutes', 'target.value': '30', 'target.unit': 'minutes',
  howWeWillKnow: 'I will time the next three summaries and compare them with my baseline.', preferredTimes: 'mornings', blockMinutes: '60', deadlineConflicts: '',
};

/** The bot's routes over a world's in-memory ports, one TestAdapter per turn. */
function botFor(on: World): (activity: object) => Promise<Turn> {
  const deps: BotDependencies = {
    members: on.ports.members, clock: on.ports.clock, directory: on.ports.directory, logger: silentLogger, dashboardUrl: 'https://tab.example/tab/', ports: on.ports,
    callerFor: (identity) => ({ ...identity, isAdmin: false, mayCreateRounds: identity.userId === PEOPLE.omar }),
  };
  const app = createBotApplication(new TeamsAdapter({}), '', deps);
  return async (activity) => {
    let invokeResponse: Turn['invokeResponse'] = null;
    const adapter = new TestAdapter(async (context: TurnContext) => {
      context.onSendActivities(async (_context, activities, next) => {
        for (const sent of activities) if (sent.type === 'invokeResponse') invokeResponse = sent.value as Turn['invokeResponse'];
        return next();
      });
      await app.run(context);
    });
    await adapter.processActivity(activity as Partial<Activity>);
    return { replies: adapter.activeQueue.splice(0), invokeResponse };
  };
}

beforeAll(async () => {
  world = await aWorld();
  run = botFor(world);
});

/** The data of the first action in a card with this verb (and these fields), as a button press sends it. */
function actionData(card: unknown, verb: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  (function visit(node: unknown) {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const data = (node as { data?: Record<string, unknown> }).data;
    if (!found && data?.verb === verb && Object.entries(extra).every(([key, value]) => data[key] === value)) found = data;
    Object.values(node).forEach(visit);
  })(card);
  if (!found) throw new Error(`the card has no ${verb} action`);
  return found;
}

function onlyCard(turn: Turn): Record<string, unknown> {
  expect(turn.replies).toHaveLength(1);
  const card = cardOf(turn.replies[0] as Record<string, unknown>);
  expect(cardSchemaErrors(card)).toEqual([]);
  return card;
}

function invokedCard(turn: Turn): Record<string, unknown> {
  expect(turn.invokeResponse?.status).toBe(200);
  expect(turn.invokeResponse?.body.type).toBe('application/vnd.microsoft.card.adaptive');
  return turn.invokeResponse!.body.value!;
}

describe('whole bot turns on the in-memory ports', () => {
  it('answers "help" with the commands', async () => {
    expect(cardText(onlyCard(await run(messageActivity(ctx(PEOPLE.dana), 'help'))))).toMatch(/journal/i);
  });

  it('with no model, free text goes through the basic coach’s rules: a wish to try a tool → the person’s next step; a greeting or text they do not know → the welcome', async () => {
    expect(JSON.stringify(onlyCard(await run(messageActivity(ctx(PEOPLE.dana), 'I want to try Copilot on my call notes'))))).toContain('acknowledgePolicy');
    expect(cardText(onlyCard(await run(messageActivity(ctx(PEOPLE.dana), 'Hello!'))))).toContain('welcome to Practice Loop');
    expect(cardText(onlyCard(await run(messageActivity(ctx(PEOPLE.dana), 'purple monkey dishwasher'))))).toContain('welcome to Practice Loop');
    expect(cardText(onlyCard(await run(messageActivity(ctx(PEOPLE.dana), 'show me the commands'))))).toContain('What you can type');
  });

  it('startExperiment → the policy card; acknowledgePolicy → step 1, with the draft experiment stored', async () => {
    expect(JSON.stringify(onlyCard(await run(cardSubmitActivity(ctx(PEOPLE.dana), { verb: 'startExperiment', roundId: ROUND_ID }))))).toContain('acknowledgePolicy');
    const card = onlyCard(await run(cardSubmitActivity(ctx(PEOPLE.dana), { verb: 'acknowledgePolicy', roundId: ROUND_ID, policyVersion: '1', role: 'sales', toolId: 'm365-copilot', policyAccepted: 'true', toolTermsAccepted: 'true' })));
    expect(JSON.stringify(card)).toContain('saveSelection');
    expect(inputValue(card, 'toolId')).toBe('m365-copilot');
    expect((await world.ports.experiments.get(ROUND_ID, PEOPLE.dana))?.experiment.state).toBe('draft');
  });

  it('continueToPlan saves step 1 and shows step 2; a bad field is named and nothing is stored', async () => {
    const version = (await world.ports.experiments.get(ROUND_ID, PEOPLE.dana))!.experiment.version;
    const refused = onlyCard(await run(cardSubmitActivity(ctx(PEOPLE.dana), { verb: 'continueToPlan', roundId: ROUND_ID, expectedVersion: version, ...selection, 'scores.interest': '9' })));
    expect(inputValue(refused, 'kpi')).toBe(selection.kpi);
    expect((await world.ports.experiments.get(ROUND_ID, PEOPLE.dana))?.experiment.selection).toBeNull();
    const card = onlyCard(await run(cardSubmitActivity(ctx(PEOPLE.dana), { verb: 'continueToPlan', roundId: ROUND_ID, expectedVersion: version, ...selection })));
    expect(JSON.stringify(card)).toContain('submitPlan');
    expect((await world.ports.experiments.get(ROUND_ID, PEOPLE.dana))?.experiment.selection?.kpi).toBe(selection.kpi);
  });

  it('submitPlan sends the plan to the manager and asks them through the job queue', async () => {
    const version = (await world.ports.experiments.get(ROUND_ID, PEOPLE.dana))!.experiment.version;
    const card = onlyCard(await run(cardSubmitActivity(ctx(PEOPLE.dana), { verb: 'submitPlan', roundId: ROUND_ID, expectedVersion: version, ...hypothesis })));
    expect(cardText(card)).toContain('sent to Maria Manager');
    expect(world.ports.jobs.ofKind(REVIEW_REQUEST_JOB_KIND)).toHaveLength(1);
  });

  it('approvePlan (Action.Execute) answers in the invoke: refused for a colleague, approved once for the manager', async () => {
    const experimentId = experimentIdFor(ROUND_ID, PEOPLE.dana);
    const version = (await world.ports.experiments.get(ROUND_ID, PEOPLE.dana))!.experiment.version;
    const refused = invokedCard(await run(executeActivity(ctx(PEOPLE.lee), 'approvePlan', { experimentId, expectedVersion: version })));
    expect(cardText(refused)).toMatch(/not yours to see/);
    expect((await world.ports.experiments.get(ROUND_ID, PEOPLE.dana))?.experiment.state).toBe('submitted');
    for (let click = 0; click < 2; click++) {
      const card = invokedCard(await run(executeActivity(ctx(PEOPLE.maria), 'approvePlan', { experimentId, expectedVersion: version })));
      expect(cardText(card)).toContain('Approved by Maria Manager');
      expect(JSON.stringify(card)).not.toContain('"verb":"approvePlan"');
    }
    expect(world.ports.bookingJobs.ofKind(BOOKING_JOB_KIND)).toHaveLength(1);
  });

  it('answers a verb it does not know without changing anything', async () => {
    const before = (await world.ports.experiments.get(ROUND_ID, PEOPLE.dana))!.experiment;
    expect(cardText(onlyCard(await run(cardSubmitActivity(ctx(PEOPLE.dana), { verb: 'noSuchVerb', roundId: ROUND_ID }))))).not.toBe('');
    expect(cardText(invokedCard(await run(executeActivity(ctx(PEOPLE.maria), 'noSuchVerb', {}))))).toMatch(/no longer available/);
    expect((await world.ports.experiments.get(ROUND_ID, PEOPLE.dana))!.experiment).toEqual(before);
  });
});

describe('whole bot turns in the practice weeks', () => {
  let practice: World & { experiment: Experiment | null };
  let say: (activity: object) => Promise<Turn>;
  beforeAll(async () => {
    practice = await aWorld({ now: '2025-03-12T10:00:00.000Z', experiment: 'practising', round: { sensitiveTerms: ['Contoso Bank'] } });
    say = botFor(practice);
  });

  it('"journal" opens this week’s card; saveJournal asks before storing sensitive text, then stores it redacted', async () => {
    const journal = onlyCard(await say(messageActivity(ctx(PEOPLE.dana), 'journal')));
    expect(cardText(journal)).toContain('week of');
    const text = 'Sent the summary to jo@client.example for Contoso Bank';
    const asked = onlyCard(await say(cardSubmitActivity(ctx(PEOPLE.dana), { ...actionData(journal, 'saveJournal'), improved: text, hoursPractised: '2' })));
    expect(cardText(asked)).toMatch(/Check before it is saved/);
    expect(inputValue(asked, 'improved')).toBe(text);
    expect(await practice.ports.journals.listForExperiment(practice.experiment!.id)).toEqual([]);
    const saved = onlyCard(await say(cardSubmitActivity(ctx(PEOPLE.dana), { ...actionData(asked, 'saveJournal'), improved: text, hoursPractised: '2', sensitiveData: 'redact' })));
    expect(String(inputValue(saved, 'improved'))).not.toContain('jo@client.example');
    const [entry] = await practice.ports.journals.listForExperiment(practice.experiment!.id);
    expect(entry).toMatchObject({ weekStart: '2025-03-10', hoursPractised: 2 });
    expect(entry!.improved).not.toContain('Contoso Bank');
  });

  it('saveAsset from the journal card’s form saves one asset, however often it is pressed', async () => {
    const journal = onlyCard(await say(messageActivity(ctx(PEOPLE.dana), 'journal')));
    const values = { kind: 'prompt', title: 'Pipeline summary prompt', content: 'Summarise this export in five bullets.', goodFor: 'the weekly pipeline call' };
    const save = actionData(journal, 'saveAsset');
    for (let press = 0; press < 2; press++) expect(cardText(onlyCard(await say(cardSubmitActivity(ctx(PEOPLE.dana), { ...save, ...values }))))).toMatch(/Saved to your library/);
    expect((await practice.ports.assets.listForAuthor(ROUND_ID, PEOPLE.dana)).map((a) => a.title)).toEqual([values.title]);
  });
});

describe('the owner’s round summary in chat', () => {
  it('shows the kickoff counts and the first failures from the round’s counters, never reading the member list of a round larger than a page', async () => {
    const big = await aWorld();
    const say = botFor(big);
    // More people than one page of a partition query (1,000 rows), beside Dana and Lee whom the round names.
    const others = Array.from({ length: 1_200 }, (_, i) => parseUserId(`b3c40000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`)!);
    await big.ports.roundMembers.addQueued(ROUND_ID, others.map((userId) => ({ userId, via: 'manager' as const })), NOW);
    // Dana's kickoff failed, Lee's is uncertain, 11 others failed, the last 100 still wait; everyone else got it.
    const outcome = (userId: UserId, index: number): Partial<RoundMember> => (userId === PEOPLE.dana ? { delivery: 'failed', deliveryReason: 'The person has blocked the app in Teams (403).' }
      : userId === PEOPLE.lee ? { delivery: 'uncertain', deliveryReason: null }
        : index < 11 ? { delivery: 'failed', deliveryReason: 'No mailbox.' }
          : index >= 1_100 ? {} : { delivery: 'sent' });
    const everyone = [PEOPLE.dana, PEOPLE.lee, ...others];
    for (let i = 0; i < everyone.length; i += MEMBER_ROWS_PER_UPDATE) {
      const ids = everyone.slice(i, i + MEMBER_ROWS_PER_UPDATE);
      const rows = await big.ports.roundMembers.getMany(ROUND_ID, ids);
      await big.ports.roundMembers.updateMany(ROUND_ID, ids.map((id) => {
        const row = rows.get(id)!;
        return { ...row, member: { ...row.member, ...outcome(id, others.indexOf(id)) } };
      }));
    }
    const list = jest.spyOn(big.ports.roundMembers, 'list');
    const listPage = jest.spyOn(big.ports.roundMembers, 'listPage');

    const card = onlyCard(await say(cardSubmitActivity(ctx(PEOPLE.omar), { verb: 'refreshRoundSummary', roundId: ROUND_ID })));
    const text = cardText(card);
    expect(text).toMatch(/1202 people/);
    const counts = ['queued', 'sent', 'failed', 'uncertain'].map((label) => text.split('\n').indexOf(label)).map((at) => text.split('\n')[at - 1]);
    expect(counts).toEqual(['100', '1089', '12', '1']);
    expect(text).toContain('Not delivered or uncertain (the first 10 of 13; the dashboard lists all):');
    // In id order: Dana and Lee by the directory's names, then the first eight of the others by id (the directory has no name for them).
    expect(text).toContain('Dana Participant: \nThe person has blocked the app in Teams (403).');
    expect(text).toContain('Lee Participant: \nUnknown reason');
    expect(others.slice(0, 8).every((id) => text.includes(`${id}: \nNo mailbox.`))).toBe(true);
    expect(text).not.toContain(others[8]!);
    expect(JSON.stringify(card)).toContain('Resend to 12 failed');
    expect(list).not.toHaveBeenCalled();
    expect(listPage).not.toHaveBeenCalled();

    // Someone who does not own the round is told so, and shown nothing of it.
    const refused = onlyCard(await say(cardSubmitActivity(ctx(PEOPLE.dana), { verb: 'refreshRoundSummary', roundId: ROUND_ID })));
    expect(cardText(refused)).toMatch(/Only the round’s owners can see its status/);
  });

  it('counts a draft’s people from the same counters: those the round names, with no delivery yet', async () => {
    const draft = await aWorld({ round: { status: 'draft' } });
    const card = onlyCard(await botFor(draft)(cardSubmitActivity(ctx(PEOPLE.omar), { verb: 'refreshRoundSummary', roundId: ROUND_ID })));
    expect(cardText(card)).toMatch(/Draft: nobody has been told yet/);
    expect(cardText(card)).toMatch(/\b2 people\b/);
    expect(cardText(card)).not.toMatch(/queued/);
    expect(JSON.stringify(card)).toContain('"verb":"openRound"');
  });
});
