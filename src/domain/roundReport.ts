import { capabilityMap, capabilitySpread, type CapabilityHolder, type CapabilitySpread } from './capability';
import { DECISION_OUTCOME_LABELS, DECISION_OUTCOMES, type DecisionOutcome } from './experimentPlan';
import type { Decision, ExperimentState } from './experiment';
import { describeDecision } from './decision';
import { hypothesisOutcome, type HypothesisOutcome, type SummaryContent } from './summary';

/**
 * The round report for leadership (step 6): how far people got (funnel), protected time vs time kept,
 * hypotheses met / partly / not (by each person's own figure), decisions by kind, assets shared, how
 * capability spread (tools held by ≥ 2 people vs a single holder, before → after), and paid-licence
 * requests with their owners. Process and outcomes of the experiment, never a grade of a person's work.
 */
export interface ReportExperiment {
  readonly participantId: string;
  readonly name: string;
  readonly team: string;
  readonly tool: string;
  readonly state: ExperimentState;
  readonly hoursPlanned: number;
  readonly hoursKept: number;
  readonly summary: SummaryContent | null;
  readonly decision: Decision | null;
  readonly assetsShared: number;
}

export interface ReportInput {
  readonly roundName: string;
  readonly generatedAt: string;
  readonly funnel: readonly { readonly stage: string; readonly count: number }[];
  readonly experiments: readonly ReportExperiment[];
  /** Holders before the round (earlier rounds' practice and internal owners); after = before + this round. */
  readonly capabilityBefore: readonly CapabilityHolder[];
  readonly nameOf: (userId: string) => string;
}

export interface LicenceRequest { readonly participant: string; readonly tool: string; readonly seats: number; readonly approver: string; readonly owner: string; readonly dueDate: string }

export interface RoundReport {
  readonly roundName: string;
  readonly generatedAt: string;
  readonly funnel: readonly { readonly stage: string; readonly count: number }[];
  readonly hours: { readonly planned: number; readonly kept: number };
  readonly hypotheses: Readonly<Record<HypothesisOutcome, number>>;
  readonly decisions: Readonly<Record<DecisionOutcome | 'undecided', number>>;
  readonly assetsShared: number;
  readonly capability: { readonly before: CapabilitySpread; readonly after: CapabilitySpread; readonly singleHolderTools: readonly string[] };
  readonly licences: readonly LicenceRequest[];
  readonly allDecided: boolean;
  readonly rows: readonly { readonly participant: string; readonly team: string; readonly tool: string; readonly state: string; readonly hoursPlanned: number; readonly hoursKept: number; readonly hypothesis: HypothesisOutcome; readonly decision: string; readonly assetsShared: number }[];
}

const PRACTISED: readonly ExperimentState[] = ['practising', 'sharing', 'decided'];
const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Holders this round adds: everyone who practised a tool, and everyone a decision named internal owner for it. */
export function roundHolders(experiments: readonly Pick<ReportExperiment, 'participantId' | 'team' | 'tool' | 'state' | 'decision'>[], teamOf: (userId: string) => string): CapabilityHolder[] {
  const holders: CapabilityHolder[] = [];
  for (const e of experiments) {
    if (PRACTISED.includes(e.state)) holders.push({ userId: e.participantId, team: e.team, tool: e.tool });
    if (e.decision?.outcome === 'internal-owner' && e.decision.internalOwnerId) holders.push({ userId: e.decision.internalOwnerId, team: teamOf(e.decision.internalOwnerId), tool: e.tool });
  }
  return holders;
}

export function roundReport(input: ReportInput, teamOf: (userId: string) => string): RoundReport {
  const active = input.experiments.filter((e) => e.state !== 'withdrawn' && e.state !== 'draft');
  const hypotheses: Record<HypothesisOutcome, number> = { met: 0, partly: 0, not: 0, unknown: 0 };
  const decisions = Object.fromEntries([...DECISION_OUTCOMES, 'undecided'].map((k) => [k, 0])) as Record<DecisionOutcome | 'undecided', number>;
  const licences: LicenceRequest[] = [];
  const rows: RoundReport['rows'][number][] = [];
  for (const e of active) {
    const outcome = e.summary ? hypothesisOutcome(e.summary) : 'unknown';
    if (PRACTISED.includes(e.state)) hypotheses[outcome] += 1;
    if (e.decision) decisions[e.decision.outcome] += 1;
    else if (PRACTISED.includes(e.state)) decisions.undecided += 1;
    if (e.decision?.outcome === 'paid-licence') {
      licences.push({ participant: e.name, tool: e.decision.tool ?? e.tool, seats: e.decision.seats ?? 0, approver: e.decision.approver ?? '', owner: input.nameOf(e.decision.ownerId), dueDate: e.decision.dueDate });
    }
    rows.push({
      participant: e.name, team: e.team, tool: e.tool, state: e.state, hoursPlanned: round2(e.hoursPlanned), hoursKept: round2(e.hoursKept),
      hypothesis: outcome, decision: e.decision ? describeDecision(e.decision, input.nameOf) : '', assetsShared: e.assetsShared,
    });
  }
  const before = capabilityMap(input.capabilityBefore);
  const after = capabilityMap([...input.capabilityBefore, ...roundHolders(active, teamOf)]);
  return {
    roundName: input.roundName,
    generatedAt: input.generatedAt,
    funnel: input.funnel,
    hours: { planned: round2(active.reduce((s, e) => s + e.hoursPlanned, 0)), kept: round2(active.reduce((s, e) => s + e.hoursKept, 0)) },
    hypotheses,
    decisions,
    assetsShared: active.reduce((s, e) => s + e.assetsShared, 0),
    capability: { before: capabilitySpread(before), after: capabilitySpread(after), singleHolderTools: after.tools.filter((t) => t.singleHolder).map((t) => t.tool) },
    licences,
    allDecided: decisions.undecided === 0 && active.some((e) => e.decision !== null),
    rows,
  };
}

