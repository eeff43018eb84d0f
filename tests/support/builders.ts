import { isDomainError, type DomainError } from '../../src/domain/errors';
import { applyCommand, newExperiment, type Experiment, type ExperimentActor, type ExperimentCommand, type ExperimentState } from '../../src/domain/experiment';
import type { DecisionInput, HypothesisInput, SelectionInput } from '../../src/domain/experimentPlan';
import { parseTenantId, parseUserId, type TenantId, type UserId } from '../../src/domain/ids';
import { createRound, openRound, publishPolicyVersion, type CreateRoundInput, type Round, type RoundActor, type RoundWithParticipants } from '../../src/domain/round';
import { parseRoundId, type RoundId } from '../../src/domain/roundIds';
import { DEFAULT_TOOL_CATALOGUE } from '../../src/domain/toolCatalogue';

/** Builders for domain tests: valid by default, one override away from the case under test. */

/** A Saturday morning, before the example round's window (Mon 10 March – Sun 30 March 2025, Europe/London). */
export const NOW = '2025-03-01T09:00:00.000Z';

export function later(now: string, minutes: number): string {
  return new Date(Date.parse(now) + minutes * 60_000).toISOString();
}

function user(id: string): UserId {
  const parsed = parseUserId(id);
  if (parsed === null) throw new Error(`bad test user id ${id}`);
  return parsed;
}

export const TENANT: TenantId = (() => {
  const parsed = parseTenantId('72f988bf-86f1-41af-91ab-2d7cd011db47');
  if (parsed === null) throw new Error('bad test tenant id');
  return parsed;
})();

export const PEOPLE = {
  dana: user('0f8fad5b-d9cb-469f-a165-70867728950e'), // participant
  maria: user('7c9e6679-7425-40de-944b-e07fc1f90ae7'), // Dana's manager
  omar: user('16fd2706-8baf-433b-82eb-8c7fada847da'), // round owner
  priya: user('886313e1-3b8a-5372-9b90-0c9aee199e5d'), // app admin
  sam: user('a8098c1a-f86e-11da-bd1a-00112444be1e'), // a colleague with no role here
  lee: user('6fa459ea-ee8a-3ca4-894e-db77e160355e'), // another participant
} as const;

export const ROUND_ID: RoundId = (() => {
  const parsed = parseRoundId('round-2025-spring');
  if (parsed === null) throw new Error('bad test round id');
  return parsed;
})();

export const POLICY_TEXT = 'Keep customer names, contracts and unreleased figures out of every AI tool. Redact before you paste.';

export function unwrap<T>(value: T | DomainError): T {
  if (isDomainError(value)) throw new Error(`expected success, got ${value.kind}: ${value.message}`);
  return value;
}

export function expectError(value: unknown): DomainError {
  if (!isDomainError(value)) throw new Error(`expected a DomainError, got ${JSON.stringify(value)}`);
  return value;
}

export const ownerActor: RoundActor = { userId: PEOPLE.omar, isAdmin: false };
export const adminActor: RoundActor = { userId: PEOPLE.priya, isAdmin: true };
export const strangerActor: RoundActor = { userId: PEOPLE.sam, isAdmin: false };

export function aRoundInput(overrides: Partial<CreateRoundInput> = {}): CreateRoundInput {
  return {
    id: ROUND_ID,
    tenantId: TENANT,
    name: 'Spring AI practice round',
    ownerIds: [PEOPLE.omar],
    participantIds: [PEOPLE.dana, PEOPLE.lee],
    managerScopes: [PEOPLE.maria],
    window: { start: '2025-03-10', weeks: 3 },
    hoursPerWeek: 2.5,
    shareback: { startsAt: '2025-03-31T14:00:00+01:00', durationMinutes: 90, timeZone: 'Europe/London' },
    ...overrides,
  };
}

export type RoundBuild = Partial<RoundWithParticipants> & { readonly policy?: Round['policy'] };

/**
 * A round in the given status, built through the public functions (create → publish → open), then with
 * any plain overrides on top: `aRound({ status: 'open' })`, `aRound({ status: 'draft', policy: { versions: [] } })`.
 */
export function aRound(overrides: RoundBuild = {}): RoundWithParticipants {
  const created = unwrap(createRound(aRoundInput(), ownerActor, NOW));
  const published = unwrap(publishPolicyVersion(created, POLICY_TEXT, ownerActor, NOW)).round;
  const status = overrides.status ?? 'open';
  const round = status === 'draft' ? published : unwrap(openRound(published, ownerActor, NOW)).round;
  const shaped: RoundWithParticipants = status === 'closed' ? { ...round, status: 'closed' } : round;
  return { ...shaped, ...overrides };
}

