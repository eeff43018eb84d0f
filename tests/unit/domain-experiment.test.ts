import fc from 'fast-check';
import { isDomainError } from '../../src/domain/errors';
import {
  COMMAND_RULES, EXPERIMENT_STATES, MAX_WINDOW_EXTENSION_DAYS, applyCommand, illegalTransitionMessage, newExperiment, transition,
  type Experiment, type ExperimentActor, type ExperimentCommand, type ExperimentCommandKind, type ExperimentState,
} from '../../src/domain/experiment';
import { experimentIdFor } from '../../src/domain/roundIds';
import {
  NOW, PEOPLE, ROUND_ID, TENANT, aDecision, aHypothesis, aSelection, anExperiment, asOwner, asParticipant, asReviewer, expectError, later, unwrap,
} from '../support/builders';

const AT = later(NOW, 60);
const KINDS = Object.keys(COMMAND_RULES) as ExperimentCommandKind[];
const PRE_DECIDED: ExperimentState[] = ['draft', 'submitted', 'changes_requested', 'approved', 'practising', 'sharing'];

/** A valid command of each kind from someone allowed to send it. */
function commandFor(kind: ExperimentCommandKind, actor?: ExperimentActor): ExperimentCommand {
  const participantName = 'Dana Smith';
  switch (kind) {
    case 'saveSelection': return { kind, actor: actor ?? asParticipant, participantName, selection: aSelection({ kpi: 'Hours spent on internal reports' }) };
    case 'saveHypothesis': return { kind, actor: actor ?? asParticipant, participantName, hypothesis: aHypothesis({ target: { value: 40, unit: 'minutes' } }) };
    case 'submit': return { kind, actor: actor ?? asParticipant, participantName, acknowledgedCurrentPolicy: true, reviewerId: PEOPLE.maria };
    case 'approve': return { kind, actor: actor ?? asReviewer, participantName };
    case 'requestChanges': return { kind, actor: actor ?? asReviewer, participantName, comment: 'Narrow it to the Monday report only.' };
    case 'extendWindow': return { kind, actor: actor ?? asReviewer, participantName, days: 3 };
    case 'startPractice': return { kind, actor: actor ?? asParticipant, participantName, acknowledgedCurrentPolicy: true };
    case 'startSharing': return { kind, actor: actor ?? asParticipant, participantName };
    case 'recordDecision': return { kind, actor: actor ?? asOwner, participantName, decision: aDecision({ outcome: 'another-round', note: 'Run it again with the EMEA team.' }) };
    case 'withdraw': return { kind, actor: actor ?? asParticipant, participantName };
  }
}

function requestChanges(comment: string): ExperimentCommand {
  return { kind: 'requestChanges', actor: asReviewer, participantName: 'Dana Smith', comment };
}

function apply(experiment: Experiment, command: ExperimentCommand, at = AT) {
  return unwrap(applyCommand(experiment, command, at));
}

describe('newExperiment', () => {
  it('starts as a draft at version 1 with the id derived from round and person', () => {
    expect(newExperiment(ROUND_ID, PEOPLE.dana, TENANT, '2025-03-01T10:00:00+01:00')).toEqual<Experiment>({
      id: experimentIdFor(ROUND_ID, PEOPLE.dana),
      roundId: ROUND_ID,
      participantId: PEOPLE.dana,
      tenantId: TENANT,
      state: 'draft',
      version: 1,
      selection: null,
      hypothesis: null,
      reviewerId: null,
      reviews: [],
      windowExtensionDays: 0,
      decision: null,
      history: [],
      createdAt: NOW,
      updatedAt: NOW,
    });
  });
});

