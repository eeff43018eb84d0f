import fc from 'fast-check';
import { EXPERIMENT_STATES, type Experiment, type ExperimentState, type HistoryEntry } from '../../src/domain/experiment';
import { experimentFunnelFactsOf, funnelFactsOf, roundFunnel } from '../../src/domain/funnel';
import type { UserId } from '../../src/domain/ids';
import { practiceHoursByWeek, type PracticeBlockRecord } from '../../src/domain/practiceHours';
import {
  addCounts, bookingCounts, countsDelta, funnelFromCounts, hoursFromCounts, KICKOFF_STATES, memberCounts, NO_FUNNEL_FACTS,
  type CountedMember, type KickoffState,
} from '../../src/domain/roundCounters';
import { anExperiment } from '../support/builders';

const SELECTION = anExperiment({ state: 'submitted' }).selection;

/** One person's records as the round holds them (the truth `roundFunnel` is computed from). */
interface Records {
  acknowledged: boolean;
  experiment: Pick<Experiment, 'state' | 'history' | 'selection'> | null;
  journalEntries: number;
  summaryReady: boolean;
  delivery: KickoffState;
}

type Change =
  | { kind: 'acknowledge' }
  | { kind: 'start' }
  | { kind: 'select' }
  | { kind: 'move'; to: ExperimentState }
  | { kind: 'journal' }
  | { kind: 'summary'; ready: boolean }
  | { kind: 'deliver'; state: KickoffState };

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.constant({ kind: 'acknowledge' as const }),
  fc.constant({ kind: 'start' as const }),
  fc.constant({ kind: 'select' as const }),
  fc.constantFrom(...EXPERIMENT_STATES).map((to) => ({ kind: 'move' as const, to })),
  fc.constant({ kind: 'journal' as const }),
  fc.boolean().map((ready) => ({ kind: 'summary' as const, ready })),
  fc.constantFrom(...KICKOFF_STATES).map((state) => ({ kind: 'deliver' as const, state })),
);

function apply(records: Records, change: Change): Records {
  switch (change.kind) {
    case 'acknowledge': return { ...records, acknowledged: true };
    case 'start': return records.experiment ? records : { ...records, experiment: { state: 'draft', history: [], selection: null } };
    case 'select': return records.experiment ? { ...records, experiment: { ...records.experiment, selection: SELECTION } } : records;
    case 'move': {
      const experiment = records.experiment;
      if (!experiment) return records;
      const entry: HistoryEntry = { at: '2026-03-01T00:00:00Z', by: 'u' as UserId, command: 'submit', from: experiment.state, to: change.to };
      return { ...records, experiment: { ...experiment, state: change.to, history: [...experiment.history, entry] } };
    }
    case 'journal': return { ...records, journalEntries: records.journalEntries + 1 };
    case 'summary': return { ...records, summaryReady: change.ready };
    case 'deliver': return { ...records, delivery: change.state };
  }
}

/** What the member row holds: the copies the repositories make of each fact. */
function memberOf(records: Records): CountedMember {
  return {
    delivery: records.delivery, acknowledged: records.acknowledged,
    funnel: { experiment: records.experiment ? experimentFunnelFactsOf(records.experiment) : null, journaled: records.journalEntries > 0, summaryReady: records.summaryReady },
  };
}

const NEW_MEMBER: Records = { acknowledged: false, experiment: null, journalEntries: 0, summaryReady: false, delivery: 'queued' };

