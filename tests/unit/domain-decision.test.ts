import { decisionEffects, describeDecision, firstFreeSlot } from '../../src/domain/decision';
import { applyCommand, decidedEarly, type Experiment } from '../../src/domain/experiment';
import { isDomainError } from '../../src/domain/errors';
import type { WorkingHours } from '../../src/domain/planner';
import { NOW, PEOPLE, aDecision, anExperiment, asOwner, later } from '../support/builders';

const AT = later(NOW, 60);

function decide(experiment: Experiment, decision = aDecision(), expectedVersion?: number): Experiment {
  const result = applyCommand(experiment, { kind: 'recordDecision', actor: asOwner, decision, expectedVersion }, AT);
  if (isDomainError(result)) throw new Error(result.message);
  return result.experiment;
}

describe('recording a decision', () => {
  it('needs an owner and a due date, each named beside its field', () => {
    const result = applyCommand(anExperiment({ state: 'sharing' }), { kind: 'recordDecision', actor: asOwner, decision: { outcome: 'manager-follow-up' } as never }, AT);
    expect(isDomainError(result) && result.kind === 'invalid_input' ? result.fieldErrors : null).toEqual({
      ownerId: 'Name the person who owns this decision.', dueDate: 'Give the date this is due, as YYYY-MM-DD.',
    });
  });

  it.each([
    ['paid-licence', { tool: undefined, seats: undefined, approver: undefined }, ['tool', 'seats', 'approver']],
    ['internal-owner', {}, ['internalOwnerId']],
    ['stop', {}, ['learned']],
  ] as const)('%s asks for its own details', (outcome, extra, fields) => {
    const result = applyCommand(anExperiment({ state: 'sharing' }), { kind: 'recordDecision', actor: asOwner, decision: aDecision({ outcome, tool: undefined, seats: undefined, approver: undefined, ...extra }) }, AT);
    expect(isDomainError(result) && result.kind === 'invalid_input' ? Object.keys(result.fieldErrors ?? {}) : null).toEqual(fields);
  });

  it('refuses a second owner who did not see the first decision, and keeps history on an edit', () => {
    const first = decide(anExperiment({ state: 'sharing' }));
    const clash = applyCommand(first, { kind: 'recordDecision', actor: asOwner, decision: aDecision({ outcome: 'manager-follow-up' }) }, AT);
    expect(clash).toMatchObject({ kind: 'conflict' });
    const edited = decide(first, aDecision({ outcome: 'manager-follow-up' }), first.version);
    expect(edited.decision).toMatchObject({ outcome: 'manager-follow-up', revision: 2, previous: [{ outcome: 'paid-licence', revision: 1 }] });
    expect(edited.state).toBe('decided');
  });
});

describe('decisionEffects', () => {
  const sharing = anExperiment({ state: 'sharing' });
  it.each([
    ['manager-follow-up', {}, ['book-follow-up', 'notify-participant']],
    ['another-round', { scope: 'EMEA only' }, ['carry-over', 'notify-participant']],
    ['paid-licence', {}, ['licence-reminder', 'notify-participant']],
    ['internal-owner', { internalOwnerId: PEOPLE.lee }, ['notify-participant']],
    ['stop', { learned: 'Too slow on our data' }, ['notify-participant']],
  ] as const)('%s → %j', (outcome, extra, kinds) => {
    expect(decisionEffects(decide(sharing, aDecision({ outcome, ...extra }))).map((e) => e.kind)).toEqual(kinds);
  });

  it('gives each effect a deterministic id (the same decision twice = the same ids)', () => {
    const once = decisionEffects(decide(sharing, aDecision({ outcome: 'manager-follow-up' })));
    const again = decisionEffects(decide(sharing, aDecision({ outcome: 'manager-follow-up' })));
    expect(again).toEqual(once);
    expect(once[0]).toMatchObject({ transactionId: `pl:followup:${sharing.id}` });
  });

  it('books nothing again when an edit keeps the outcome (only the notice), and a new reminder when the due date moves', () => {
    const first = decide(sharing, aDecision());
    const noteOnly = decide(first, aDecision({ note: 'Ask finance first' }), first.version);
    expect(decisionEffects(noteOnly).map((e) => e.kind)).toEqual(['notify-participant']);
    const moved = decide(first, aDecision({ dueDate: '2025-06-30' }), first.version);
    expect(decisionEffects(moved)[0]).toMatchObject({ kind: 'licence-reminder', transactionId: `pl:licence:${sharing.id}:2025-06-30` });
  });

  it('describes the decision in one line', () => {
    const line = describeDecision(decide(sharing).decision!, (id) => (id === PEOPLE.omar ? 'Omar' : id));
    expect(line).toBe('Paid licence: 5 seats of Microsoft 365 Copilot, approved by Finance director; owner Omar, due 30 May 2025.');
  });
});

