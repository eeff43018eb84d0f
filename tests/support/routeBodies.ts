import type { DemoOrganisation } from '../../tools/demo-org';
import { aNewRoundBody } from './rounds';

export interface RouteBodyContext {
  readonly organisation: DemoOrganisation;
  readonly roundId: string;
  readonly ownerId: string;
  /** The person the route is about (a participant). */
  readonly personId: string;
}

/**
 * A body each mutating /api route accepts as well-formed (its content may still be refused by the domain), so a
 * test can tell a refusal by the access policy or the domain from "bad request". A mutating route missing here
 * throws: every route added later needs a line.
 */
export function wellFormedBody(method: string, path: string, context: RouteBodyContext): unknown {
  const { organisation, roundId, ownerId, personId } = context;
  const bodies: Record<string, unknown> = {
    'POST /rounds': aNewRoundBody(organisation),
    'PATCH /rounds/:roundId': { name: 'Renamed round' },
    'POST /rounds/:roundId/policy': { text: 'A policy text long enough to be accepted by the validation rules.' },
    'POST /rounds/:roundId/open': {},
    'POST /rounds/:roundId/kickoff/resend': { who: 'failed' },
    'PUT /rounds/:roundId/me/blocks/:week/:index': { kept: false, reason: 'x' },
    'POST /rounds/:roundId/me/acknowledgement': { policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } },
    'PUT /rounds/:roundId/me/selection': { selection: { kpi: 'x' } },
    'POST /rounds/:roundId/me/submit': { hypothesis: { measure: 'x' } },
    'POST /rounds/:roundId/experiments/:participantId/withdraw': {},
    'DELETE /rounds/:roundId/calendar-events': undefined,
    'POST /rounds/:roundId/experiments/:participantId/review': { kind: 'approve', comment: 'ok' },
    'POST /meetings/:chatId/link': { roundId },
    'POST /meetings/:chatId/advance': { step: 1 },
    'PUT /meetings/:chatId/order': { order: [personId] },
    'PUT /rounds/:roundId/me/summary': { worked: 'x' },
    'POST /rounds/:roundId/experiments/:participantId/decision': { outcome: 'stop', ownerId, dueDate: '2030-01-15', learned: 'x' },
    'POST /rounds/:roundId/experiments/:participantId/decision/follow-up': { start: '2030-01-15T10:00:00Z' },
    'POST /rounds/:roundId/experiments/:participantId/decision/effects': {},
    'PUT /rounds/:roundId/me/journals/:weekStart': { improved: 'Faster notes', hoursPractised: 1 },
    'POST /rounds/:roundId/me/assets': { kind: 'prompt', title: 'A prompt for summaries', content: 'Summarise this call in five bullets.', goodFor: 'Call notes', submissionId: '3f0c2a9e-7b1d-4c55-9a0e-2d7f6b8c1e44' },
    'PATCH /rounds/:roundId/me/assets/:assetId': { shared: true },
    'POST /rounds/:roundId/reports/:userId/encourage': { message: 'Keep going' },
    'POST /rounds/:roundId/reports/:userId/checkin': {},
    'POST /dev/clock': { advanceBy: 'PT1H' },
    'POST /rounds/:roundId/me/coach/plan': { frictionPoint: 'Call notes take too long', kpi: 'Minutes per note' },
    'POST /rounds/:roundId/me/coach/tools': { frictionPoint: 'Call notes take too long', role: 'sales' },
    'POST /rounds/:roundId/me/coach/summary': {},
    'POST /rounds/:roundId/me/coach/library': { question: 'What prompts did people use for call notes?' },
  };
  const key = `${method} ${path}`;
  if (method === 'GET') return undefined;
  if (!(key in bodies)) throw new Error(`no well-formed body for ${key}: add one to tests/support/routeBodies.ts`);
  return bodies[key];
}