export function aSelection(overrides: Partial<SelectionInput> = {}): SelectionInput {
  const tool = DEFAULT_TOOL_CATALOGUE.find((entry) => entry.id === 'm365-copilot');
  if (tool === undefined) throw new Error('catalogue lost Microsoft 365 Copilot');
  return {
    frictionPoint: { description: 'Writing the weekly pipeline summary for the sales leadership call', frequency: 'weekly', minutesToday: 90 },
    role: 'sales',
    tool: { kind: 'catalogue', entry: tool },
    kpi: 'Hours spent on internal reporting',
    scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 5, riskSupport: 4 },
    supportNamed: 'Maria (my manager) and the sales ops team',
    ...overrides,
  };
}

export function aHypothesis(overrides: Partial<HypothesisInput> = {}): HypothesisInput {
  return {
    measure: 'Minutes to produce the weekly pipeline summary',
    baseline: { value: 90, unit: 'minutes' },
    target: { value: 45, unit: 'minutes' },
    howWeWillKnow: 'I time each weekly summary and note how much I had to rewrite by hand.',
    preferredTimes: 'mornings',
    blockMinutes: 60,
    deadlineConflicts: 'Quarter-end forecast is due on 28 March.',
    ...overrides,
  };
}

/** A complete paid-licence decision (owner Omar, due 2025-05-30); override any field. */
export function aDecision(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return { outcome: 'paid-licence', ownerId: PEOPLE.omar, dueDate: '2025-05-30', tool: 'Microsoft 365 Copilot', seats: 5, approver: 'Finance director', ...overrides };
}

export const asParticipant: ExperimentActor = { userId: PEOPLE.dana, relation: 'participant' };
export const asReviewer: ExperimentActor = { userId: PEOPLE.maria, relation: 'reviewer' };
export const asOwner: ExperimentActor = { userId: PEOPLE.omar, relation: 'owner' };

/** The commands that take a fresh experiment to each state, in order (a real path through the machine). */
export function pathTo(state: ExperimentState): ExperimentCommand[] {
  const plan: ExperimentCommand[] = [
    { kind: 'saveSelection', actor: asParticipant, selection: aSelection() },
    { kind: 'saveHypothesis', actor: asParticipant, hypothesis: aHypothesis() },
  ];
  const submit: ExperimentCommand = { kind: 'submit', actor: asParticipant, acknowledgedCurrentPolicy: true, reviewerId: PEOPLE.maria };
  const approve: ExperimentCommand = { kind: 'approve', actor: asReviewer, comment: 'Good choice, go for it.' };
  const practise: ExperimentCommand = { kind: 'startPractice', actor: asParticipant, acknowledgedCurrentPolicy: true };
  const share: ExperimentCommand = { kind: 'startSharing', actor: asParticipant };
  switch (state) {
    case 'draft': return [];
    case 'submitted': return [...plan, submit];
    case 'changes_requested': return [...plan, submit, { kind: 'requestChanges', actor: asReviewer, comment: 'Pick one report, not all three.' }];
    case 'approved': return [...plan, submit, approve];
    case 'practising': return [...plan, submit, approve, practise];
    case 'sharing': return [...plan, submit, approve, practise, share];
    case 'decided': return [...plan, submit, approve, practise, share, { kind: 'recordDecision', actor: asOwner, decision: aDecision() }];
    case 'withdrawn': return [...plan, { kind: 'withdraw', actor: asParticipant }];
  }
}

/**
 * `anExperiment({ state: 'submitted' })`: Dana's experiment, driven there through `applyCommand`.
 * A draft is empty unless `planned: true`, which saves a selection and a hypothesis (ready to submit).
 */
export function anExperiment(options: { state?: ExperimentState; now?: string; planned?: boolean } = {}): Experiment {
  const now = options.now ?? NOW;
  const state = options.state ?? 'draft';
  const path = state === 'draft' && options.planned === true ? pathTo('submitted').slice(0, 2) : pathTo(state);
  let experiment = newExperiment(ROUND_ID, PEOPLE.dana, TENANT, now);
  for (const command of path) experiment = unwrap(applyCommand(experiment, command, now)).experiment;
  return experiment;
}