describe('every legal transition', () => {
  const legal = KINDS.flatMap((kind) => COMMAND_RULES[kind].from.flatMap((from) =>
    COMMAND_RULES[kind].relations.map((relation) => [kind, from, relation, COMMAND_RULES[kind].to ?? from] as const)));

  it('covers the design: draft → submitted → (changes_requested → submitted)* → approved → practising → sharing → decided', () => {
    const moves = new Set(legal.filter(([, from, , to]) => from !== to).map(([, from, , to]) => `${from}→${to}`));
    expect([...moves].sort()).toEqual([
      'approved→practising', 'approved→sharing', 'approved→withdrawn', 'changes_requested→submitted', 'changes_requested→withdrawn',
      'draft→submitted', 'draft→withdrawn', 'practising→sharing', 'practising→withdrawn', 'sharing→decided', 'sharing→withdrawn',
      'submitted→approved', 'submitted→changes_requested', 'submitted→withdrawn',
    ]);
  });

  it.each(legal)('%s from %s by the %s → %s', (kind, from, relation, to) => {
    const before = anExperiment({ state: from, planned: true });
    const actor = relation === 'participant' ? asParticipant : relation === 'reviewer' ? asReviewer : asOwner;
    const { experiment: after, changed } = apply(before, { ...commandFor(kind, actor), expectedVersion: before.version });
    expect(changed).toBe(true);
    expect(after.state).toBe(to);
    expect(after.version).toBe(before.version + 1);
    expect(after.updatedAt).toBe(AT);
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.history).toEqual([...before.history, { at: AT, by: actor.userId, command: kind, from, to }]);
  });
});

describe('illegal transitions', () => {
  it.each<[ExperimentCommandKind, ExperimentState, string]>([
    ['approve', 'draft', "This plan hasn't been sent for review yet, so there is nothing to approve."],
    ['approve', 'changes_requested', 'Changes were requested on this plan; you can approve it once it is sent again.'],
    ['requestChanges', 'draft', "This plan hasn't been sent for review yet, so there is nothing to comment on."],
    ['requestChanges', 'approved', 'This plan has already been approved, so changes can no longer be requested; talk it through at your next check-in instead.'],
    ['requestChanges', 'changes_requested', 'Changes have already been requested; the plan comes back to you when it is sent again.'],
    ['saveSelection', 'submitted', 'Your plan is with your reviewer now. Ask them to request changes if you need to edit it.'],
    ['saveHypothesis', 'practising', 'Your plan has been approved, so it is fixed now; note anything that changes in your journal instead.'],
    ['submit', 'approved', 'Your plan has already been approved, so there is nothing to send.'],
    ['startPractice', 'draft', "You can't start practising before your manager approves your plan."],
    ['startPractice', 'submitted', "You can't start practising before your manager approves your plan."],
    ['startPractice', 'changes_requested', "You can't start practising before your manager approves your plan."],
    ['startPractice', 'sharing', 'Practice is over; this experiment is at the sharing stage.'],
    ['startSharing', 'submitted', 'Sharing comes after practice: the plan needs approving, then some practice, first.'],
    ['recordDecision', 'practising', "A decision is recorded after the shareback, and this experiment hasn't reached sharing yet."],
    ['extendWindow', 'draft', 'The practice window can be extended once the plan has been sent for review.'],
    ['extendWindow', 'sharing', 'Practice is over and sharing has started, so the window can no longer be extended.'],
    ['withdraw', 'decided', "A decision has been recorded for this experiment, so it can't change any more."],
    ['approve', 'withdrawn', "This experiment was withdrawn, so it can't change any more."],
    ['saveSelection', 'withdrawn', "This experiment was withdrawn, so it can't change any more."],
    ['recordDecision', 'decided', 'A decision has already been recorded for this experiment. Look at it, and edit it if it should change.'],
  ])('%s in %s: "%s"', (kind, state, message) => {
    expect(applyCommand(anExperiment({ state }), commandFor(kind), AT)).toEqual({ kind: 'conflict', message });
  });

  // Already-done commands come back as no-ops (see CommandResult); every other pair outside the rules is a conflict.
  const NO_OPS = new Set(['approve@approved', 'approve@practising', 'approve@sharing', 'approve@decided',
    'submit@submitted', 'startPractice@practising', 'startSharing@sharing', 'withdraw@withdrawn']);
  const illegal = KINDS.flatMap((kind) => EXPERIMENT_STATES.filter((state) => !COMMAND_RULES[kind].from.includes(state)).map((state) => [kind, state] as const));

  it.each(illegal)('%s in %s is refused with the readable message, or is a documented no-op', (kind, state) => {
    const before = anExperiment({ state });
    const result = applyCommand(before, commandFor(kind), AT);
    if (NO_OPS.has(`${kind}@${state}`)) {
      expect(result).toEqual({ experiment: before, changed: false });
    } else {
      expect(result).toEqual({ kind: 'conflict', message: illegalTransitionMessage(kind, state) });
    }
  });
});

