import { Router, type Response } from 'express';
import { ASSET_KINDS } from '../domain/asset';
import { isDomainError, type DomainError } from '../domain/errors';
import { parseUserId } from '../domain/ids';
import { isSensitiveDataFound, type SensitiveDataFound } from '../domain/sensitiveData';
import { changeMyAsset, exportSharedAssets, saveAsset } from '../usecases/assets';
import { proposeCheckIn, sendEncouragement } from '../usecases/checkIns';
import { isStaleWrite, saveJournal, type StaleWrite } from '../usecases/journal';
import { assetsOfQuery, checkInDigestQuery, journalsOfQuery, myAssetsQuery, myJournalsQuery, sharedLibraryQuery } from '../usecases/queries/journalsAndAssets';
import type { UseCasePorts } from '../usecases/ports';
import { sendAnswer, sendDomainError } from './errors';
import type { CallerOf } from './rounds';
import { emptyBody, parsedBody, roundIdParam } from './requests';
import { REQUEST_BODIES } from './schemas';

/**
 * REST for step 4 (journals, assets, check-ins): parse, call the use case the cards call, answer.
 * Sensitive content without a choice → 422 `{ error, sensitiveFindings }` (resend with `sensitiveData`);
 * a stale write → 409 `{ error, current }`.
 */
/** Text fields must be strings when present: a number or an object is a mistake worth naming, not coercing. */


function sendOutcome<T>(res: Response, result: T | DomainError | SensitiveDataFound | StaleWrite<unknown>, status = 200): void {
  if (isSensitiveDataFound(result)) {
    res.status(422).json({ error: result.message, sensitiveFindings: result.findings.map(({ field, kind, label, excerpt }) => ({ field, kind, label, excerpt })) });
  } else if (isStaleWrite(result)) {
    res.status(409).json({ error: result.message, current: result.current });
  } else if (isDomainError(result)) {
    sendDomainError(res, result);
  } else {
    res.status(status).json(result);
  }
}


export function journalsRouter(ports: UseCasePorts, callerOf: CallerOf): Router {
  const router = Router();

  router.get('/rounds/:roundId/me/journals', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId) return;
    sendAnswer(res, await myJournalsQuery(roundId, callerOf(res), ports));
  });

  router.put('/rounds/:roundId/me/journals/:weekStart', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const input = roundId ? parsedBody(req, res, REQUEST_BODIES.journal) : null;
    if (!roundId || !input) return;
    const result = await saveJournal(roundId, callerOf(res), String(req.params.weekStart), input, ports);
    if (!isDomainError(result) && !isSensitiveDataFound(result) && !isStaleWrite(result)) return void res.status(result.created ? 201 : 200).json(result.entry);
    sendOutcome(res, result);
  });

  router.get('/rounds/:roundId/me/assets', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId) return;
    sendAnswer(res, await myAssetsQuery(roundId, callerOf(res), ports));
  });

  router.post('/rounds/:roundId/me/assets', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const input = roundId ? parsedBody(req, res, REQUEST_BODIES.newAsset) : null;
    if (!roundId || !input) return;
    const result = await saveAsset(roundId, callerOf(res), input, ports);
    if (!isDomainError(result) && !isSensitiveDataFound(result)) return void res.status(result.created ? 201 : 200).json(result.asset);
    sendOutcome(res, result);
  });

  router.patch('/rounds/:roundId/me/assets/:assetId', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const input = roundId ? parsedBody(req, res, REQUEST_BODIES.assetChange) : null;
    if (!roundId || !input) return;
    const result = await changeMyAsset(roundId, String(req.params.assetId), callerOf(res), input, ports);
    sendOutcome(res, result);
  });

  router.get('/rounds/:roundId/assets/export', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId) return;
    const format = req.query.format === undefined ? 'md' : req.query.format;
    if (format !== 'md' && format !== 'json') return void res.status(400).json({ error: 'format is md or json.' });
    const exported = await exportSharedAssets(roundId, format, callerOf(res), ports);
    if (isDomainError(exported)) return sendDomainError(res, exported);
    res.setHeader('Content-Disposition', `attachment; filename="${exported.fileName}"`);
    res.type(exported.contentType).send(exported.body);
  });

  router.get('/rounds/:roundId/assets', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId) return;
    const one = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const kind = one(req.query.kind);
    if (kind !== undefined && kind !== '' && !(ASSET_KINDS as readonly string[]).includes(kind)) return void res.status(400).json({ error: `kind is one of ${ASSET_KINDS.join(', ')}.` });
    sendAnswer(res, await sharedLibraryQuery(roundId, { tool: one(req.query.tool), kind, q: one(req.query.q) }, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/reports/:userId/journals', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const userId = parseUserId(req.params.userId);
    if (!roundId) return;
    if (!userId) return void res.status(404).json({ error: 'No such person.' });
    sendAnswer(res, await journalsOfQuery(roundId, userId, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/reports/:userId/assets', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const userId = parseUserId(req.params.userId);
    if (!roundId) return;
    if (!userId) return void res.status(404).json({ error: 'No such person.' });
    sendAnswer(res, await assetsOfQuery(roundId, userId, callerOf(res), ports));
  });

  router.get('/checkins', async (_req, res) => {
    res.json(await checkInDigestQuery(callerOf(res), ports));
  });

  router.post('/rounds/:roundId/reports/:userId/encourage', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const userId = parseUserId(req.params.userId);
    if (!roundId) return;
    if (!userId) return void res.status(404).json({ error: 'No such person.' });
    const input = parsedBody(req, res, REQUEST_BODIES.encourage);
    if (!input) return;
    const result = await sendEncouragement(roundId, userId, input.message, callerOf(res), ports);
    if (isDomainError(result)) return sendDomainError(res, result);
    res.status(202).json(result);
  });

  router.post('/rounds/:roundId/reports/:userId/checkin', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const userId = parseUserId(req.params.userId);
    if (!roundId) return;
    if (!userId) return void res.status(404).json({ error: 'No such person.' });
    if (!emptyBody(req, res)) return;
    const result = await proposeCheckIn(roundId, userId, callerOf(res), ports);
    if (isDomainError(result)) return sendDomainError(res, result);
    res.status(201).json(result);
  });

  return router;
}