// The pure side of counters on write: what a member row counts, and reading the sums back into the owner's figures.
describe('round counters', () => {
  it('adds and subtracts contributions, dropping names that come to zero', () => {
    const before = memberCounts({ delivery: 'sending', acknowledged: false, funnel: NO_FUNNEL_FACTS });
    const after = memberCounts({ delivery: 'failed', acknowledged: false, funnel: NO_FUNNEL_FACTS });
    expect(countsDelta(before, after)).toEqual({ 'kickoff.sending': -1, 'kickoff.failed': 1 });
    expect(addCounts(before, countsDelta(before, after))).toEqual(after);
    expect(countsDelta(after, after)).toEqual({});
  });

  it('gives the funnel roundFunnel gives over the records, after any changes in any order, with the window open or not', () => {
    // Each change is applied as a repository applies it: the member row's copy changes, and (after − before) of what it
    // counts is added to the counters. At every step and either side of the window's opening, the funnel read from the
    // counters must equal roundFunnel over funnelFactsOf of every person's records.
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(5), changeArb, fc.boolean()), { minLength: 1, maxLength: 60 }),
      (steps) => {
        const people: Records[] = Array.from({ length: 6 }, () => NEW_MEMBER);
        let counts: Record<string, number> = addCounts(...people.map((p) => memberCounts(memberOf(p))));
        for (const [who, change, windowOpen] of steps) {
          const before = people[who]!;
          const after = apply(before, change);
          people[who] = after;
          counts = addCounts(counts, countsDelta(memberCounts(memberOf(before)), memberCounts(memberOf(after))));
          const expected = roundFunnel(people.map((p, i) => funnelFactsOf({
            userId: `p${i}`, acknowledged: p.acknowledged, experiment: p.experiment, journalEntries: p.journalEntries, summaryReady: p.summaryReady, windowOpen,
          })));
          expect(funnelFromCounts(counts, windowOpen).map((row) => [row.stage, row.count])).toEqual(expected.map((row) => [row.stage, row.count]));
          for (const state of KICKOFF_STATES) expect(counts[`kickoff.${state}`] ?? 0).toBe(people.filter((p) => p.delivery === state).length);
        }
      },
    ), { numRuns: 300 });
  });

  it('counts an approved plan as practising only once the window has opened, and a withdrawn one in the stages it reached', () => {
    const approved = memberOf(apply(apply(apply({ ...NEW_MEMBER, acknowledged: true }, { kind: 'start' }), { kind: 'select' }), { kind: 'move', to: 'approved' }));
    const counts = memberCounts(approved);
    expect(funnelFromCounts(counts, false).find((r) => r.stage === 'practising')!.count).toBe(0);
    expect(funnelFromCounts(counts, true).find((r) => r.stage === 'practising')!.count).toBe(1);
    const withdrawn = memberOf(apply(apply(apply(apply({ ...NEW_MEMBER, acknowledged: true }, { kind: 'start' }), { kind: 'select' }), { kind: 'move', to: 'approved' }), { kind: 'move', to: 'withdrawn' }));
    expect(funnelFromCounts(memberCounts(withdrawn), true).filter((r) => r.count > 0).map((r) => r.stage)).toEqual(['invited', 'acknowledged', 'selected', 'approved']);
  });

  it('gives the same planned and kept hours as the per-person rule, at any time of reading', () => {
    const blocks: PracticeBlockRecord[] = [
      { week: 1, start: '2026-03-10T09:00:00Z', end: '2026-03-10T10:30:00Z' },
      { week: 1, start: '2026-03-12T14:00:00Z', end: '2026-03-12T15:00:00Z', notKept: { by: 'participant', reason: 'customer call' } },
      { week: 2, start: '2026-03-17T09:00:00Z', end: '2026-03-17T10:30:00Z', notKept: { by: 'calendar', reason: 'gone' } },
      { week: 2, start: '2026-03-19T09:15:00Z', end: '2026-03-19T10:00:00Z' },
    ];
    const counts = addCounts(bookingCounts({ status: 'booked', blocks: blocks.slice(0, 2) }), bookingCounts({ status: 'booked', blocks: blocks.slice(2) }));
    for (const now of ['2026-03-01T00:00:00Z', '2026-03-10T10:29:59Z', '2026-03-10T10:30:00Z', '2026-03-12T15:00:00Z', '2026-03-17T10:00:00Z', '2026-03-19T10:00:00Z', '2026-04-01T00:00:00Z']) {
      const weeks = practiceHoursByWeek(blocks, now);
      const sum = (pick: (w: (typeof weeks)[number]) => number) => weeks.reduce((total, w) => total + pick(w), 0);
      expect(hoursFromCounts(counts, now)).toEqual({ plannedMinutes: sum((w) => w.plannedMinutes), keptMinutes: sum((w) => w.keptMinutes), upcomingMinutes: sum((w) => w.upcomingMinutes) });
    }
    expect(counts['booking.booked']).toBe(2);
  });
});