describe('withdraw', () => {
  it.each(PRE_DECIDED.flatMap((state) => [[state, 'participant'], [state, 'owner']] as const))('from %s by the %s', (state, relation) => {
    const after = unwrap(transition(anExperiment({ state }), commandFor('withdraw', relation === 'owner' ? asOwner : asParticipant), AT));
    expect(after.state).toBe('withdrawn');
  });

  it('is harmless twice', () => {
    const withdrawn = anExperiment({ state: 'withdrawn' });
    expect(applyCommand(withdrawn, commandFor('withdraw'), AT)).toEqual({ experiment: withdrawn, changed: false });
  });

  it('is refused to the reviewer', () => {
    expect(applyCommand(anExperiment({ state: 'submitted' }), commandFor('withdraw', asReviewer), AT))
      .toEqual({ kind: 'forbidden', message: 'Only Dana Smith or a round owner can withdraw this experiment.' });
  });
});

describe('the wrong actor', () => {
  const sam = (relation: ExperimentActor['relation']): ExperimentActor => ({ userId: PEOPLE.sam, relation });

  it.each<[string, ExperimentState, ExperimentCommand, string]>([
    ['the participant approving their own plan', 'submitted', commandFor('approve', asParticipant), "Only Dana Smith's manager can approve this plan."],
    ['an owner approving in place of the manager', 'submitted', commandFor('approve', asOwner), "Only Dana Smith's manager can approve this plan."],
    ['a manager who is not the reviewer on record', 'submitted', commandFor('approve', sam('reviewer')), "Only Dana Smith's manager can approve this plan."],
    ['someone else editing the plan', 'draft', commandFor('saveSelection', sam('participant')), 'Only Dana Smith can edit their plan.'],
    ['the manager submitting for them', 'draft', commandFor('submit', asReviewer), 'Only Dana Smith can send their plan for review.'],
    ['the participant extending their own window', 'approved', commandFor('extendWindow', asParticipant), "Only Dana Smith's manager or a round owner can extend the practice window."],
    ['the owner starting practice for them', 'approved', commandFor('startPractice', asOwner), 'Only Dana Smith can start their practice.'],
    ['the reviewer moving to sharing', 'practising', commandFor('startSharing', asReviewer), 'Only Dana Smith or a round owner can move this experiment to sharing.'],
    ['the participant recording the decision', 'sharing', commandFor('recordDecision', asParticipant), 'Only a round owner can record the decision on this experiment.'],
    ['the participant approving again after approval (no no-op for them)', 'approved', commandFor('approve', asParticipant), "Only Dana Smith's manager can approve this plan."],
  ])('refuses %s', (_case, state, command, message) => {
    expect(applyCommand(anExperiment({ state }), command, AT)).toEqual({ kind: 'forbidden', message });
  });

  it('words the refusal without a name when none is given', () => {
    const { participantName: _name, ...command } = commandFor('requestChanges', asParticipant);
    expect(expectError(applyCommand(anExperiment({ state: 'submitted' }), command, AT)).message)
      .toBe("Only this person's manager can ask for changes to this plan.");
  });
});

