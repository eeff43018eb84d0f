import { kickoffCardIn } from '../../src/jobs/kickoffHandler';
import { parseUserId, type UserId } from '../../src/domain/ids';
import { DeliveryError } from '../../src/ports/chatMessenger';
import { deliverKickoffBatch, kickoffBatchJobs, KICKOFF_PEOPLE_PER_JOB } from '../../src/usecases/kickoff';
import { parsePayload } from '../../src/usecases/jobKinds';
import { aRound, NOW } from '../support/builders';
import { fakePorts } from '../support/fakes';

// One group's kickoff on the in-memory ports: the per-person lock holds inside a batch, and one person's trouble
// (an ETag race, a blocked app, a busy connector) is theirs alone.
function setUp(count: number) {
  const ports = fakePorts({ now: NOW });
  const round = aRound({ status: 'open' });
  const people = Array.from({ length: count }, (_, i) => parseUserId(`b3c40000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`)!);
  return { ports, round, people };
}

async function open(ports: ReturnType<typeof fakePorts>, round: ReturnType<typeof aRound>, people: readonly UserId[]) {
  await ports.roundMembers.addQueued(round.id, people.map((userId) => ({ userId, via: 'manager' as const })), NOW);
  return kickoffBatchJobs(round, people.map((userId) => ({ userId, displayName: `Person ${userId.slice(-2)}` }))).map((job) => parsePayload('kickoff.batch', job.payload));
}

const options = (attempt = 1) => ({ attempt, maxAttempts: 5, renderCard: (round: Parameters<typeof kickoffCardIn>[0], recipient: Parameters<typeof kickoffCardIn>[1]) => kickoffCardIn(round, recipient, NOW) });

describe('a kickoff group', () => {
  it('is cut into jobs of 20 neighbours in id order, each carrying the card data', async () => {
    const { ports, round, people } = setUp(45);
    const batches = await open(ports, round, [...people].reverse());
    expect(batches.map((b) => b.people.length)).toEqual([KICKOFF_PEOPLE_PER_JOB, KICKOFF_PEOPLE_PER_JOB, 5]);
    expect(batches.flatMap((b) => b.people.map((p) => p.userId))).toEqual([...people].sort());
    expect(batches[0]!.round).toMatchObject({ id: round.id, name: round.name, shareback: round.shareback });
  });

  it('sends once to everyone, and a second run of the same job sends nothing', async () => {
    const { ports, round, people } = setUp(20);
    const [batch] = await open(ports, round, people);
    const first = await deliverKickoffBatch(batch!, ports, options());
    expect([...first.outcomes.values()]).toEqual(people.map(() => 'sent'));
    expect(ports.messenger.sent).toHaveLength(20);
    const again = await deliverKickoffBatch(batch!, ports, options(2));
    expect([...again.outcomes.values()]).toEqual(people.map(() => 'already-sent'));
    expect(ports.messenger.sent).toHaveLength(20);
    // The chat found through the install is kept on the row: a resend needs no Graph.
    expect((await ports.roundMembers.get(round.id, people[0]!))?.member.chatId).toBe(`a:personal-${people[0]}`);
  });

  it('leaves out only the person whose row another worker claimed first, and records each failure as that person\'s', async () => {
    const { ports, round, people } = setUp(6);
    const [batch] = await open(ports, round, people);
    const [taken, blocked, busy] = people as [UserId, UserId, UserId];
    // Another worker claims one row between this job's read and its claim (the transaction then fails whole).
    const updateMany = ports.roundMembers.updateMany.bind(ports.roundMembers);
    let raced = false;
    (ports.roundMembers as { updateMany: typeof updateMany }).updateMany = async (roundId, updates) => {
      if (!raced) {
        raced = true;
        const row = (await ports.roundMembers.get(roundId, taken))!;
        await ports.roundMembers.update({ ...row.member, delivery: 'sending', deliveryAttempts: 1 }, row.etag);
      }
      return updateMany(roundId, updates);
    };
    ports.messenger.failNext(`a:personal-${blocked}`, new DeliveryError('The person has blocked the app in Teams (403).', false));
    ports.messenger.failNext(`a:personal-${busy}`, new DeliveryError('The Bot Connector was not ready after 5 attempts (last: 429); try again later.', true));

    const result = await deliverKickoffBatch(batch!, ports, options());
    expect(result.outcomes.get(taken)).toBe('taken-by-another-worker');
    expect(result.retry).toEqual([busy]);
    const rows = await ports.roundMembers.getMany(round.id, people);
    expect(rows.get(blocked)?.member).toMatchObject({ delivery: 'failed', deliveryReason: expect.stringMatching(/blocked the app/) });
    expect(rows.get(busy)?.member).toMatchObject({ delivery: 'queued', deliveryReason: expect.stringMatching(/not ready/) });
    expect(rows.get(taken)?.member.delivery).toBe('sending'); // the other worker's claim, untouched
    for (const userId of people.slice(3)) expect(rows.get(userId)?.member.delivery).toBe('sent');
    expect(ports.messenger.sent.map((s) => s.conversationId).sort()).toEqual(people.slice(3).map((id) => `a:personal-${id}`).sort());

    // The queue's next run of the job: the busy person is sent, nobody else is touched.
    const retried = await deliverKickoffBatch(batch!, ports, options(2));
    expect(retried.outcomes.get(busy)).toBe('sent');
    expect(ports.messenger.sent).toHaveLength(4);
  });
});
