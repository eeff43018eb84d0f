import { applyCommand, type Experiment } from '../../src/domain/experiment';
import { isDomainError } from '../../src/domain/errors';
import { reportCsvRows, reportHtml, reportMarkdown, roundReport, type ReportExperiment } from '../../src/domain/roundReport';
import { draftSummary } from '../../src/domain/summary';
import { NOW, PEOPLE, aDecision, anExperiment, asOwner, later } from '../support/builders';

function decided(decision: ReturnType<typeof aDecision>): Experiment['decision'] {
  const result = applyCommand(anExperiment({ state: 'sharing' }), { kind: 'recordDecision', actor: asOwner, decision }, later(NOW, 60));
  if (isDomainError(result)) throw new Error(result.message);
  return result.experiment.decision;
}

const summary = (resultValue: number | null) => ({
  ...draftSummary({ tool: 'Copilot', task: 't', useCase: 'u', hypothesis: { measure: 'm', baseline: { value: 90, unit: 'min' }, target: { value: 45, unit: 'min' } }, journals: [], assets: [] }),
  resultValue,
});

const base = { team: 'Sales', hoursPlanned: 7.5, hoursKept: 6, assetsShared: 1 };
const experiments: ReportExperiment[] = [
  { ...base, participantId: PEOPLE.dana, name: 'Dana', tool: 'Copilot', state: 'decided', summary: summary(40), decision: decided(aDecision()) },
  { ...base, participantId: PEOPLE.lee, name: 'Lee', tool: 'Claude', state: 'decided', summary: summary(60), decision: decided(aDecision({ outcome: 'internal-owner', internalOwnerId: PEOPLE.sam })) },
  { ...base, participantId: PEOPLE.maria, name: 'Maria', tool: 'Copilot', state: 'sharing', summary: summary(null), decision: null, assetsShared: 0 },
  { ...base, participantId: PEOPLE.priya, name: 'Priya', tool: 'Gemini', state: 'withdrawn', summary: null, decision: null, hoursKept: 1 },
];

describe('roundReport', () => {
  const names: Record<string, string> = { [PEOPLE.omar]: 'Omar', [PEOPLE.sam]: 'Sam' };
  const report = roundReport({
    roundName: 'Spring | 2025', generatedAt: '2025-04-11T10:00:00.000Z', funnel: [{ stage: 'invited', count: 4 }, { stage: 'decided', count: 2 }],
    experiments, capabilityBefore: [{ userId: 'x', team: 'Ops', tool: 'Gemini' }], nameOf: (id) => names[id] ?? id,
  }, (id) => (id === PEOPLE.sam ? 'Finance' : 'Sales'));

  it('adds up hours, hypotheses and decisions over the experiments that were not withdrawn', () => {
    expect(report.hours).toEqual({ planned: 22.5, kept: 18 });
    expect(report.hypotheses).toEqual({ met: 1, partly: 1, not: 0, unknown: 1 });
    expect(report.decisions).toMatchObject({ 'paid-licence': 1, 'internal-owner': 1, undecided: 1, stop: 0 });
    expect(report.assetsShared).toBe(2);
    expect(report.allDecided).toBe(false);
  });

  it('shows capability spread before → after, counting internal owners as holders', () => {
    // Before: Gemini (x). After: + Copilot (Dana, Maria), Claude (Lee, Sam as internal owner).
    expect(report.capability.before).toEqual({ toolsWithTwoOrMore: 0, singleHolderTools: 1 });
    expect(report.capability.after).toEqual({ toolsWithTwoOrMore: 2, singleHolderTools: 1 });
    expect(report.capability.singleHolderTools).toEqual(['Gemini']);
  });

  it('lists paid-licence requests with their owners', () => {
    expect(report.licences).toEqual([{ participant: 'Dana', tool: 'Microsoft 365 Copilot', seats: 5, approver: 'Finance director', owner: 'Omar', dueDate: '2025-05-30' }]);
  });

  it('renders CSV rows, Markdown (pipes escaped) and HTML (escaped)', () => {
    expect(reportCsvRows(report)[0]).toEqual(['participant', 'team', 'tool', 'state', 'hoursPlanned', 'hoursKept', 'hypothesis', 'decision', 'assetsShared']);
    expect(reportCsvRows(report)).toHaveLength(4);
    expect(reportMarkdown(report)).toContain('# Round report: Spring | 2025');
    expect(reportMarkdown(report)).toContain('| Paid licence | 1 |');
    expect(reportHtml(report)).toContain('<td>Microsoft 365 Copilot</td>');
    expect(reportHtml(roundReport({ ...{ roundName: '<b>x</b>', generatedAt: '2025-04-11T10:00:00.000Z', funnel: [], experiments: [], capabilityBefore: [], nameOf: (i) => i } }, () => ''))).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});