describe('stale cards', () => {
  it('refuses a command whose expectedVersion is not the current one', () => {
    const submitted = anExperiment({ state: 'submitted' });
    expect(applyCommand(submitted, { ...commandFor('approve'), expectedVersion: submitted.version - 1 }, AT)).toEqual({
      kind: 'conflict',
      message: 'This plan changed since you opened it. Look at the latest version, then review it again.',
    });
  });

  it('says what changed, in the words of the person acting, without an internal version', () => {
    const decided = anExperiment({ state: 'sharing' });
    const stale = (kind: ExperimentCommand['kind'], experiment: Experiment) => {
      const message = expectError(applyCommand(experiment, { ...commandFor(kind), expectedVersion: experiment.version - 1 }, AT)).message;
      expect(message).not.toMatch(/version \d|card/);
      return message;
    };
    expect(stale('recordDecision', decided)).toBe('This decision changed since you opened it. Look at the decision as it stands now, then make your edit again.');
    expect(stale('saveHypothesis', anExperiment({ state: 'draft' }))).toMatch(/^Your plan changed since you opened it/);
    expect(stale('extendWindow', anExperiment({ state: 'approved' }))).toMatch(/^This plan changed since you opened it/);
  });

  it('applies an extension once even when the same card is clicked twice', () => {
    const approved = anExperiment({ state: 'approved' });
    const command: ExperimentCommand = { ...commandFor('extendWindow'), expectedVersion: approved.version };
    const once = apply(approved, command).experiment;
    expect(once.windowExtensionDays).toBe(3);
    expect(expectError(applyCommand(once, command, later(AT, 1))).kind).toBe('conflict');
  });
});

describe('approving twice', () => {
  it('is harmless: the second click returns the same experiment, unchanged', () => {
    const submitted = anExperiment({ state: 'submitted' });
    const card: ExperimentCommand = { ...commandFor('approve'), expectedVersion: submitted.version };
    const first = apply(submitted, card);
    expect(first.changed).toBe(true);
    const second = apply(first.experiment, card, later(AT, 1));
    expect(second).toEqual({ experiment: first.experiment, changed: false });
    expect(second.experiment).toBe(first.experiment);
    expect(transition(first.experiment, card, later(AT, 1))).toBe(first.experiment);
  });

  it('stays harmless after practice has started', () => {
    const practising = anExperiment({ state: 'practising' });
    expect(applyCommand(practising, commandFor('approve'), AT)).toEqual({ experiment: practising, changed: false });
  });
});

describe('starting practice', () => {
  it('refuses before the manager approves', () => {
    expect(expectError(transition(anExperiment({ state: 'submitted' }), commandFor('startPractice'), AT)).message)
      .toBe("You can't start practising before your manager approves your plan.");
  });

  it('refuses before the current policy is acknowledged', () => {
    const command: ExperimentCommand = { ...commandFor('startPractice'), kind: 'startPractice', acknowledgedCurrentPolicy: false };
    expect(transition(anExperiment({ state: 'approved' }), command, AT))
      .toEqual({ kind: 'conflict', message: "You can't start practising before you acknowledge the current safe-use policy." });
  });
});

