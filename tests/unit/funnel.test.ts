import { FUNNEL_STAGES, roundFunnel, statesReachedBy, type FunnelFacts } from '../../src/domain/funnel';

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
