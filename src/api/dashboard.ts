import { Router, type Response } from 'express';
import { problemKindSchema } from '../contracts/owner';
import { parseUserId } from '../domain/ids';
import type { Caller, UseCasePorts } from '../usecases/ports';
import { experimentPageQuery } from '../usecases/queries/experimentPage';
import { roundExportQuery } from '../usecases/queries/exports';
import { roundFunnelQuery } from '../usecases/queries/funnel';
import { dashboardHomeQuery } from '../usecases/queries/home';
import { ownerOverviewQuery } from '../usecases/queries/ownerOverview';
import { roundOutlineQuery } from '../usecases/queries/participantView';
import { roundPeopleQuery } from '../usecases/queries/roundPeople';
import { problemsAfter, roundProblemsQuery } from '../usecases/queries/roundProblems';
import { teamQuery } from '../usecases/queries/team';
import { sendAnswer, sendCsv } from './errors';
import { roundIdParam } from './requests';

/**
 * Read models for the personal tab: what the caller gets to see, a round's outline for its members,
 * the owner's overview, its problem lists page by page, and funnel, a manager's reports in a round, names for a drill-down, and the round export.
 * Each route parses its parameters, asks its query (src/usecases/queries; the answer's shape is in src/contracts)
 * and answers. Writes are not here: the tab posts to the same routes the chat cards' use cases serve (src/api/rounds.ts).
 */
export type CallerOf = (res: Response) => Caller;

export function dashboardRouter(ports: UseCasePorts, callerOf: CallerOf): Router {
  const router = Router();

  router.get('/dashboard', async (_req, res) => {
    res.json(await dashboardHomeQuery(callerOf(res), ports));
  });

  router.get('/rounds/:roundId/outline', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendAnswer(res, await roundOutlineQuery(roundId, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/overview', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendAnswer(res, await ownerOverviewQuery(roundId, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/problems', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId) return;
    const kind = problemKindSchema.safeParse(req.query.kind);
    if (!kind.success) return void res.status(400).json({ error: `Say which problem list: kind=${problemKindSchema.options.join(', kind=')}.` });
    let after: string | null = null;
    if (req.query.after !== undefined) {
      after = typeof req.query.after === 'string' ? problemsAfter(kind.data, req.query.after) : null;
      if (after === null) return void res.status(400).json({ error: `The after token is not one this ${kind.data} list gave out: start again from the overview.` });
    }
    sendAnswer(res, await roundProblemsQuery(roundId, kind.data, after, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/funnel', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendAnswer(res, await roundFunnelQuery(roundId, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/people', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId) return;
    const ids = typeof req.query.ids === 'string' ? req.query.ids.split(',').filter(Boolean) : [];
    sendAnswer(res, await roundPeopleQuery(roundId, ids, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/team', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendAnswer(res, await teamQuery(roundId, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/experiments/:participantId', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId) return;
    const participantId = parseUserId(req.params.participantId);
    if (!participantId) return void res.status(404).json({ error: 'No such experiment.' });
    sendAnswer(res, await experimentPageQuery(roundId, participantId, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/export.csv', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendCsv(res, await roundExportQuery(roundId, callerOf(res), ports));
  });

  return router;
}