describe('submit', () => {
  const submit = (overrides: Partial<Extract<ExperimentCommand, { kind: 'submit' }>> = {}): ExperimentCommand =>
    ({ kind: 'submit', actor: asParticipant, acknowledgedCurrentPolicy: true, reviewerId: PEOPLE.maria, ...overrides });

  it('records the reviewer', () => {
    expect(apply(withPlan(), submit()).experiment.reviewerId).toBe(PEOPLE.maria);
  });

  it.each<[string, Experiment, ExperimentCommand, string]>([
    ['with nothing written', newExperiment(ROUND_ID, PEOPLE.dana, TENANT, NOW), submit(), 'Finish your plan before you send it: choose your friction point and tool, and write what you expect to change.'],
    ['with no hypothesis', onlySelection(), submit(), 'Finish your plan before you send it: write what you expect to change and how you will know.'],
    ['before the policy is acknowledged', withPlan(), submit({ acknowledgedCurrentPolicy: false }), 'Acknowledge the current safe-use policy before you send your plan.'],
    ['to themselves as reviewer', withPlan(), submit({ reviewerId: PEOPLE.dana }), "You can't review your own plan: it goes to your manager, or to a round owner other than you."],
  ])('refuses %s', (_case, experiment, command, message) => {
    expect(applyCommand(experiment, command, AT)).toEqual({ kind: 'conflict', message });
  });

  it('is harmless twice to the same reviewer, and a conflict to a different one', () => {
    const submitted = anExperiment({ state: 'submitted' });
    expect(applyCommand(submitted, submit(), AT)).toEqual({ experiment: submitted, changed: false });
    expect(expectError(applyCommand(submitted, submit({ reviewerId: PEOPLE.omar }), AT)).message).toBe('Your plan is already with a reviewer.');
  });

  function onlySelection(): Experiment {
    return apply(newExperiment(ROUND_ID, PEOPLE.dana, TENANT, NOW), commandFor('saveSelection')).experiment;
  }
  function withPlan(): Experiment {
    return anExperiment({ state: 'draft', planned: true });
  }
});

describe('the changes-requested loop', () => {
  it('keeps what was written, records both reviews, and can go round again', () => {
    let experiment = anExperiment({ state: 'submitted' });
    const selection = experiment.selection;
    experiment = apply(experiment, requestChanges('Could the target be 60 minutes? 45 feels tight.')).experiment;
    expect(experiment.state).toBe('changes_requested');
    expect(experiment.selection).toEqual(selection);
    expect(experiment.hypothesis).toEqual(anExperiment({ state: 'submitted' }).hypothesis);

    experiment = apply(experiment, { kind: 'saveHypothesis', actor: asParticipant, hypothesis: aHypothesis({ target: { value: 60, unit: 'minutes' } }) }).experiment;
    experiment = apply(experiment, commandFor('submit')).experiment;
    experiment = apply(experiment, requestChanges('One more: name who helps you.')).experiment;
    experiment = apply(experiment, commandFor('submit')).experiment;
    experiment = apply(experiment, commandFor('approve')).experiment;

    expect(experiment.state).toBe('approved');
    expect(experiment.selection).toEqual(selection);
    expect(experiment.hypothesis?.target).toEqual({ value: 60, unit: 'minutes' });
    expect(experiment.reviews.map((review) => [review.decision, review.comment])).toEqual([
      ['changes_requested', 'Could the target be 60 minutes? 45 feels tight.'],
      ['changes_requested', 'One more: name who helps you.'],
      ['approved', ''],
    ]);
    expect(experiment.history.map((entry) => `${entry.from}→${entry.to}`).slice(-6)).toEqual([
      'submitted→changes_requested', 'changes_requested→changes_requested', 'changes_requested→submitted',
      'submitted→changes_requested', 'changes_requested→submitted', 'submitted→approved',
    ]);
  });

  it('needs a comment that says what to change', () => {
    for (const comment of ['', '   ', 'ok', 'x'.repeat(1001)]) {
      expect(applyCommand(anExperiment({ state: 'submitted' }), requestChanges(comment), AT)).toEqual({
        kind: 'invalid_input',
        message: 'Tell Dana Smith what to change, in 5 to 1,000 characters.',
        fieldErrors: { comment: 'Tell Dana Smith what to change, in 5 to 1,000 characters.' },
      });
    }
  });

  it('treats the same request twice as harmless', () => {
    const asked = apply(anExperiment({ state: 'submitted' }), commandFor('requestChanges')).experiment;
    expect(applyCommand(asked, commandFor('requestChanges'), later(AT, 1))).toEqual({ experiment: asked, changed: false });
  });
});

