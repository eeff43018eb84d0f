import { FUNNEL_STAGE_DEFINITIONS, FUNNEL_STAGES, funnelFactsOf, roundFunnel, statesReachedBy, type FunnelFacts } from '../../src/domain/funnel';

function person(userId: string, overrides: Partial<FunnelFacts> = {}): FunnelFacts {
  return { userId, acknowledged: false, selected: false, statesReached: [], journalEntries: 0, sharedBack: false, ...overrides };
}

describe('the round funnel', () => {
  it('counts everyone invited, and each later stage only for those who reached it', () => {
    const rows = roundFunnel([
      person('a'),
      person('b', { acknowledged: true }),
      person('c', { acknowledged: true, selected: true, statesReached: ['draft', 'submitted', 'approved', 'practising'], journalEntries: 2 }),
      person('d', { acknowledged: true, selected: true, statesReached: ['draft', 'submitted', 'approved', 'practising', 'sharing', 'decided'], journalEntries: 3, sharedBack: true }),
    ]);
    expect(rows.map((r) => r.stage)).toEqual([...FUNNEL_STAGES]);
    expect(Object.fromEntries(rows.map((r) => [r.stage, r.count]))).toEqual({
      invited: 4, acknowledged: 3, selected: 2, approved: 2, practising: 2, journaling: 2, 'shared back': 1, decided: 1,
    });
    expect(rows.find((r) => r.stage === 'decided')!.userIds).toEqual(['d']);
  });

  it('keeps a withdrawn person at the stages they reached before withdrawing', () => {
    const reached = statesReachedBy({ state: 'withdrawn', history: [
      { at: '2026-01-01T00:00:00Z', by: 'x', command: 'submit', from: 'draft', to: 'submitted' },
      { at: '2026-01-02T00:00:00Z', by: 'x', command: 'approve', from: 'submitted', to: 'approved' },
      { at: '2026-01-03T00:00:00Z', by: 'x', command: 'withdraw', from: 'approved', to: 'withdrawn' },
    ] } as never);
    const rows = roundFunnel([person('w', { statesReached: reached })]);
    expect(rows.filter((r) => r.count === 1).map((r) => r.stage)).toEqual(['invited', 'acknowledged', 'selected', 'approved']);
  });

  it('never widens along the plan stages (a later plan stage implies the earlier ones)', () => {
    const rows = roundFunnel([person('p', { statesReached: ['practising'] }), person('q', { selected: true })]);
    const plan = rows.slice(0, 5).map((r) => r.count);
    expect(plan).toEqual([2, 2, 2, 1, 1]);
  });

  it('is empty but complete for a round without people', () => {
    expect(roundFunnel([]).every((r) => r.count === 0 && r.userIds.length === 0)).toBe(true);
  });
});

describe('one definition of each stage', () => {
  const approvedPlan = statesReachedBy({ state: 'approved', history: [
    { at: '2026-01-01T00:00:00Z', by: 'x', command: 'submit', from: 'draft', to: 'submitted' },
    { at: '2026-01-02T00:00:00Z', by: 'x', command: 'approve', from: 'submitted', to: 'approved' },
  ] } as never);
  const experiment = { state: 'approved', history: [
    { at: '2026-01-01T00:00:00Z', by: 'x', command: 'submit', from: 'draft', to: 'submitted' },
    { at: '2026-01-02T00:00:00Z', by: 'x', command: 'approve', from: 'submitted', to: 'approved' },
  ], selection: {} } as never;
  const source = { userId: 'a', acknowledged: true, experiment, journalEntries: 0, summaryReady: false, windowOpen: false };
  const stagesOf = (facts: FunnelFacts) => roundFunnel([facts]).filter((r) => r.count === 1).map((r) => r.stage);

  it('has a written definition for every stage', () => {
    expect(Object.keys(FUNNEL_STAGE_DEFINITIONS)).toEqual([...FUNNEL_STAGES]);
    for (const stage of FUNNEL_STAGES) expect(FUNNEL_STAGE_DEFINITIONS[stage].length).toBeGreaterThan(20);
  });

  it('counts an approved plan as practising once its window has opened, before the hourly start runs', () => {
    expect(approvedPlan).toEqual(['draft', 'submitted', 'approved']);
    expect(stagesOf(funnelFactsOf(source))).not.toContain('practising');
    expect(stagesOf(funnelFactsOf({ ...source, windowOpen: true }))).toContain('practising');
  });

  it('never shows journaling without practising', () => {
    expect(stagesOf(funnelFactsOf({ ...source, journalEntries: 2 }))).toEqual(expect.arrayContaining(['practising', 'journaling']));
  });

  it('counts shared back for a ready summary or a decision, never for an asset shared with the library', () => {
    expect(stagesOf(funnelFactsOf(source))).not.toContain('shared back');
    expect(stagesOf(funnelFactsOf({ ...source, summaryReady: true }))).toContain('shared back');
    expect(stagesOf(funnelFactsOf({ ...source, experiment: { ...(experiment as object), state: 'decided' } as never }))).toContain('shared back');
  });
});
