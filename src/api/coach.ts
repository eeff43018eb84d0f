import { Router } from 'express';
import { z } from 'zod';
import { isDomainError, type DomainError } from '../domain/errors';
import { askLibrary, draftSummaryWithCoach, sharpenPlan, suggestTools } from '../usecases/coach';
import type { UseCasePorts } from '../usecases/ports';
import { sendDomainError } from './errors';
import type { CallerOf } from './rounds';
import { emptyBody, parsedBody, roundIdParam } from './requests';

/**
 * REST for the practice coach in the tab (the plan editor's "Help me sharpen this", tool suggestions, the summary
 * draft, "ask the library"): the same use cases as the chat cards. Every route is the caller's own (`/me`): the
 * answer goes to the person who asked and is never stored, so a manager never sees the coach's text.
 * Answers: `{ by: 'basic' | 'model', note, redactions, value }` (+ `sources` for the library).
 */
const text = (max: number) => z.string().max(max).optional();
const measurement = z.object({ value: z.number().finite().nullable(), unit: z.string().max(20) }).nullable().optional();

const planRequestSchema = z.object({
  frictionPoint: text(500),
  kpi: text(200),
  minutesToday: z.number().int().min(1).max(2400).nullable().optional(),
  scores: z.record(z.number().int().min(1).max(5).nullable()).optional(),
  supportNamed: text(200),
  measure: text(200),
  baseline: measurement,
  target: measurement,
  howWeWillKnow: text(500),
}).strict();

const toolsRequestSchema = z.object({ frictionPoint: text(500), role: text(40), otherToolName: text(80) }).strict();
const libraryRequestSchema = z.object({ question: z.string({ required_error: 'Ask a question of 3 to 500 characters.' }).max(500, 'Ask a question of 3 to 500 characters.') }).strict();

export function coachRouter(ports: UseCasePorts, callerOf: CallerOf): Router {
  const router = Router();

  const answer = <T>(res: Parameters<CallerOf>[0], result: T | DomainError) => {
    if (isDomainError(result)) return sendDomainError(res, result);
    res.json(result);
  };

  router.post('/rounds/:roundId/me/coach/plan', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const parsed = roundId && parsedBody(req, res, planRequestSchema);
    if (!roundId || !parsed) return;
    answer(res, await sharpenPlan(roundId, parsed, callerOf(res), ports));
  });

  router.post('/rounds/:roundId/me/coach/tools', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const parsed = roundId && parsedBody(req, res, toolsRequestSchema);
    if (!roundId || !parsed) return;
    answer(res, await suggestTools(roundId, parsed, callerOf(res), ports));
  });

  router.post('/rounds/:roundId/me/coach/summary', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId || !emptyBody(req, res)) return;
    answer(res, await draftSummaryWithCoach(roundId, callerOf(res), ports));
  });

  router.post('/rounds/:roundId/me/coach/library', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const parsed = roundId && parsedBody(req, res, libraryRequestSchema);
    if (!roundId || !parsed) return;
    answer(res, await askLibrary(roundId, parsed.question, callerOf(res), ports));
  });

  return router;
}