/** The per-experiment table for CSV (the adapter writes it with csv-stringify): a header row, then one row each. */
export function reportCsvRows(report: RoundReport): string[][] {
  return [
    ['participant', 'team', 'tool', 'state', 'hoursPlanned', 'hoursKept', 'hypothesis', 'decision', 'assetsShared'],
    ...report.rows.map((r) => [r.participant, r.team, r.tool, r.state, String(r.hoursPlanned), String(r.hoursKept), r.hypothesis, r.decision, String(r.assetsShared)]),
  ];
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function reportMarkdown(report: RoundReport): string {
  const lines = [
    `# Round report: ${report.roundName}`, '', `Generated ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC.`, '',
    '## Participation', '', '| stage | people |', '|---|---|', ...report.funnel.map((f) => `| ${mdCell(f.stage)} | ${f.count} |`), '',
    '## Practice time', '', `Protected: ${report.hours.planned} h; kept: ${report.hours.kept} h.`, '',
    '## Hypotheses (by each person\'s own figure)', '', `Met: ${report.hypotheses.met}; partly: ${report.hypotheses.partly}; not met: ${report.hypotheses.not}; not stated: ${report.hypotheses.unknown}.`, '',
    '## Decisions', '', '| decision | experiments |', '|---|---|',
    ...DECISION_OUTCOMES.map((o) => `| ${DECISION_OUTCOME_LABELS[o]} | ${report.decisions[o]} |`), `| Not decided yet | ${report.decisions.undecided} |`, '',
    '## Assets shared', '', `${report.assetsShared} assets shared with colleagues.`, '',
    '## Capability spread', '',
    `Tools held by two or more people: ${report.capability.before.toolsWithTwoOrMore} → ${report.capability.after.toolsWithTwoOrMore}.`,
    `Tools with a single holder: ${report.capability.before.singleHolderTools} → ${report.capability.after.singleHolderTools}${report.capability.singleHolderTools.length ? ` (${report.capability.singleHolderTools.map(mdCell).join(', ')})` : ''}.`, '',
    '## Paid-licence requests', '',
    ...(report.licences.length === 0 ? ['None.'] : ['| tool | seats | approver | owner | due | raised from |', '|---|---|---|---|---|---|',
      ...report.licences.map((l) => `| ${mdCell(l.tool)} | ${l.seats} | ${mdCell(l.approver)} | ${mdCell(l.owner)} | ${l.dueDate} | ${mdCell(l.participant)} |`)]),
    '', '## Experiments', '', '| participant | team | tool | hours kept / planned | hypothesis | decision |', '|---|---|---|---|---|---|',
    ...report.rows.map((r) => `| ${mdCell(r.participant)} | ${mdCell(r.team)} | ${mdCell(r.tool)} | ${r.hoursKept} / ${r.hoursPlanned} | ${r.hypothesis} | ${mdCell(r.decision || 'not decided')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A standalone HTML page of the same report (to attach or paste into a mail to leadership). */
export function reportHtml(report: RoundReport): string {
  const table = (head: string[], rows: (string | number)[][]) =>
    `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Round report: ${esc(report.roundName)}</title></head><body>`,
    `<h1>Round report: ${esc(report.roundName)}</h1>`,
    '<h2>Participation</h2>', table(['stage', 'people'], report.funnel.map((f) => [f.stage, f.count])),
    `<h2>Practice time</h2><p>Protected: ${report.hours.planned} h; kept: ${report.hours.kept} h.</p>`,
    `<h2>Hypotheses</h2><p>Met: ${report.hypotheses.met}; partly: ${report.hypotheses.partly}; not met: ${report.hypotheses.not}; not stated: ${report.hypotheses.unknown}.</p>`,
    '<h2>Decisions</h2>', table(['decision', 'experiments'], [...DECISION_OUTCOMES.map((o) => [DECISION_OUTCOME_LABELS[o], report.decisions[o]]), ['Not decided yet', report.decisions.undecided]]),
    `<h2>Assets shared</h2><p>${report.assetsShared}</p>`,
    `<h2>Capability spread</h2><p>Tools held by two or more people: ${report.capability.before.toolsWithTwoOrMore} → ${report.capability.after.toolsWithTwoOrMore}. Single-holder tools: ${report.capability.before.singleHolderTools} → ${report.capability.after.singleHolderTools}.</p>`,
    '<h2>Paid-licence requests</h2>', table(['tool', 'seats', 'approver', 'owner', 'due', 'raised from'], report.licences.map((l) => [l.tool, l.seats, l.approver, l.owner, l.dueDate, l.participant])),
    '<h2>Experiments</h2>', table(['participant', 'team', 'tool', 'hours kept', 'hours planned', 'hypothesis', 'decision'], report.rows.map((r) => [r.participant, r.team, r.tool, r.hoursKept, r.hoursPlanned, r.hypothesis, r.decision || 'not decided'])),
    '</body></html>',
  ].join('\n');
}
