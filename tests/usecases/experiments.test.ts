import { isDomainError, type DomainError } from '../../src/domain/errors';
import type { Experiment } from '../../src/domain/experiment';
import { ConcurrencyConflictError } from '../../src/ports/storageErrors';
import { BOOKING_JOB_KIND, PLAN_NOTICE_JOB_KIND, REVIEW_REQUEST_JOB_KIND, acknowledgePolicy, participantView, reviewPlan, saveSelection, submitPlan } from '../../src/usecases/experiments';
import { aHypothesis, aSelection, PEOPLE, ROUND_ID } from '../support/builders';
import { aWorld, as } from './world';

// Steps 1–2 as rules, on the in-memory ports: who may do what, what is saved, what is handed on.

const acknowledgement = { policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } };

function ok<T>(value: T | DomainError): T {
  if (isDomainError(value)) throw new Error(`expected success, got ${value.kind}: ${value.message}`);
  return value;
}

function refused(value: unknown): DomainError['kind'] {
  if (!isDomainError(value)) throw new Error(`expected a refusal, got ${JSON.stringify(value).slice(0, 200)}`);
  return value.kind;
}

describe('acknowledging the safe-use policy', () => {
  it('records the confirmation and creates the draft experiment once', async () => {
    const { ports } = await aWorld();
    const first = ok(await acknowledgePolicy(ROUND_ID, acknowledgement, as.dana, ports));
    expect(first.experiment?.state).toBe('draft');
    const again = ok(await acknowledgePolicy(ROUND_ID, acknowledgement, as.dana, ports));
    expect(again.experiment?.id).toBe(first.experiment?.id);
    expect(await ports.experiments.listForRound(ROUND_ID)).toHaveLength(1);
    expect(ok(await participantView(ROUND_ID, as.dana, ports)).needsAcknowledgement).toBe(false);
  });

  it('refuses people outside the round, a round not yet open, and a version that is not the current one', async () => {
    const { ports } = await aWorld();
    expect(refused(await acknowledgePolicy(ROUND_ID, acknowledgement, as.sam, ports))).toBe('forbidden');
    expect(refused(await acknowledgePolicy(ROUND_ID, { ...acknowledgement, policyVersion: 2 }, as.dana, ports))).toBeDefined();
    expect(await ports.experiments.get(ROUND_ID, PEOPLE.dana)).toBeNull();
    const draft = await aWorld({ round: { status: 'draft' } });
    expect(refused(await acknowledgePolicy(ROUND_ID, acknowledgement, as.dana, draft.ports))).toBe('conflict');
  });
});

describe('saving the selection', () => {
  it('saves it on the participant’s own experiment and moves the version on', async () => {
    const { ports } = await aWorld();
    ok(await acknowledgePolicy(ROUND_ID, acknowledgement, as.dana, ports));
    const saved = ok(await saveSelection(ROUND_ID, aSelection(), undefined, as.dana, ports));
    expect(saved.changed).toBe(true);
    expect(saved.experiment.selection?.kpi).toBe(aSelection().kpi);
    expect((await ports.experiments.get(ROUND_ID, PEOPLE.dana))?.experiment.version).toBe(saved.experiment.version);
  });

  it('refuses a card older than what is stored, and someone with no experiment', async () => {
    const { ports } = await aWorld();
    ok(await acknowledgePolicy(ROUND_ID, acknowledgement, as.dana, ports));
    const saved = ok(await saveSelection(ROUND_ID, aSelection(), undefined, as.dana, ports));
    ok(await saveSelection(ROUND_ID, aSelection({ kpi: 'Second save' }), saved.experiment.version, as.dana, ports));
    expect(refused(await saveSelection(ROUND_ID, aSelection({ kpi: 'From a stale card' }), saved.experiment.version, as.dana, ports))).toBe('conflict');
    expect((await ports.experiments.get(ROUND_ID, PEOPLE.dana))?.experiment.selection?.kpi).toBe('Second save');
    expect(refused(await saveSelection(ROUND_ID, aSelection(), undefined, as.lee, ports))).toBe('not_found');
  });

  it('decides again from fresh state when another write won the race', async () => {
    const { ports } = await aWorld();
    ok(await acknowledgePolicy(ROUND_ID, acknowledgement, as.dana, ports));
    const update = ports.experiments.update.bind(ports.experiments);
    let races = 0;
    ports.experiments.update = async (experiment: Experiment, etag: string) => {
      if (races++ === 0) {
        const current = (await ports.experiments.get(experiment.roundId, experiment.participantId))!;
        await update(current.experiment, current.etag); // someone else's write lands first: the ETag moves on
        throw new ConcurrencyConflictError('experiment');
      }
      return update(experiment, etag);
    };
    const saved = ok(await saveSelection(ROUND_ID, aSelection(), undefined, as.dana, ports));
    expect(races).toBe(2);
    expect((await ports.experiments.get(ROUND_ID, PEOPLE.dana))?.experiment.selection?.kpi).toBe(saved.experiment.selection?.kpi);
  });
});

