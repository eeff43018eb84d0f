import type { Experiment, ExperimentState } from './experiment';

/**
 * A round's funnel: how many people reached each stage of the loop, and who (for drill-down).
 * Pure; the owner's dashboard and the round report both draw it from the same facts.
 *
 * A stage counts everyone who reached it, not only those still there: someone who withdrew after approval
 * still counts as approved. Reaching a stage of the plan implies the plan stages before it (an approved
 * plan was selected and its policy acknowledged), so the plan stages never widen; journaling, sharing back
 * and the decision are counted as they happened, since each can be skipped.
 */
export const FUNNEL_STAGES = ['invited', 'acknowledged', 'selected', 'approved', 'practising', 'journaling', 'shared back', 'decided'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export const FUNNEL_STAGE_LABELS: Readonly<Record<FunnelStage, string>> = {
  invited: 'Invited',
  acknowledged: 'Acknowledged the policy',
  selected: 'Chose a friction point and tool',
  approved: 'Plan approved',
  practising: 'Practising',
  journaling: 'Journaling',
  'shared back': 'Shared back',
  decided: 'Decision recorded',
};

export interface FunnelFacts {
  readonly userId: string;
  /** Acknowledged the round's policy (any version). */
  readonly acknowledged: boolean;
  /** Saved a selection (friction point, tool, KPI). */
  readonly selected: boolean;
  /** Every experiment state the person has been in (current one included). */
  readonly statesReached: readonly ExperimentState[];
  readonly journalEntries: number;
  /** Presented at (or submitted a summary for) the shareback. */
  readonly sharedBack: boolean;
}

export interface FunnelRow {
  readonly stage: FunnelStage;
  readonly label: string;
  readonly count: number;
  readonly userIds: readonly string[];
}

const PLAN_ORDER: readonly ExperimentState[] = ['draft', 'submitted', 'changes_requested', 'approved', 'practising', 'sharing', 'decided'];

function reachedAny(facts: FunnelFacts, states: readonly ExperimentState[]): boolean {
  return facts.statesReached.some((state) => states.includes(state));
}

function reachedStages(facts: FunnelFacts): Set<FunnelStage> {
  const reached = new Set<FunnelStage>(['invited']);
  const decided = reachedAny(facts, ['decided']);
  const practising = decided || reachedAny(facts, ['practising', 'sharing']);
  const approved = practising || reachedAny(facts, ['approved']);
  const selected = approved || facts.selected || reachedAny(facts, ['submitted', 'changes_requested']);
  const acknowledged = selected || facts.acknowledged;
  if (acknowledged) reached.add('acknowledged');
  if (selected) reached.add('selected');
  if (approved) reached.add('approved');
  if (practising) reached.add('practising');
  if (facts.journalEntries > 0) reached.add('journaling');
  if (facts.sharedBack) reached.add('shared back');
  if (decided) reached.add('decided');
  return reached;
}

export function roundFunnel(people: readonly FunnelFacts[]): FunnelRow[] {
  const byStage = new Map<FunnelStage, string[]>(FUNNEL_STAGES.map((stage) => [stage, []]));
  for (const person of people) for (const stage of reachedStages(person)) byStage.get(stage)!.push(person.userId);
  return FUNNEL_STAGES.map((stage) => {
    const userIds = byStage.get(stage)!;
    return { stage, label: FUNNEL_STAGE_LABELS[stage], count: userIds.length, userIds };
  });
}

/** Every state an experiment has been in, from its history (a withdrawn plan keeps the stages it reached). */
export function statesReachedBy(experiment: Pick<Experiment, 'state' | 'history'> | null): ExperimentState[] {
  if (!experiment) return [];
  const states = new Set<ExperimentState>([experiment.state]);
  for (const entry of experiment.history) {
    states.add(entry.from);
    states.add(entry.to);
  }
  return PLAN_ORDER.filter((state) => states.has(state)).concat(states.has('withdrawn') ? ['withdrawn'] : []);
}
