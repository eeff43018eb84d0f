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

/**
 * What each stage means, written once ("shared back" counted an asset shared in week 1 on the owner's
 * dashboard and a ready summary or a decision in the round report). The owner's dashboard shows these as its
 * help text; the dashboard's funnel and the round report both count with `funnelFactsOf` and `roundFunnel`.
 */
export const FUNNEL_STAGE_DEFINITIONS: Readonly<Record<FunnelStage, string>> = {
  invited: 'In the round: named by an owner, or under one of its managers.',
  acknowledged: 'Confirmed the round’s safe-use policy (any version) and their tool’s terms.',
  selected: 'Saved a friction point, a tool and a KPI.',
  approved: 'Their manager approved the plan (withdrawing later does not take it back).',
  practising: 'An approved plan whose practice window has opened: counted from the window’s first day, when the journal opens, even before the hourly start marks it practising.',
  journaling: 'Wrote at least one weekly journal entry.',
  'shared back': 'Ready to share, or shared, at the shareback: their summary is marked ready, or a decision was recorded. Sharing an asset with the round’s library is not counted here.',
  decided: 'A decision (with an owner and a due date) was recorded for their experiment.',
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
  /** Summary marked ready for the shareback, or a decision recorded (FUNNEL_STAGE_DEFINITIONS['shared back']). */
  readonly sharedBack: boolean;
  /** An approved plan whose window has opened (practice has begun even if the hourly start has not run yet). */
  readonly practiceBegun?: boolean;
}

/** What a person's funnel row is computed from, as the callers hold it. */
export interface FunnelSource {
  readonly userId: string;
  readonly acknowledged: boolean;
  readonly experiment: Pick<Experiment, 'state' | 'history' | 'selection'> | null;
  readonly journalEntries: number;
  readonly summaryReady: boolean;
  /** The round's window has opened (`now >= roundWindow(round).startsAt`). */
  readonly windowOpen: boolean;
}

/** What the funnel reads of an experiment: small enough to be copied next to a person's other facts. */
export interface ExperimentFunnelFacts {
  readonly state: ExperimentState;
  readonly statesReached: readonly ExperimentState[];
  readonly selected: boolean;
}

export function experimentFunnelFactsOf(experiment: Pick<Experiment, 'state' | 'history' | 'selection'>): ExperimentFunnelFacts {
  return { state: experiment.state, statesReached: statesReachedBy(experiment), selected: Boolean(experiment.selection) };
}

/** A FunnelSource whose experiment is already reduced to what the funnel reads. */
export interface CondensedFunnelSource extends Omit<FunnelSource, 'experiment'> {
  readonly experiment: ExperimentFunnelFacts | null;
}

/** The facts of one person, by the stage definitions above: the one place "shared back" and "practising" are decided. */
export function funnelFactsOfCondensed(source: CondensedFunnelSource): FunnelFacts {
  const { experiment } = source;
  return {
    userId: source.userId,
    acknowledged: source.acknowledged,
    selected: experiment?.selected ?? false,
    statesReached: experiment?.statesReached ?? [],
    journalEntries: source.journalEntries,
    sharedBack: source.summaryReady || experiment?.state === 'decided',
    practiceBegun: experiment?.state === 'approved' && source.windowOpen,
  };
}

export function funnelFactsOf(source: FunnelSource): FunnelFacts {
  return funnelFactsOfCondensed({ ...source, experiment: source.experiment ? experimentFunnelFactsOf(source.experiment) : null });
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
  // A journal entry is only possible once practice has begun, so journaling implies practising.
  const practising = decided || reachedAny(facts, ['practising', 'sharing']) || facts.practiceBegun === true || facts.journalEntries > 0;
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
