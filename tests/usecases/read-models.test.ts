import type { z } from 'zod';
import { isDomainError, type DomainError } from '../../src/domain/errors';
import { experimentIdFor } from '../../src/domain/roundIds';
import { roundOutlineAnswerSchema, participantViewSchema } from '../../src/contracts/participant';
import { ownerOverviewSchema, roundFunnelSchema } from '../../src/contracts/owner';
import { roundFunnelQuery } from '../../src/usecases/queries/funnel';
import { ownerOverviewQuery } from '../../src/usecases/queries/ownerOverview';
import { NAME_REUSE_IN_MS } from '../../src/usecases/queries/common';
import { participantViewQuery, roundOutlineQuery } from '../../src/usecases/queries/participantView';
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
