import type { z } from 'zod';
import { isDomainError, type DomainError } from '../../src/domain/errors';
import { experimentIdFor } from '../../src/domain/roundIds';
import { roundOutlineAnswerSchema, participantViewSchema } from '../../src/contracts/participant';
import { ownerOverviewSchema, roundFunnelSchema } from '../../src/contracts/owner';
import { roundFunnelQuery } from '../../src/usecases/queries/funnel';
import { ownerOverviewQuery } from '../../src/usecases/queries/ownerOverview';
import { NAME_REUSE_IN_MS } from '../../src/usecases/queries/common';
import { participantViewQuery, roundOutlineQuery } from '../../src/usecases/queries/participantView';
import { dashboardHomeSchema, whoAmISchema } from '../../src/contracts/home';
import { directReportsSchema, reviewQueueSchema, teamSchema } from '../../src/contracts/team';
import { experimentPageSchema } from '../../src/contracts/experimentPage';
import { ownedRoundsSchema, roundPeopleSchema, roundRosterSchema } from '../../src/contracts/roundPeople';
import { dashboardHomeQuery, whoAmIQuery } from '../../src/usecases/queries/home';
import { directReportsQuery, reviewQueueQuery, teamQuery } from '../../src/usecases/queries/team';
import { experimentPageQuery } from '../../src/usecases/queries/experimentPage';
import { ownedRoundsQuery, roundPeopleQuery, roundRosterQuery } from '../../src/usecases/queries/roundPeople';
import { acknowledgementsExportQuery, roundExportQuery } from '../../src/usecases/queries/exports';
import { decisionViewSchema, meetingSessionSchema, summaryViewSchema } from '../../src/contracts/meeting';
import { capabilityMapSchema, roundReportSchema } from '../../src/contracts/report';
import { assetsSchema, checkInDigestSchema, journalEntriesSchema } from '../../src/contracts/journals';
import { roundOfMeeting, sessionView } from '../../src/usecases/queries/meetingSession';
import { decisionView } from '../../src/usecases/queries/decisionView';
import { capabilityFor, roundReportFor } from '../../src/usecases/queries/roundReport';
import { assetsOfQuery, checkInDigestQuery, journalsOfQuery, myAssetsQuery, myJournalsQuery, sharedLibraryQuery } from '../../src/usecases/queries/journalsAndAssets';
import { getSummary } from '../../src/usecases/sharebackSession';
import { recordDecision } from '../../src/usecases/decisions';
import { saveAsset } from '../../src/usecases/assets';
import { saveJournal } from '../../src/usecases/journal';
import type { Booking } from '../../src/ports/bookingRepo';
import { PEOPLE, ROUND_ID } from '../support/builders';
import { aWorld, as } from './world';

// Every screen's read model, on the in-memory ports: the answer is exactly what its contract (src/contracts)
// describes — each field the service sends is in the schema the tab reads it by — and the access policy is asked.

function ok<T>(value: T | DomainError): T {
  if (isDomainError(value)) throw new Error(`expected an answer, got ${value.kind}: ${value.message}`);
  return value;
}

