import { isDomainError, type DomainError } from '../../src/domain/errors';
import { isSensitiveDataFound } from '../../src/domain/sensitiveData';
import { saveAsset } from '../../src/usecases/assets';
import { DECISION_EFFECTS_JOB_KIND, recordDecision, runDecisionEffects } from '../../src/usecases/decisions';
import { saveJournal } from '../../src/usecases/journal';
import { PEOPLE, ROUND_ID } from '../support/builders';
import { runQueuedJobs } from '../support/fakes';
import { aWorld, as } from './world';

// Step 4 (journal, assets) and step 6 (decisions and their effects) as rules, on the in-memory ports.

function ok<T>(value: T | DomainError | object): T {
  if (isDomainError(value)) throw new Error(`expected success, got ${value.kind}: ${value.message}`);
  if (isSensitiveDataFound(value)) throw new Error('expected success, got sensitive-data findings');
  return value as T;
}

const WEDNESDAY_IN_WEEK_1 = '2025-03-12T10:00:00.000Z'; // the window opened on Monday 10 March
const SETTINGS = { dashboardUrl: 'https://tab.example/tab/' };

describe('a journal entry', () => {
  it('is saved once per week; the same submission again is the same entry', async () => {
    const { ports, experiment } = await aWorld({ now: WEDNESDAY_IN_WEEK_1, experiment: 'practising' });
    const saved = ok<{ created: boolean; entry: { version: number } }>(await saveJournal(ROUND_ID, as.dana, '2025-03-10', { improved: 'The summary took 40 minutes', hoursPractised: 1.5 }, ports));
    expect(saved.created).toBe(true);
    const again = ok<{ created: boolean }>(await saveJournal(ROUND_ID, as.dana, '2025-03-10', { improved: 'The summary took 40 minutes', hoursPractised: 1.5 }, ports));
    expect(again.created).toBe(false);
    expect((await ports.journals.listForExperiment(experiment!.id)).map((e) => e.weekStart)).toEqual(['2025-03-10']);
  });

  it('stores nothing when new text holds sensitive data and no choice was made; "redact" stores it redacted', async () => {
    const { ports, experiment } = await aWorld({ now: WEDNESDAY_IN_WEEK_1, experiment: 'practising', round: { sensitiveTerms: ['Contoso Bank'] } });
    const input = { improved: 'Sent the draft to jo@client.example about Contoso Bank', hoursPractised: 1 };
    const found = await saveJournal(ROUND_ID, as.dana, '2025-03-10', input, ports);
    expect(isSensitiveDataFound(found) && found.findings.map((f) => f.kind).sort()).toEqual(['email', 'round_term']);
    expect(await ports.journals.listForExperiment(experiment!.id)).toEqual([]);
    ok(await saveJournal(ROUND_ID, as.dana, '2025-03-10', { ...input, sensitiveData: 'redact' }, ports));
    const stored = (await ports.journals.get(experiment!.id, '2025-03-10'))!.entry.improved;
    expect(stored).not.toContain('jo@client.example');
    expect(stored).not.toContain('Contoso Bank');
  });

  it('is refused before practice starts, and for a week not named by its Monday', async () => {
    const early = await aWorld({ now: '2025-03-05T10:00:00.000Z', experiment: 'approved' });
    expect(isDomainError(await saveJournal(ROUND_ID, as.dana, '2025-03-03', { improved: 'Too early', hoursPractised: 1 }, early.ports))).toBe(true);
    const { ports } = await aWorld({ now: WEDNESDAY_IN_WEEK_1, experiment: 'practising' });
    const tuesday = await saveJournal(ROUND_ID, as.dana, '2025-03-11', { improved: 'Wrong day', hoursPractised: 1 }, ports);
    expect(isDomainError(tuesday) && tuesday.kind).toBe('invalid_input');
  });
});

describe('saving an asset', () => {
  const prompt = { kind: 'prompt', title: 'Pipeline summary prompt', content: 'Summarise this pipeline export in five bullets.', goodFor: 'the weekly pipeline call', submissionId: 'a1b2c3d4-0000-4000-8000-000000000001' };

  it('saves from an approved experiment; the same submission id twice is one asset', async () => {
    const { ports } = await aWorld({ now: WEDNESDAY_IN_WEEK_1, experiment: 'practising' });
    expect(ok<{ created: boolean }>(await saveAsset(ROUND_ID, as.dana, prompt, ports)).created).toBe(true);
    expect(ok<{ created: boolean }>(await saveAsset(ROUND_ID, as.dana, prompt, ports)).created).toBe(false);
    expect(await ports.assets.listForAuthor(ROUND_ID, PEOPLE.dana)).toHaveLength(1);
  });

  it('refuses someone else’s submission id, a plan not yet approved, and asks about sensitive data first', async () => {
    const { ports } = await aWorld({ now: WEDNESDAY_IN_WEEK_1, experiment: 'practising' });
    ok(await saveAsset(ROUND_ID, as.dana, prompt, ports));
    const lees = await saveAsset(ROUND_ID, as.lee, prompt, ports);
    expect(isDomainError(lees) && lees.kind).toBe('conflict');
    const submitted = await aWorld({ now: WEDNESDAY_IN_WEEK_1, experiment: 'submitted' });
    const early = await saveAsset(ROUND_ID, as.dana, prompt, submitted.ports);
    expect(isDomainError(early) && early.kind).toBe('conflict');
    const found = await saveAsset(ROUND_ID, as.dana, { ...prompt, submissionId: 'a1b2c3d4-0000-4000-8000-000000000002', content: 'Mail it to jo@client.example' }, ports);
    expect(isSensitiveDataFound(found)).toBe(true);
    expect(await ports.assets.listForAuthor(ROUND_ID, PEOPLE.dana)).toHaveLength(1);
  });
});