describe('submitting the plan', () => {
  it('sends it to the manager in the directory and asks them once', async () => {
    const { ports } = await aWorld();
    ok(await acknowledgePolicy(ROUND_ID, acknowledgement, as.dana, ports));
    ok(await saveSelection(ROUND_ID, aSelection(), undefined, as.dana, ports));
    const submitted = ok(await submitPlan(ROUND_ID, aHypothesis(), undefined, as.dana, ports));
    expect(submitted.experiment).toMatchObject({ state: 'submitted', reviewerId: PEOPLE.maria });
    expect(ports.jobs.ofKind(REVIEW_REQUEST_JOB_KIND)).toEqual([{ kind: REVIEW_REQUEST_JOB_KIND, id: `review:${submitted.experiment.id}:${submitted.experiment.version}`, payload: { roundId: ROUND_ID, participantId: PEOPLE.dana } }]);
    expect((await ports.experiments.listForReviewer(PEOPLE.maria)).map((l) => l.state)).toEqual(['submitted']);
  });

  it('goes to the round’s owner when the participant has no manager', async () => {
    const { ports } = await aWorld();
    const dana = (await ports.directory.getPerson(PEOPLE.dana))!;
    ports.directory.put({ id: dana.id, displayName: dana.displayName, mail: dana.mail!, jobTitle: 'Analyst', department: 'Sales', managerId: null, windowsTimeZone: 'GMT Standard Time', workingHours: { daysOfWeek: ['monday'], startTime: '09:00', endTime: '17:00' } });
    ok(await acknowledgePolicy(ROUND_ID, acknowledgement, as.dana, ports));
    ok(await saveSelection(ROUND_ID, aSelection(), undefined, as.dana, ports));
    expect(ok(await submitPlan(ROUND_ID, aHypothesis(), undefined, as.dana, ports)).experiment.reviewerId).toBe(PEOPLE.omar);
  });

  it('refuses a plan whose policy confirmation is out of date, and queues nothing', async () => {
    const { ports } = await aWorld();
    ok(await acknowledgePolicy(ROUND_ID, acknowledgement, as.dana, ports));
    ok(await saveSelection(ROUND_ID, aSelection(), undefined, as.dana, ports));
    const stored = (await ports.rounds.getWithParticipants(ROUND_ID))!;
    const republished = { ...stored.round, version: stored.round.version + 1, policy: { versions: [...stored.round.policy.versions, { ...stored.round.policy.versions[0]!, version: 2, text: 'A stricter policy.' }] } };
    await ports.rounds.update(republished, stored.etag);
    expect(isDomainError(await submitPlan(ROUND_ID, aHypothesis(), undefined, as.dana, ports))).toBe(true);
    expect(ports.jobs.sent).toEqual([]);
  });
});

describe('reviewing the plan', () => {
  it('approval hands the plan to the booking queue and tells the participant', async () => {
    const { ports, experiment } = await aWorld({ experiment: 'submitted' });
    const approved = ok(await reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'approve', comment: 'Go for it' }, experiment!.version, as.maria, ports));
    expect(approved.experiment.state).toBe('approved');
    expect(ports.bookingJobs.ofKind(BOOKING_JOB_KIND)).toEqual([{ kind: BOOKING_JOB_KIND, id: `book:${experiment!.id}`, payload: { roundId: ROUND_ID, participantId: PEOPLE.dana, experimentId: experiment!.id } }]);
    expect(ports.jobs.ofKind(PLAN_NOTICE_JOB_KIND).map((j) => j.id)).toEqual([`notice:${experiment!.id}:${approved.experiment.version}`]);
  });

  it('asking for changes needs a comment, books nothing, and the plan goes back to the participant', async () => {
    const { ports, experiment } = await aWorld({ experiment: 'submitted' });
    expect(refused(await reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'requestChanges', comment: '' }, experiment!.version, as.maria, ports))).toBe('invalid_input');
    const changed = ok(await reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'requestChanges', comment: 'Pick one report, not all three.' }, experiment!.version, as.maria, ports));
    expect(changed.experiment.state).toBe('changes_requested');
    expect(ports.bookingJobs.sent).toEqual([]);
    expect(ports.jobs.ofKind(PLAN_NOTICE_JOB_KIND)).toHaveLength(1);
  });

  it('only the reviewer the plan was sent to may decide on it; a second approval changes nothing', async () => {
    const { ports, experiment } = await aWorld({ experiment: 'submitted' });
    for (const caller of [as.sam, as.lee, as.dana]) expect(refused(await reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'approve' }, experiment!.version, caller, ports))).toBe('forbidden');
    const approved = ok(await reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'approve' }, experiment!.version, as.maria, ports));
    const again = await reviewPlan(ROUND_ID, PEOPLE.dana, { kind: 'approve' }, approved.experiment.version, as.maria, ports);
    if (!isDomainError(again)) expect(again.changed).toBe(false);
    expect(ports.bookingJobs.sent).toHaveLength(1);
  });
});
