import { draftSummary, effectiveSummary, hypothesisOutcome, summaryReviewStep, type SummaryFacts } from '../../src/domain/summary';
import { groupedOrder, meetingPhase, moveInOrder, nextPresenter, runningOrder } from '../../src/domain/runningOrder';

const facts: SummaryFacts = {
  tool: 'Microsoft 365 Copilot',
  task: 'Writing the weekly pipeline summary',
  useCase: 'Sales — hours on internal reports',
  hypothesis: { measure: 'Minutes per summary', baseline: { value: 90, unit: 'minutes' }, target: { value: 45, unit: 'minutes' } },
  journals: [
    { weekStart: '2025-03-24', improved: 'Second draft needed fewer edits', broke: '', surprised: 'It read the CRM export well', taught: '', hoursPractised: 2 },
    { weekStart: '2025-03-17', improved: 'First draft in 20 minutes', broke: 'Invented a deal stage', surprised: '', taught: '', hoursPractised: 1.5 },
  ],
  assets: [
    { title: 'Pipeline prompt', url: null, kind: 'prompt', shared: true },
    { title: 'Private notes', url: null, kind: 'reference', shared: false },
  ],
};

describe('draftSummary', () => {
  it('drafts each part from the journal, oldest week first, with shared assets and the hours', () => {
    const draft = draftSummary(facts);
    expect(draft.worked).toBe('Week of 17 Mar: First draft in 20 minutes\nWeek of 24 Mar: Second draft needed fewer edits');
    expect(draft.failed).toBe('Week of 17 Mar: Invented a deal stage');
    expect(draft.keepTesting).toContain('Week of 24 Mar: It read the CRM export well');
    expect(draft.hypothesis).toBe('Minutes per summary: 90 minutes → 45 minutes');
    expect(draft.assets).toEqual([{ title: 'Pipeline prompt', url: null, kind: 'prompt' }]);
    expect(draft.hoursPractised).toBe(3.5);
  });

  it('leaves parts empty when the journal says nothing, and has no score field', () => {
    const draft = draftSummary({ ...facts, journals: [], hypothesis: null });
    expect(draft).toMatchObject({ worked: '', failed: '', keepTesting: '', hypothesis: '', hoursPractised: 0 });
    expect(Object.keys(draft).some((k) => /score|rating|grade/i.test(k))).toBe(false);
  });

  it('lets the participant’s words win over the draft, field by field', () => {
    const draft = draftSummary(facts);
    const mine = effectiveSummary(draft, { worked: 'My words', failed: '', resultValue: 50 });
    expect(mine).toMatchObject({ worked: 'My words', failed: '', keepTesting: draft.keepTesting, resultValue: 50 });
  });
});

describe('hypothesisOutcome', () => {
  const h = { baseline: { value: 90, unit: 'minutes' }, target: { value: 45, unit: 'minutes' } };
  it.each([[40, 'met'], [45, 'met'], [60, 'partly'], [90, 'not'], [120, 'not']] as const)('90 → 45 with %s now is %s', (now, outcome) => {
    expect(hypothesisOutcome({ ...h, resultValue: now })).toBe(outcome);
  });
  it('is unknown without a figure', () => expect(hypothesisOutcome({ ...h, resultValue: null })).toBe('unknown'));
  it('works upward too (3 → 6 count, now 5 = partly)', () => {
    expect(hypothesisOutcome({ baseline: { value: 3, unit: 'count' }, target: { value: 6, unit: 'count' }, resultValue: 5 })).toBe('partly');
  });
});

describe('summaryReviewStep', () => {
  const start = '2025-04-10T14:00:00.000Z';
  it.each([
    ['15 days before', null, '2025-03-26T14:00:00.000Z', 'none'],
    ['14 days before, not asked yet', null, '2025-03-27T14:00:00.000Z', 'request-review'],
    ['asked already', { ready: false, reviewRequestedAt: '2025-03-27T14:00:00.000Z', flaggedAt: null }, '2025-04-01T09:00:00.000Z', 'none'],
    ['the day before, not ready', { ready: false, reviewRequestedAt: '2025-03-27T14:00:00.000Z', flaggedAt: null }, '2025-04-09T15:00:00.000Z', 'flag'],
    ['the day before, ready', { ready: true, reviewRequestedAt: '2025-03-27T14:00:00.000Z', flaggedAt: null }, '2025-04-09T15:00:00.000Z', 'none'],
    ['flagged already', { ready: false, reviewRequestedAt: null, flaggedAt: '2025-04-09T15:00:00.000Z' }, '2025-04-09T18:00:00.000Z', 'none'],
  ] as const)('%s → %s', (_label, state, now, step) => {
    expect(summaryReviewStep(state, start, now)).toBe(step);
  });
});

describe('running order', () => {
  const people = [
    { participantId: 'a', name: 'Zoe', team: 'Sales', tool: 'Copilot' },
    { participantId: 'b', name: 'Ann', team: 'Marketing', tool: 'Copilot' },
    { participantId: 'c', name: 'Bob', team: 'Sales', tool: 'Claude' },
  ];
  it('groups by team or by tool, groups and people by name', () => {
    expect(groupedOrder(people, 'team')).toEqual([{ label: 'Marketing', participantIds: ['b'] }, { label: 'Sales', participantIds: ['c', 'a'] }]);
    expect(runningOrder(people, 'tool', null)).toEqual(['c', 'b', 'a']);
  });
  it('keeps the owner’s order, drops people who left and adds newcomers at the end', () => {
    expect(runningOrder(people, 'team', ['a', 'x', 'b'])).toEqual(['a', 'b', 'c']);
  });
  it('moves one person and walks the order', () => {
    expect(moveInOrder(['a', 'b', 'c'], 'c', 0)).toEqual(['c', 'a', 'b']);
    expect(moveInOrder(['a', 'b', 'c'], 'a', 99)).toEqual(['b', 'c', 'a']);
    expect(nextPresenter(['a', 'b'], null)).toBe('a');
    expect(nextPresenter(['a', 'b'], 'a')).toBe('b');
    expect(nextPresenter(['a', 'b'], 'b')).toBeNull();
    expect(nextPresenter(['a', 'b'], 'b', -1)).toBe('a');
  });
  it('is closing from 10 minutes before the end', () => {
    const meeting = { startsAt: '2025-04-10T14:00:00.000Z', durationMinutes: 90 };
    expect(meetingPhase(meeting, '2025-04-10T13:59:00.000Z')).toBe('before');
    expect(meetingPhase(meeting, '2025-04-10T15:19:59.000Z')).toBe('running');
    expect(meetingPhase(meeting, '2025-04-10T15:20:00.000Z')).toBe('closing');
    expect(meetingPhase(meeting, '2025-04-10T15:30:00.000Z')).toBe('ended');
  });
});