describe('text round-trips unchanged', () => {
  const tricky = [
    `Reports in /sales\\weekly #3? "quoted" and 'single' 🚀✨`,
    "' or 1 eq 1 or PartitionKey ne ''",
    '$filter=RowKey eq \'x\'&$top=1 -- ; DROP TABLE experiments',
    'Zoë’s naïve café — 日本語のテキスト 👩🏽‍💻',
  ];

  it.each(tricky)('in every selection field: %s', (text) => {
    const selection = aSelection({
      frictionPoint: { description: text, frequency: 'daily', minutesToday: 30 },
      kpi: text,
      supportNamed: text,
      tool: { kind: 'other', name: text, termsUrl: null },
    });
    const saved = apply(newExperiment(ROUND_ID, PEOPLE.dana, TENANT, NOW), { kind: 'saveSelection', actor: asParticipant, selection }).experiment;
    expect(saved.selection?.frictionPoint.description).toBe(text);
    expect(saved.selection?.kpi).toBe(text);
    expect(saved.selection?.supportNamed).toBe(text);
    expect(saved.selection?.tool).toEqual({ kind: 'other', name: text, termsUrl: null });
    expect(JSON.parse(JSON.stringify(saved)).selection).toEqual(saved.selection);
  });

  it.each(tricky)('in the hypothesis and the review comment: %s', (text) => {
    const draft = apply(newExperiment(ROUND_ID, PEOPLE.dana, TENANT, NOW), commandFor('saveSelection')).experiment;
    const saved = apply(draft, { kind: 'saveHypothesis', actor: asParticipant, hypothesis: aHypothesis({ measure: text, howWeWillKnow: text, deadlineConflicts: text }) }).experiment;
    expect(saved.hypothesis).toMatchObject({ measure: text, howWeWillKnow: text, deadlineConflicts: text });
    const submitted = apply(saved, commandFor('submit')).experiment;
    expect(apply(submitted, requestChanges(text)).experiment.reviews.at(-1)?.comment).toBe(text);
  });
});