/** The answer as JSON, parsed by its schema: nothing refused, and nothing dropped (a field the schema does not describe would be). */
function expectContract(schema: z.ZodTypeAny, answer: unknown): void {
  const json: unknown = JSON.parse(JSON.stringify(answer));
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`the answer does not match its contract: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
  expect(parsed.data).toEqual(json);
}

const WEDNESDAY_IN_WEEK_2 = '2025-03-19T12:00:00.000Z';

function aBooking(participantId: typeof PEOPLE.dana, status: Booking['status']): Booking {
  return {
    experimentId: experimentIdFor(ROUND_ID, participantId), roundId: ROUND_ID, participantId, status,
    reason: status === 'failed' ? 'could not book: the mailbox refused' : null, timeZone: 'Europe/London', extensionDays: 0,
    weeks: [{ week: 1, targetMinutes: 150, plannedMinutes: 120, shortfall: 'only two free slots', shortfallCause: null }],
    blocks: status === 'failed' ? [] : [
      { week: 1, index: 0, start: '2025-03-11T09:00:00.000Z', end: '2025-03-11T10:00:00.000Z', eventId: 'event-1', transactionId: 'tx-1' },
      { week: 1, index: 1, start: '2025-03-13T09:00:00.000Z', end: '2025-03-13T10:00:00.000Z', eventId: 'event-2', transactionId: 'tx-2', notKept: { by: 'participant', reason: 'A customer call' } },
      { week: 2, index: 0, start: '2025-03-20T09:00:00.000Z', end: '2025-03-20T10:00:00.000Z', eventId: null, transactionId: 'tx-3' },
    ],
    updatedAt: WEDNESDAY_IN_WEEK_2,
  };
}

/** A round in its second week: Dana practising with booked time, Lee's booking failed, the shareback booked. */
async function aRoundUnderWay() {
  const world = await aWorld({ now: WEDNESDAY_IN_WEEK_2, experiment: 'practising' });
  await world.ports.bookings.save(aBooking(PEOPLE.dana, 'booked'));
  await world.ports.bookings.save(aBooking(PEOPLE.lee, 'failed'));
  await world.ports.sharebacks.save({
    roundId: ROUND_ID, organiserId: PEOPLE.omar, eventId: 'shareback-event', joinUrl: 'https://teams.example/join/1', chatId: '19:meeting@thread.v2',
    attendeeEmails: ['dana@contoso.example'], tabAdded: true, updatedAt: WEDNESDAY_IN_WEEK_2,
  });
  await world.ports.sharebackSessions.saveEffects({
    roundId: ROUND_ID, participantId: PEOPLE.dana,
    outcomes: { 'follow-up:1': { status: 'failed', detail: 'no free time in the next two weeks', ref: null, at: WEDNESDAY_IN_WEEK_2 } },
  }, null);
  return world;
}

describe('the participant’s view', () => {
  it('answers their experiment and practice time as the contract says', async () => {
    const { ports } = await aRoundUnderWay();
    const view = ok(await participantViewQuery(ROUND_ID, as.dana, ports));
    expectContract(participantViewSchema, view);
    expect(view.experiment?.state).toBe('practising');
    expect(view.practiceTime?.hours.map((w) => [w.week, w.keptMinutes])).toEqual([[1, 60], [2, 0]]);
  });

  it('answers someone in the round with no experiment yet, and refuses someone outside it', async () => {
    const { ports } = await aRoundUnderWay();
    const lee = ok(await participantViewQuery(ROUND_ID, as.lee, ports));
    expectContract(participantViewSchema, lee);
    expect(lee.experiment).toBeNull();
    expect(isDomainError(await participantViewQuery(ROUND_ID, as.sam, ports))).toBe(true);
  });

  it('answers the round’s outline to its members and owners, with the meeting link, and refuses a colleague', async () => {
    const { ports } = await aRoundUnderWay();
    const outline = ok(await roundOutlineQuery(ROUND_ID, as.dana, ports));
    expectContract(roundOutlineAnswerSchema, outline);
    expect(outline.acknowledgedPolicyVersion).toBe(1);
    expect(outline.meeting?.joinUrl).toBe('https://teams.example/join/1');
    expectContract(roundOutlineAnswerSchema, ok(await roundOutlineQuery(ROUND_ID, as.omar, ports)));
    expect(await roundOutlineQuery(ROUND_ID, as.sam, ports)).toMatchObject({ kind: 'forbidden' });
  });
});

describe('the owner’s overview and funnel', () => {
  it('answers the overview with its problem lists named, as the contract says', async () => {
    const { ports } = await aRoundUnderWay();
    const overview = ok(await ownerOverviewQuery(ROUND_ID, as.omar, ports));
    expectContract(ownerOverviewSchema, overview);
    expect(overview.bookingProblems).toEqual([{ userId: PEOPLE.lee, reason: 'could not book: the mailbox refused', displayName: 'Lee Participant' }]);
    expect(overview.effectProblems).toEqual([{ userId: PEOPLE.dana, effect: 'follow-up', reason: 'no free time in the next two weeks', displayName: 'Dana Participant' }]);
    expect(overview.hours).toEqual({ plannedMinutes: 180, keptMinutes: 60 });
  });

  it('lists failed decision effects from the rows kept with each effects log, and drops one once it succeeds', async () => {
    const { ports } = await aRoundUnderWay();
    // The overview must not read the effects logs themselves (one per person who decided): only the problem rows.
    const listEffects = jest.spyOn(ports.sharebackSessions, 'listEffects');
    const stored = (await ports.sharebackSessions.getEffects(ROUND_ID, PEOPLE.dana))!;
    await ports.sharebackSessions.saveEffects({
      ...stored.value, outcomes: { ...stored.value.outcomes, 'tell-manager:1': { status: 'failed', detail: 'the mailbox refused', ref: null, at: WEDNESDAY_IN_WEEK_2 } },
    }, stored.etag);
    const both = ok(await ownerOverviewQuery(ROUND_ID, as.omar, ports));
    expect(both.effectProblems.map((p) => [p.userId, p.effect, p.reason])).toEqual([
      [PEOPLE.dana, 'follow-up', 'no free time in the next two weeks'], [PEOPLE.dana, 'tell-manager', 'the mailbox refused'],
    ]);
    const again = (await ports.sharebackSessions.getEffects(ROUND_ID, PEOPLE.dana))!;
    await ports.sharebackSessions.saveEffects({
      ...again.value, outcomes: { ...again.value.outcomes, 'follow-up:1': { status: 'done', detail: 'booked', ref: 'event-1', at: WEDNESDAY_IN_WEEK_2 } },
    }, again.etag);
    const after = ok(await ownerOverviewQuery(ROUND_ID, as.omar, ports));
    expect(after.effectProblems.map((p) => [p.userId, p.effect])).toEqual([[PEOPLE.dana, 'tell-manager']]);
    // A save on a stale ETag still loses, and leaves the problem rows as they were.
    await expect(ports.sharebackSessions.saveEffects({ ...again.value, outcomes: {} }, again.etag)).rejects.toThrow();
    expect(ok(await ownerOverviewQuery(ROUND_ID, as.omar, ports)).effectProblems).toHaveLength(1);
    expect(listEffects).not.toHaveBeenCalled();
  });

  it('answers the funnel with the people at each stage', async () => {
    const { ports } = await aRoundUnderWay();
    const funnel = ok(await roundFunnelQuery(ROUND_ID, as.priya, ports));
    expectContract(roundFunnelSchema, funnel);
    expect(funnel.value.find((row) => row.stage === 'practising')?.userIds).toEqual([PEOPLE.dana]);
  });

  it('counts the overview’s funnel from the counters exactly as the funnel counts the records', async () => {
    const { ports } = await aRoundUnderWay();
    const overview = ok(await ownerOverviewQuery(ROUND_ID, as.omar, ports));
    const funnel = ok(await roundFunnelQuery(ROUND_ID, as.omar, ports));
    expect(overview.funnel.map((row) => [row.stage, row.count])).toEqual(funnel.value.map((row) => [row.stage, row.count]));
    expect(overview.funnel.find((row) => row.stage === 'practising')?.count).toBe(1);
  });

  it('names the problem lists once, then reuses the names for a few minutes', async () => {
    const { ports } = await aRoundUnderWay();
    const lookUp = jest.spyOn(ports.directory, 'getPerson');
    ok(await ownerOverviewQuery(ROUND_ID, as.omar, ports));
    const first = lookUp.mock.calls.length;
    expect(first).toBeGreaterThan(0);
    ok(await ownerOverviewQuery(ROUND_ID, as.omar, ports));
    expect(lookUp.mock.calls.length).toBe(first);
    ports.clock.advance(NAME_REUSE_IN_MS / 60_000 + 1);
    ok(await ownerOverviewQuery(ROUND_ID, as.omar, ports));
    expect(lookUp.mock.calls.length).toBe(2 * first);
  });

  it('refuses everyone but the owners and admins', async () => {
    const { ports } = await aRoundUnderWay();
    for (const caller of [as.dana, as.maria, as.sam]) {
      expect(await ownerOverviewQuery(ROUND_ID, caller, ports)).toMatchObject({ kind: 'forbidden' });
      expect(await roundFunnelQuery(ROUND_ID, caller, ports)).toMatchObject({ kind: 'forbidden' });
    }
  });
});

describe('the dashboard’s first answer', () => {
  it('gives each person the views their relations open', async () => {
    const { ports } = await aRoundUnderWay();
    const dana = await dashboardHomeQuery(as.dana, ports);
    expectContract(dashboardHomeSchema, dana);
    expect(dana.participating.map((r) => [r.id, r.experimentState])).toEqual([[ROUND_ID, 'practising']]);
    const maria = await dashboardHomeQuery(as.maria, ports);
    expectContract(dashboardHomeSchema, maria);
    expect(maria.managing.map((r) => [r.id, r.reports])).toEqual([[ROUND_ID, 2]]);
    const omar = await dashboardHomeQuery(as.omar, ports);
    expectContract(dashboardHomeSchema, omar);
    expect(omar.owning.map((r) => r.id)).toEqual([ROUND_ID]);
    expect(omar.me.canCreateRounds).toBe(true);
  });

  it('names who is signed in from the directory', async () => {
    const { ports } = await aRoundUnderWay();
    const me = await whoAmIQuery({ ...as.lee, via: 'dev' }, ports);
    expectContract(whoAmISchema, me);
    expect(me).toMatchObject({ displayName: 'Lee Participant', jobTitle: 'Analyst', signedInVia: 'dev' });
  });
});

describe('the manager’s view', () => {
  it('answers the team in the round with each report’s hours and plan, and refuses someone with no reports in it', async () => {
    const { ports } = await aRoundUnderWay();
    const team = ok(await teamQuery(ROUND_ID, as.maria, ports));
    expectContract(teamSchema, team);
    expect(team.value.map((row) => [row.displayName, row.state, row.hours.keptMinutes])).toEqual([['Dana Participant', 'practising', 60], ['Lee Participant', 'not started', 0]]);
    expect(await teamQuery(ROUND_ID, as.sam, ports)).toMatchObject({ kind: 'forbidden' });
    expectContract(teamSchema, ok(await teamQuery(ROUND_ID, as.omar, ports)));
  });

  it('answers the reports across rounds and the review queue', async () => {
    const { ports } = await aRoundUnderWay();
    const reports = await directReportsQuery(as.maria, ports);
    expectContract(directReportsSchema, reports);
    expect(reports.value.map((r) => r.experiments[0]?.state)).toEqual(['practising', 'not started']);
    const queue = await reviewQueueQuery(as.maria, ports);
    expectContract(reviewQueueSchema, queue);
    expect(queue.value.map((r) => r.participantId)).toEqual([PEOPLE.dana]);
  });
});

describe('one person’s experiment', () => {
  it('opens for the participant, their manager and the owners, and for no one else', async () => {
    const { ports } = await aRoundUnderWay();
    for (const caller of [as.dana, as.maria, as.omar]) {
      const page = ok(await experimentPageQuery(ROUND_ID, PEOPLE.dana, caller, ports));
      expectContract(experimentPageSchema, page);
      expect(page.hours).toMatchObject({ plannedMinutes: 180, keptMinutes: 60, upcomingMinutes: 60 });
    }
    expect(await experimentPageQuery(ROUND_ID, PEOPLE.dana, as.lee, ports)).toMatchObject({ kind: 'forbidden' });
    expect(await experimentPageQuery(ROUND_ID, PEOPLE.lee, as.omar, ports)).toMatchObject({ kind: 'not_found' });
  });
});

describe('the owner’s lists and exports', () => {
  it('names a page of the round’s people, leaving out anyone not in it, and checks the ids only for an owner', async () => {
    const { ports } = await aRoundUnderWay();
    const people = ok(await roundPeopleQuery(ROUND_ID, [PEOPLE.dana, PEOPLE.sam], as.omar, ports));
    expectContract(roundPeopleSchema, people);
    expect(people.value.map((p) => [p.displayName, p.state])).toEqual([['Dana Participant', 'practising']]);
    expect(await roundPeopleQuery(ROUND_ID, ['not-an-id'], as.omar, ports)).toMatchObject({ kind: 'invalid_input' });
    expect(await roundPeopleQuery(ROUND_ID, ['not-an-id'], as.dana, ports)).toMatchObject({ kind: 'forbidden' });
  });

  it('answers everyone’s status and the owned rounds', async () => {
    const { ports } = await aRoundUnderWay();
    const roster = ok(await roundRosterQuery(ROUND_ID, as.omar, ports));
    expectContract(roundRosterSchema, roster);
    expect(Object.fromEntries(roster.people.map((p) => [p.userId, p.practiceTime?.status ?? null]))).toEqual({ [PEOPLE.dana]: 'booked', [PEOPLE.lee]: 'failed' });
    expect(await roundRosterQuery(ROUND_ID, as.maria, ports)).toMatchObject({ kind: 'forbidden' });
    const owned = await ownedRoundsQuery(as.omar, ports);
    expectContract(ownedRoundsSchema, owned);
    expect(owned.value.map((r) => r.roundId)).toEqual([ROUND_ID]);
  });

  it('exports one row per person and one per acknowledgement, each as wide as its header, for the owners only', async () => {
    const { ports } = await aRoundUnderWay();
    const round = ok(await roundExportQuery(ROUND_ID, as.omar, ports));
    expect(round.rows).toHaveLength(2);
    expect(round.rows.every((row) => row.length === round.columns.length)).toBe(true);
    const acknowledgements = ok(await acknowledgementsExportQuery(ROUND_ID, as.priya, ports));
    expect(acknowledgements.rows.map((row) => row[1])).toEqual(['Dana Participant']);
    expect(acknowledgements.rows.every((row) => row.length === acknowledgements.columns.length)).toBe(true);
    expect(await roundExportQuery(ROUND_ID, as.dana, ports)).toMatchObject({ kind: 'forbidden' });
    expect(await acknowledgementsExportQuery(ROUND_ID, as.maria, ports)).toMatchObject({ kind: 'forbidden' });
  });
});

describe('step 4 as the tabs read it', () => {
  async function aWeekOfPractice() {
    const world = await aRoundUnderWay();
    if (isDomainError(await saveJournal(ROUND_ID, as.dana, '2025-03-17', { improved: 'The summary took 40 minutes', hoursPractised: 1 }, world.ports))) throw new Error('journal refused');
    const asset = { kind: 'prompt', title: 'Pipeline summary prompt', content: 'Summarise this pipeline export in five bullets.', goodFor: 'the weekly pipeline call', submissionId: 'a1b2c3d4-0000-4000-8000-000000000001', shared: true };
    if (isDomainError(await saveAsset(ROUND_ID, as.dana, asset, world.ports))) throw new Error('asset refused');
    return world;
  }

  it('answers journals and assets to the person, their manager and the library’s readers, as the contracts say', async () => {
    const { ports } = await aWeekOfPractice();
    const mine = ok(await myJournalsQuery(ROUND_ID, as.dana, ports));
    expectContract(journalEntriesSchema, mine);
    expect(mine.value.map((e) => e.weekStart)).toEqual(['2025-03-17']);
    expectContract(journalEntriesSchema, ok(await journalsOfQuery(ROUND_ID, PEOPLE.dana, as.maria, ports)));
    expect(await journalsOfQuery(ROUND_ID, PEOPLE.dana, as.lee, ports)).toMatchObject({ kind: 'forbidden' });
    const assets = ok(await myAssetsQuery(ROUND_ID, as.dana, ports));
    expectContract(assetsSchema, assets);
    expect(assets.value.map((a) => a.title)).toEqual(['Pipeline summary prompt']);
    expectContract(assetsSchema, ok(await assetsOfQuery(ROUND_ID, PEOPLE.dana, as.omar, ports)));
    expectContract(assetsSchema, ok(await sharedLibraryQuery(ROUND_ID, {}, as.lee, ports)));
  });

  it('answers the manager’s digest of practising reports', async () => {
    const { ports } = await aWeekOfPractice();
    const digest = await checkInDigestQuery(as.maria, ports);
    expectContract(checkInDigestSchema, digest);
    expect(digest.value.map((line) => [line.displayName, line.journals])).toEqual([['Dana Participant', 1]]);
  });
});

describe('the shareback meeting and after', () => {
  const CHAT = '19:meeting_shareback@thread.v2';
  const AFTER_THE_MEETING = '2025-04-01T09:00:00.000Z';

  it('answers an unlinked chat as a clear state, and a linked one as the session', async () => {
    const { ports, round } = await aRoundUnderWay();
    const unlinked = await roundOfMeeting(CHAT, as.omar, ports);
    expectContract(meetingSessionSchema, unlinked);
    expect(unlinked).toMatchObject({ linked: false, canLink: true });
    await ports.sharebackSessions.linkChat(CHAT, ROUND_ID);
    expect(await roundOfMeeting(CHAT, as.sam, ports)).toMatchObject({ kind: 'forbidden' });
    const session = await sessionView(round, as.omar, ports);
    expectContract(meetingSessionSchema, session);
    expect(session.order.map((p) => [p.name, p.state])).toEqual([['Dana Participant', 'practising']]);
    expect(session.isOwner).toBe(true);
    expectContract(summaryViewSchema, ok(await getSummary(ROUND_ID, PEOPLE.dana, as.dana, ports)));
  });

  it('answers a decision with its effects to the person and the owners, and the report and capability map to the owners', async () => {
    const { ports } = await aRoundUnderWay();
    ports.clock.set(AFTER_THE_MEETING);
    const decision = { outcome: 'internal-owner', ownerId: PEOPLE.omar, dueDate: '2025-04-30', internalOwnerId: PEOPLE.dana, note: 'Dana shows the team' } as const;
    if (isDomainError(await recordDecision(ROUND_ID, PEOPLE.dana, decision, undefined, as.omar, ports))) throw new Error('decision refused');
    const view = ok(await decisionView(ROUND_ID, PEOPLE.dana, as.dana, ports));
    expectContract(decisionViewSchema, view);
    expect(view.decision?.outcome).toBe('internal-owner');
    expect(await decisionView(ROUND_ID, PEOPLE.dana, as.lee, ports)).toMatchObject({ kind: 'forbidden' });
    const report = ok(await roundReportFor(ROUND_ID, as.omar, ports));
    expectContract(roundReportSchema, report);
    expect(report.decisions['internal-owner']).toBe(1);
    const map = ok(await capabilityFor(ROUND_ID, as.omar, ports));
    expectContract(capabilityMapSchema, map);
    expect(map.tools.map((t) => [t.tool, t.holders])).toEqual([[expect.any(String), 1]]);
    expect(await roundReportFor(ROUND_ID, as.maria, ports)).toMatchObject({ kind: 'forbidden' });
    expect(await capabilityFor(ROUND_ID, as.dana, ports)).toMatchObject({ kind: 'forbidden' });
  });
});