describe('firstFreeSlot', () => {
  const london: WorkingHours = { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '09:00', endTime: '17:00', timeZone: 'Europe/London' };
  const kolkata: WorkingHours = { ...london, timeZone: 'Asia/Kolkata' };

  it('finds the first half hour both are free, on the 15-minute grid', () => {
    // Monday 31 March 2025 (BST): now 09:50Z = 10:50 local; participant busy until 12:00 local (11:00Z).
    const slot = firstFreeSlot({ now: '2025-03-31T09:50:00.000Z', durationMinutes: 30, workingDays: 10, people: [
      { workingHours: london, busy: [{ start: '2025-03-31T08:00:00.000Z', end: '2025-03-31T11:00:00.000Z' }] },
      { workingHours: london, busy: [] },
    ] });
    expect(slot).toEqual({ start: '2025-03-31T11:00:00.000Z', end: '2025-03-31T11:30:00.000Z' });
  });

  it('only uses the overlap of both people’s working hours (London and Kolkata)', () => {
    // Kolkata 09:00–17:00 = 03:30–11:30Z; London (BST) 09:00–17:00 = 08:00–16:00Z → overlap 08:00–11:30Z.
    const slot = firstFreeSlot({ now: '2025-03-31T06:00:00.000Z', durationMinutes: 30, workingDays: 10, people: [
      { workingHours: kolkata, busy: [] }, { workingHours: london, busy: [] },
    ] });
    expect(slot?.start).toBe('2025-03-31T08:00:00.000Z');
  });

  it('crosses the clocks going forward: Friday too late (GMT) → Monday 09:00 BST = 08:00Z', () => {
    const slot = firstFreeSlot({ now: '2025-03-28T16:50:00.000Z', durationMinutes: 30, workingDays: 10, people: [{ workingHours: london, busy: [] }, { workingHours: london, busy: [] }] });
    expect(slot).toEqual({ start: '2025-03-31T08:00:00.000Z', end: '2025-03-31T08:30:00.000Z' });
  });

  it('skips the weekend and returns null when the 10 working days are full', () => {
    const friday = firstFreeSlot({ now: '2025-04-04T15:50:00.000Z', durationMinutes: 30, workingDays: 10, people: [{ workingHours: london, busy: [] }, { workingHours: london, busy: [] }] });
    expect(friday?.start).toBe('2025-04-07T08:00:00.000Z');
    const full = firstFreeSlot({ now: '2025-03-31T06:00:00.000Z', durationMinutes: 30, workingDays: 10, people: [
      { workingHours: london, busy: [{ start: '2025-03-30T00:00:00.000Z', end: '2025-04-30T00:00:00.000Z' }] }, { workingHours: london, busy: [] },
    ] });
    expect(full).toBeNull();
  });
});

describe('deciding before the shareback', () => {
  const shareback = { startsAt: later(AT, 60 * 24 * 14), timeZone: 'Asia/Kolkata' };
  const record = (decision: Record<string, unknown>, at = AT, experiment = anExperiment({ state: 'sharing' })) =>
    applyCommand(experiment, { kind: 'recordDecision', actor: asOwner, decision: decision as never, shareback }, at);

  it('refuses a first decision before the start without "decide early", saying what it would end', () => {
    const result = record(aDecision());
    expect(isDomainError(result) && result.kind === 'invalid_input' ? Object.keys(result.fieldErrors ?? {}) : null).toEqual(['decideEarly']);
    expect(isDomainError(result) ? result.message : '').toMatch(/^The shareback is on \w+ \d+ \w+\. A decision before then ends this experiment's practice now/);
    expect(decidedEarly(null)).toBe(false);
  });

  it('needs a reason with "decide early", and keeps both on the decision', () => {
    const noReason = record({ ...aDecision(), decideEarly: true });
    expect(isDomainError(noReason) && noReason.kind === 'invalid_input' ? noReason.fieldErrors : null).toEqual({ earlyReason: expect.stringMatching(/^Say why you are deciding before the shareback/) });
    const decided = record({ ...aDecision(), decideEarly: true, earlyReason: 'Adopted by the whole team already.' });
    if (isDomainError(decided)) throw new Error(decided.message);
    expect(decided.experiment.decision).toMatchObject({ decideEarly: true, earlyReason: 'Adopted by the whole team already.' });
    expect(decidedEarly(decided.experiment.decision)).toBe(true);
  });

  it('asks nothing at or after the start, or for an edit of a decision already recorded', () => {
    const atStart = record(aDecision(), shareback.startsAt);
    if (isDomainError(atStart)) throw new Error(atStart.message);
    expect(decidedEarly(atStart.experiment.decision)).toBe(false);
    const edit = applyCommand(atStart.experiment, { kind: 'recordDecision', actor: asOwner, decision: aDecision({ note: 'Moved on' }), shareback, expectedVersion: atStart.experiment.version }, AT);
    expect(isDomainError(edit)).toBe(false);
  });
});