describe('saving the plan', () => {
  const draft = () => newExperiment(ROUND_ID, PEOPLE.dana, TENANT, NOW);
  const fieldErrors = (result: unknown) => {
    const error = expectError(result);
    return error.kind === 'invalid_input' ? error.fieldErrors : undefined;
  };

  it.each<[string, Parameters<typeof aSelection>[0], Record<string, string>]>([
    ['a short friction point', { frictionPoint: { description: 'Reports', frequency: 'weekly', minutesToday: 90 } }, { 'frictionPoint.description': 'Describe the friction point in 10 to 500 characters.' }],
    ['501 characters of emoji', { frictionPoint: { description: '🚀'.repeat(501), frequency: 'weekly', minutesToday: 90 } }, { 'frictionPoint.description': 'Describe the friction point in 10 to 500 characters.' }],
    ['no minutes', { frictionPoint: { description: 'Weekly pipeline summary', frequency: 'weekly', minutesToday: 0 } }, { 'frictionPoint.minutesToday': 'Say roughly how many minutes it takes each time today, from 1 to 2,400.' }],
    ['more than 40 hours', { frictionPoint: { description: 'Weekly pipeline summary', frequency: 'weekly', minutesToday: 2401 } }, { 'frictionPoint.minutesToday': 'Say roughly how many minutes it takes each time today, from 1 to 2,400.' }],
    ['an unknown frequency', { frictionPoint: { description: 'Weekly pipeline summary', frequency: 'hourly' as 'daily', minutesToday: 10 } }, { 'frictionPoint.frequency': 'Say how often it happens: daily, a few times a week, weekly or monthly.' }],
    ['a two-letter KPI', { kpi: 'NP' }, { kpi: 'Name the KPI this could move, in 3 to 200 characters.' }],
    ['a score of 6', { scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 6, riskSupport: 4 } }, { 'scores.interest': 'Score "Interest" with a whole number from 1 to 5.' }],
    ['a long support note', { supportNamed: 'x'.repeat(201) }, { supportNamed: 'Name who can support you in up to 200 characters, or leave it empty.' }],
    ['an unknown role', { role: 'finance' as 'sales' }, { role: 'Choose your role: sales, marketing, engineering, product and operations, or new hire.' }],
    ['an unnamed other tool', { tool: { kind: 'other', name: ' ', termsUrl: null } }, { 'tool.name': 'Name the tool in 2 to 80 characters.' }],
  ])('refuses a selection with %s, naming the field', (_case, overrides, expected) => {
    expect(fieldErrors(applyCommand(draft(), { kind: 'saveSelection', actor: asParticipant, selection: aSelection(overrides) }, AT))).toEqual(expected);
  });

  it('counts an emoji as one character', () => {
    const selection = aSelection({ frictionPoint: { description: '🚀'.repeat(500), frequency: 'weekly', minutesToday: 90 } });
    expect(apply(draft(), { kind: 'saveSelection', actor: asParticipant, selection }).changed).toBe(true);
  });

  it('drops an empty support note', () => {
    const saved = apply(draft(), { kind: 'saveSelection', actor: asParticipant, selection: aSelection({ supportNamed: '   ' }) }).experiment;
    expect(saved.selection?.supportNamed).toBeUndefined();
  });

  it.each<[string, Parameters<typeof aHypothesis>[0], Record<string, string>]>([
    ['a target equal to the baseline', { target: { value: 90, unit: 'minutes' } }, { 'target.value': 'Your target is the same as your baseline: set the value you hope to reach.' }],
    ['a target in another unit', { target: { value: 1, unit: 'hours' } }, { 'target.unit': 'Use the same unit for the baseline and the target, so the change is easy to see.' }],
    ['a unit over 20 characters', { baseline: { value: 3, unit: 'x'.repeat(21) } }, { 'baseline.unit': 'Give the unit in up to 20 characters, such as minutes, hours, count, percent or score.' }],
    ['a 40-minute block', { blockMinutes: 40 }, { blockMinutes: 'Practice blocks are 30 to 120 minutes long, in steps of 15.' }],
    ['a 135-minute block', { blockMinutes: 135 }, { blockMinutes: 'Practice blocks are 30 to 120 minutes long, in steps of 15.' }],
    ['a short "how will you know"', { howWeWillKnow: 'Timer' }, { howWeWillKnow: 'Say how you will know whether it worked, in 10 to 500 characters.' }],
    ['a long deadline note', { deadlineConflicts: 'x'.repeat(501) }, { deadlineConflicts: 'Describe deadline clashes in up to 500 characters, or leave it empty.' }],
    ['an unknown time preference', { preferredTimes: 'evenings' as 'mornings' }, { preferredTimes: 'Choose mornings, afternoons or no preference for your practice blocks.' }],
    ['a baseline that is not a number', { baseline: { value: Number.NaN, unit: 'minutes' } }, { 'baseline.value': 'Give your baseline as a number: where things stand today.' }],
  ])('refuses a hypothesis with %s, naming the field', (_case, overrides, expected) => {
    expect(fieldErrors(applyCommand(draft(), { kind: 'saveHypothesis', actor: asParticipant, hypothesis: aHypothesis(overrides) }, AT))).toEqual(expected);
  });

  it('accepts a free-text unit and any block of 30 to 120 minutes in steps of 15', () => {
    for (const blockMinutes of [30, 45, 60, 75, 90, 105, 120]) {
      const hypothesis = aHypothesis({ blockMinutes, baseline: { value: 4, unit: 'drafts' }, target: { value: 2, unit: 'drafts' } });
      expect(apply(draft(), { kind: 'saveHypothesis', actor: asParticipant, hypothesis }).experiment.hypothesis?.blockMinutes).toBe(blockMinutes);
    }
  });

  it('treats saving the same plan again as harmless', () => {
    const saved = apply(draft(), commandFor('saveSelection')).experiment;
    expect(applyCommand(saved, { ...commandFor('saveSelection'), expectedVersion: 1 }, later(AT, 1))).toEqual({ experiment: saved, changed: false });
  });
});

