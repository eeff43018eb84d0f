import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableAcknowledgementRepo, createTableExperimentRepo } from '../../src/adapters/tables/experimentRepo';
import { createTableRoundMemberRepo, createTableRoundRepo } from '../../src/adapters/tables/roundRepo';
import { ConcurrencyConflictError } from '../../src/ports/storageErrors';
import { publishPolicyVersion } from '../../src/domain/round';
import { aRound, anExperiment, NOW, ownerActor, PEOPLE, ROUND_ID, unwrap, later } from '../support/builders';
import { testConnectionString, uniquePrefix } from '../support/storage';

const prefix = uniquePrefix('repos');
const table = (name: string) => EntityTable.fromConnectionString(testConnectionString(), `${prefix}${name}`, name);
const tables = { rounds: table('Rounds'), roundsByOwner: table('RoundsByOwner'), members: table('RoundMembers'), memberships: table('Memberships'), roundsByStatus: table('RoundsByStatus') };
const rounds = createTableRoundRepo(tables);
const experimentTables = { experiments: table('Experiments'), reviewQueue: table('ReviewQueue') };
const experiments = createTableExperimentRepo(experimentTables);
const acknowledgements = createTableAcknowledgementRepo(table('Acks'), createTableRoundMemberRepo(tables));

afterAll(async () => {
  for (const t of [...Object.values(tables), ...Object.values(experimentTables)]) await t.deleteTable();
  await table('Acks').deleteTable();
});

describe('the round repository', () => {
  it('stores a round and reads back the same round, participants and policy included', async () => {
    const round = aRound({ status: 'open' });
    await rounds.create(round);
    const stored = await rounds.getWithParticipants(ROUND_ID);
    expect(stored?.round).toEqual({ ...round, participantIds: expect.arrayContaining([...round.participantIds]) });
    expect(stored?.round.participantIds).toHaveLength(round.participantIds.length);
  });

  it('loads a round without its members for everyone else', async () => {
    const { participantIds: _named, ...settings } = aRound({ status: 'open' });
    const stored = await rounds.get(ROUND_ID);
    expect(stored?.round).toEqual(settings);
    expect(stored?.round).not.toHaveProperty('participantIds');
  });

  it('keeps every policy version and adds the new one on update', async () => {
    const stored = (await rounds.getWithParticipants(ROUND_ID))!;
    const published = unwrap(publishPolicyVersion(stored.round, 'A second version of the policy, stricter about client names.', ownerActor, later(NOW, 10)));
    await rounds.update(published.round, stored.etag);
    const reread = (await rounds.get(ROUND_ID))!;
    expect(reread.round.policy.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(reread.round.policy.versions[0]).toEqual(stored.round.policy.versions[0]);
  });

  it('refuses an update from a stale read', async () => {
    const stale = (await rounds.getWithParticipants(ROUND_ID))!;
    await rounds.update({ ...stale.round, name: 'Renamed once', version: stale.round.version + 1 }, stale.etag);
    await expect(rounds.update({ ...stale.round, name: 'Renamed twice' }, stale.etag)).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect((await rounds.get(ROUND_ID))?.round.name).toBe('Renamed once');
  });

  it('lists the round for its owner', async () => {
    expect((await rounds.listForOwner(PEOPLE.omar)).map((r) => r.roundId)).toContain(ROUND_ID);
    expect(await rounds.listForOwner(PEOPLE.sam)).toEqual([]);
    expect(await rounds.listOpen()).toEqual([ROUND_ID]);
  });
});

describe('the round member repository', () => {
  const members = createTableRoundMemberRepo(tables);

  it('queues people once: adding them again leaves their delivery state alone', async () => {
    const roundId = ROUND_ID;
    const current = (await members.get(roundId, PEOPLE.dana))!;
    await members.update({ ...current.member, delivery: 'sent' }, current.etag);
    const added = await members.addQueued(roundId, [{ userId: PEOPLE.dana, via: 'named' }, { userId: PEOPLE.sam, via: 'manager' }], NOW);
    expect(added).toEqual([PEOPLE.sam]);
    expect((await members.get(roundId, PEOPLE.dana))!.member.delivery).toBe('sent');
    expect(await members.roundsOf(PEOPLE.sam)).toEqual([roundId]);
  });
});

describe('the experiment repository', () => {
  it('round-trips text with / \\ # ?, quotes, emoji and OData syntax unchanged', async () => {
    const experiment = anExperiment({ state: 'submitted' });
    const tricky = `Drafting /replies\\ #1? "quoted" 'single' 🚀 ' or 1 eq 1 -- $filter=PartitionKey ne ''`;
    const withText = { ...experiment, selection: { ...experiment.selection!, kpi: tricky } };
    await experiments.create(withText);
    expect((await experiments.get(experiment.roundId, experiment.participantId))?.experiment.selection?.kpi).toBe(tricky);
  });

  it('puts a submitted plan in its reviewer’s queue', async () => {
    const experiment = anExperiment({ state: 'submitted' });
    const queue = await experiments.listForReviewer(experiment.reviewerId!);
    expect(queue).toEqual([expect.objectContaining({ experimentId: experiment.id, state: 'submitted', participantId: experiment.participantId })]);
  });
});

describe('the acknowledgement repository', () => {
  it('records the same confirmation once and finds a person’s latest version with a range query', async () => {
    const ack = { roundId: ROUND_ID, userId: PEOPLE.dana, policyVersion: 1, toolId: 'microsoft-365-copilot', otherToolName: null, toolTermsAccepted: true as const, acknowledgedAt: NOW };
    await acknowledgements.record(ack);
    await acknowledgements.record(ack);
    await acknowledgements.record({ ...ack, policyVersion: 2, acknowledgedAt: later(NOW, 60) });
    await acknowledgements.record({ ...ack, userId: PEOPLE.lee });
    expect((await acknowledgements.latest(ROUND_ID, PEOPLE.dana))?.policyVersion).toBe(2);
    expect(await acknowledgements.listForRound(ROUND_ID)).toHaveLength(3);
    expect(await acknowledgements.latest(ROUND_ID, PEOPLE.sam)).toBeNull();
  });

  it('keeps the newest version as the latest when versions arrive out of order or at the same moment', async () => {
    const roundId = `${ROUND_ID}-race` as typeof ROUND_ID;
    const ack = { roundId, userId: PEOPLE.dana, policyVersion: 3, toolId: 'microsoft-365-copilot', otherToolName: null, toolTermsAccepted: true as const, acknowledgedAt: NOW };
    await acknowledgements.record(ack);
    await acknowledgements.record({ ...ack, policyVersion: 1 }); // a late retry of an older confirmation
    expect((await acknowledgements.latest(roundId, PEOPLE.dana))?.policyVersion).toBe(3);
    await Promise.all([4, 6, 5].map((policyVersion) => acknowledgements.record({ ...ack, policyVersion, acknowledgedAt: later(NOW, policyVersion) })));
    expect((await acknowledgements.latest(roundId, PEOPLE.dana))?.policyVersion).toBe(6);
    expect((await acknowledgements.listForRound(roundId)).map((a) => a.policyVersion).sort()).toEqual([1, 3, 4, 5, 6]);
  });
});
