import type { DemoPerson } from '../../tools/demo-org';
import { eventually } from './eventually';
import type { TestStack } from './service';

/** A REST call as one demo person (each suite signs in its own way: dev header or a simulated SSO token). */
export type CallAs = (person: DemoPerson, method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;

export interface ApprovePlanOptions {
  readonly roundId: string;
  readonly owner: DemoPerson;
  readonly manager: DemoPerson;
  /** The catalogue role the person picks (the tools offered depend on it). */
  readonly role?: string;
}

/**
 * Steps 1–2 over the REST API, the way a participant and their manager do them: acknowledge the policy and
 * the tool's terms, save a selection, submit the hypothesis, and the manager approves. Each step must succeed.
 */
export async function approvePlanOf(call: CallAs, person: DemoPerson, options: ApprovePlanOptions): Promise<void> {
  const { roundId, owner, manager } = options;
  const round = await call(owner, 'GET', `/rounds/${roundId}`);
  const policyVersion = round.json.round.policy.versions.at(-1).version;
  expect((await call(person, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } })).status).toBe(200);
  const entry = round.json.round.catalogue.find((t: { id: string }) => t.id === 'm365-copilot');
  const saved = await call(person, 'PUT', `/rounds/${roundId}/me/selection`, { selection: {
    frictionPoint: { description: 'Summarising long customer call notes for the CRM', frequency: 'daily', minutesToday: 45 },
    role: options.role ?? 'marketing', tool: { kind: 'catalogue', entry }, kpi: 'Minutes per call note',
    scores: { relevance: 5, kpiImpact: 4, learningCurve: 4, interest: 5, riskSupport: 4 }, supportNamed: manager.displayName.split(' ')[0],
  } });
  expect(saved.status).toBe(200);
  const submitted = await call(person, 'POST', `/rounds/${roundId}/me/submit`, { expectedVersion: saved.json.version, hypothesis: {
    measure: 'Minutes to write one call summary', baseline: { value: 45, unit: 'minutes' }, target: { value: 15, unit: 'minutes' },
    howWeWillKnow: 'I will time ten summaries in the last week and compare.', preferredTimes: 'mornings', blockMinutes: 60,
  } });
  expect(submitted.status).toBe(200);
  const review = await call(manager, 'POST', `/rounds/${roundId}/experiments/${person.id}/review`, { kind: 'approve' });
  expect(review.status).toBe(200);
  expect(review.json.state).toBe('approved');
}

/**
 * The meeting chat of the round's shareback, once the owner's calendar has it: the thread id in the Teams join
 * link, which is how the meeting tab finds its round.
 */
export async function sharebackChatIdOf(stack: TestStack, owner: DemoPerson): Promise<string> {
  const meeting = await eventually(() => {
    const event = stack.sandbox.control.events(owner.id).find((e) => String(e.subject).startsWith('Practice Loop shareback'));
    if (!event) throw new Error('no shareback yet');
    return event;
  }, { timeoutInMs: 15_000 });
  return decodeURIComponent(String((meeting.onlineMeeting as { joinUrl: string }).joinUrl)).match(/19:[^/]+@thread\.v2/)![0];
}