describe('extendWindow', () => {
  const extend = (days: number, actor = asReviewer): ExperimentCommand => ({ kind: 'extendWindow', actor, participantName: 'Dana Smith', days });

  it('adds up extensions from the reviewer and the owner', () => {
    const once = apply(anExperiment({ state: 'approved' }), extend(4)).experiment;
    const twice = apply(once, extend(3, asOwner)).experiment;
    expect(twice.windowExtensionDays).toBe(7);
    expect(twice.state).toBe('approved');
  });

  it.each([0, 15, 1.5, Number.NaN])('refuses %p days', (days) => {
    expect(fieldErrors(applyCommand(anExperiment({ state: 'practising' }), extend(days), AT))).toEqual({ days: `Extend by a whole number of days, from 1 to ${MAX_WINDOW_EXTENSION_DAYS}.` });
  });

  it('keeps the total to 14 days and says how many are left', () => {
    const ten = apply(anExperiment({ state: 'practising' }), extend(10)).experiment;
    expect(fieldErrors(applyCommand(ten, extend(5), AT))).toEqual({ days: 'Extensions add up to at most 14 days; 4 days are left for Dana Smith.' });
    const full = apply(ten, extend(4)).experiment;
    expect(applyCommand(full, extend(1), AT)).toEqual({ kind: 'conflict', message: 'This window has already been extended by the most allowed, 14 days.' });
  });

  function fieldErrors(result: unknown) {
    const error = expectError(result);
    return error.kind === 'invalid_input' ? error.fieldErrors : undefined;
  }
});

describe('recordDecision', () => {
  it('records what happens next, by whom and when', () => {
    const decided = apply(anExperiment({ state: 'sharing' }), commandFor('recordDecision')).experiment;
    expect(decided.decision).toMatchObject({ outcome: 'another-round', ownerId: PEOPLE.omar, dueDate: '2025-05-30', note: 'Run it again with the EMEA team.', by: PEOPLE.omar, at: AT, revision: 1, previous: [] });
  });

  it('refuses an outcome it does not know', () => {
    const result = applyCommand(anExperiment({ state: 'sharing' }), { kind: 'recordDecision', actor: asOwner, decision: aDecision({ outcome: 'promote' as 'another-round' }) }, AT);
    expect(isDomainError(result) && result.kind === 'invalid_input' ? Object.keys(result.fieldErrors ?? {}) : []).toEqual(['outcome']);
  });

  it('treats the same decision twice as harmless', () => {
    const decided = anExperiment({ state: 'decided' });
    const same: ExperimentCommand = { kind: 'recordDecision', actor: asOwner, decision: aDecision() };
    expect(applyCommand(decided, same, AT)).toEqual({ experiment: decided, changed: false });
  });
});

describe('any sequence of commands', () => {
  const actors = [asParticipant, asReviewer, asOwner, { userId: PEOPLE.sam, relation: 'reviewer' } as const];
  const step = fc.record({ kind: fc.constantFrom(...KINDS), actor: fc.constantFrom(...actors), stale: fc.boolean() });

  it('bumps the version by exactly one per change, keeps one history entry per change, and never leaves decided or withdrawn', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
      let experiment = newExperiment(ROUND_ID, PEOPLE.dana, TENANT, NOW);
      steps.forEach((s, index) => {
        const command = { ...commandFor(s.kind, s.actor), ...(s.stale ? { expectedVersion: experiment.version - 1 } : {}) };
        const result = applyCommand(experiment, command, later(AT, index));
        if (isDomainError(result)) return;
        if (!result.changed) {
          expect(result.experiment).toBe(experiment);
          return;
        }
        expect(result.experiment.version).toBe(experiment.version + 1);
        expect(['decided', 'withdrawn']).not.toContain(experiment.state);
        const rule = COMMAND_RULES[s.kind];
        expect(rule.from).toContain(experiment.state);
        expect(result.experiment.state).toBe(rule.to ?? experiment.state);
        experiment = result.experiment;
      });
      expect(experiment.history).toHaveLength(experiment.version - 1);
      expect(EXPERIMENT_STATES).toContain(experiment.state);
    }));
  });
});