describe('recording a decision', () => {
  // Monday 31 March 2025, 10:50 in London (BST, UTC+1): the morning of the shareback (14:00), so deciding now is
  // deciding early, which the owner says explicitly.
  const MONDAY_10_50_LONDON = '2025-03-31T09:50:00.000Z';
  const followUp = { outcome: 'manager-follow-up', ownerId: PEOPLE.omar, dueDate: '2025-04-15', decideEarly: true, earlyReason: 'Decided on the morning of the shareback' };

  it('only an owner records it; the experiment is decided and its effects are handed to a job', async () => {
    const { ports, experiment } = await aWorld({ now: MONDAY_10_50_LONDON, experiment: 'practising' });
    for (const caller of [as.dana, as.maria, as.sam]) {
      const refusal = await recordDecision(ROUND_ID, PEOPLE.dana, followUp, undefined, caller, ports);
      expect(isDomainError(refusal) && refusal.kind).toBe('forbidden');
    }
    const decided = ok<{ experiment: { state: string; version: number; id: string } }>(await recordDecision(ROUND_ID, PEOPLE.dana, followUp, undefined, as.omar, ports));
    expect(decided.experiment.state).toBe('decided');
    expect(ports.jobs.ofKind(DECISION_EFFECTS_JOB_KIND)).toEqual([{ kind: DECISION_EFFECTS_JOB_KIND, id: `effects:${experiment!.id}:v${decided.experiment.version}`, payload: { roundId: ROUND_ID, participantId: PEOPLE.dana } }]);
  });

  it('refuses an edit made on a form older than the stored decision, and says what it now is', async () => {
    const { ports } = await aWorld({ now: MONDAY_10_50_LONDON, experiment: 'practising' });
    const first = ok<{ experiment: { version: number } }>(await recordDecision(ROUND_ID, PEOPLE.dana, followUp, undefined, as.omar, ports));
    ok(await recordDecision(ROUND_ID, PEOPLE.dana, { ...followUp, dueDate: '2025-04-20' }, first.experiment.version, as.omar, ports));
    const stale = await recordDecision(ROUND_ID, PEOPLE.dana, { ...followUp, dueDate: '2025-04-30' }, first.experiment.version, as.priya, ports);
    expect(isDomainError(stale) && stale.kind).toBe('conflict');
    expect(isDomainError(stale) && 'current' in stale && stale.current?.decision?.dueDate).toBe('2025-04-20');
  });

  it('books the follow-up at the first half hour both are free, tells the participant, and does it once', async () => {
    const { ports } = await aWorld({ now: MONDAY_10_50_LONDON, experiment: 'practising' });
    ports.calendar.addEvent(PEOPLE.dana, { start: '2025-03-31T09:00:00.000Z', end: '2025-03-31T11:00:00.000Z' }); // Dana busy until 12:00 London
    ports.calendar.addEvent(PEOPLE.maria, { start: '2025-03-31T11:00:00.000Z', end: '2025-03-31T11:30:00.000Z' }); // Maria busy 12:00–12:30
    ok(await recordDecision(ROUND_ID, PEOPLE.dana, followUp, undefined, as.omar, ports));
    const run = await runDecisionEffects(ROUND_ID, PEOPLE.dana, ports);
    expect(run.ran).toHaveLength(2);
    const booked = (await ports.calendar.listEvents(PEOPLE.maria, { start: '2025-03-31T00:00:00.000Z', end: '2025-04-01T00:00:00.000Z' })).filter((e) => e.transactionId !== null);
    expect(booked.map((e) => [e.start, e.end])).toEqual([['2025-03-31T11:30:00.000Z', '2025-03-31T12:00:00.000Z']]);
    expect(ports.calendar.attendeesOf(PEOPLE.maria, booked[0]!.eventId).map((a) => a.name)).toEqual(['Dana Participant']);
    // The participant is told by the decision notice the effects queued (the registry's card for it).
    await runQueuedJobs(ports, { ...SETTINGS, tabEndpoint: null }, ['decision.notice']);
    expect(ports.messenger.sent.map((s) => s.conversationId)).toEqual([`a:personal-${PEOPLE.dana}`]);

    const retried = await runDecisionEffects(ROUND_ID, PEOPLE.dana, ports);
    expect(retried).toEqual({ ran: [], skipped: run.ran });
    await runQueuedJobs(ports, { ...SETTINGS, tabEndpoint: null }, ['decision.notice']);
    expect(ports.calendar.events(PEOPLE.maria).filter((e) => e.transactionId !== null)).toHaveLength(1);
    expect(ports.messenger.sent).toHaveLength(1);
  });
});
