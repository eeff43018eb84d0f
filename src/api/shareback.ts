import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { isDomainError } from '../domain/errors';
import { parseUserId } from '../domain/ids';
import { parseRoundId } from '../domain/roundIds';
import { reportCsvRows, reportHtml, reportMarkdown } from '../domain/roundReport';
import { pickFollowUpTime, recordDecision, retryDecisionEffects } from '../usecases/decisions';
import { decisionView } from '../usecases/queries/decisionView';
import { capabilityFor, roundReportFor } from '../usecases/queries/roundReport';
import { advancePresenter, editSummary, getSummary, linkMeeting, reorderPresenters } from '../usecases/sharebackSession';
import { roundOfMeeting, sessionView } from '../usecases/queries/meetingSession';
import type { UseCasePorts } from '../usecases/ports';
import { sendDomainError } from './errors';
import type { CallerOf } from './rounds';
import { emptyBody, parsedBody } from './requests';
import { REQUEST_BODIES } from './schemas';

/**
 * REST for the shareback meeting tab and the decisions (steps 5–6). The tab polls
 * GET /meetings/{chatId}/session every 2–3 s with If-None-Match: the ETag is a hash of the view, so an
 * unchanged session is a 304 with no body. Polling (not push) because a tab in a meeting iframe cannot
 * rely on a socket through Teams, proxies and N service instances, and everyone's view need only follow within a few seconds.
 */
/** Teams meeting chat ids look like "19:meeting_…@thread.v2"; anything else is not a meeting we could know. */
const chatIdSchema = z.string().regex(/^19:[^\s/\\#?]{1,300}$/);

export function sharebackRouter(ports: UseCasePorts, callerOf: CallerOf): Router {
  const router = Router();

  async function meeting(req: Request, res: Response) {
    const chatId = chatIdSchema.safeParse(req.params.chatId);
    if (!chatId.success) {
      res.status(404).json({ error: 'This is not a Teams meeting chat.' });
      return null;
    }
    const found = await roundOfMeeting(chatId.data, callerOf(res), ports);
    if (isDomainError(found)) {
      sendDomainError(res, found);
      return null;
    }
    if ('linked' in found) {
      // Not a shareback: a clear state (200), with whether the caller can link it to one of their rounds.
      res.json(found);
      return null;
    }
    return found.round;
  }

  router.get('/meetings/:chatId/session', async (req, res) => {
    const round = await meeting(req, res);
    if (!round) return;
    const view = await sessionView(round, callerOf(res), ports);
    const etag = `"${createHash('sha1').update(JSON.stringify(view)).digest('base64url')}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    res.json(view);
  });

  router.post('/meetings/:chatId/link', async (req, res) => {
    const chatId = chatIdSchema.safeParse(req.params.chatId);
    if (!chatId.success) return void res.status(404).json({ error: 'This is not a Teams meeting chat.' });
    const input = parsedBody(req, res, REQUEST_BODIES.linkMeeting);
    if (!input) return;
    const roundId = parseRoundId(input.roundId);
    if (!roundId) return void res.status(422).json({ error: 'Choose the round to link this meeting to.', fieldErrors: { roundId: 'Choose the round to link this meeting to.' } });
    const linked = await linkMeeting(chatId.data, roundId, callerOf(res), ports);
    if (isDomainError(linked)) return sendDomainError(res, linked);
    res.json(linked);
  });

  router.post('/meetings/:chatId/advance', async (req, res) => {
    const input = parsedBody(req, res, REQUEST_BODIES.advance);
    if (!input) return;
    const round = await meeting(req, res);
    if (!round) return;
    const session = await advancePresenter(round, { step: input.step ?? 1, ...(input.to !== undefined ? { to: input.to } : {}), expectedVersion: input.expectedVersion }, callerOf(res), ports);
    if (isDomainError(session)) {
      if (session.kind !== 'conflict') return sendDomainError(res, session);
      return void res.status(409).json({ error: session.message, kind: session.kind, current: await sessionView(round, callerOf(res), ports) });
    }
    res.json(await sessionView(round, callerOf(res), ports));
  });

  router.put('/meetings/:chatId/order', async (req, res) => {
    const input = parsedBody(req, res, REQUEST_BODIES.order);
    if (!input) return;
    const round = await meeting(req, res);
    if (!round) return;
    const session = await reorderPresenters(round, { order: input.order, grouping: input.grouping, expectedVersion: input.expectedVersion }, callerOf(res), ports);
    if (isDomainError(session)) {
      if (session.kind !== 'conflict') return sendDomainError(res, session);
      return void res.status(409).json({ error: session.message, kind: session.kind, current: await sessionView(round, callerOf(res), ports) });
    }
    res.json(await sessionView(round, callerOf(res), ports));
  });

  // Summaries: the participant's own (review, edit, mark ready), and a person's for their manager or an owner.
  router.get('/rounds/:roundId/me/summary', async (req, res) => {
    const roundId = parseRoundId(req.params.roundId);
    if (!roundId) return void res.status(404).json({ error: 'No such round.' });
    const view = await getSummary(roundId, callerOf(res).userId, callerOf(res), ports);
    if (isDomainError(view)) return sendDomainError(res, view);
    res.json(view);
  });

  router.put('/rounds/:roundId/me/summary', async (req, res) => {
    const roundId = parseRoundId(req.params.roundId);
    if (!roundId) return void res.status(404).json({ error: 'No such round.' });
    const input = parsedBody(req, res, REQUEST_BODIES.summary);
    if (!input) return;
    const { ready, expectedVersion: _ignored, ...edits } = input;
    const view = await editSummary(roundId, { edits, ...(ready === undefined ? {} : { ready }) }, callerOf(res), ports);
    if (isDomainError(view)) return sendDomainError(res, view);
    res.json(view);
  });

  router.get('/rounds/:roundId/summaries/:participantId', async (req, res) => {
    const roundId = parseRoundId(req.params.roundId);
    const participantId = parseUserId(req.params.participantId);
    if (!roundId || !participantId) return void res.status(404).json({ error: 'No such summary.' });
    const view = await getSummary(roundId, participantId, callerOf(res), ports);
    if (isDomainError(view)) return sendDomainError(res, view);
    res.json(view);
  });

  // Decisions: owners record and edit; the participant and their manager read.
  router.post('/rounds/:roundId/experiments/:participantId/decision', async (req, res) => {
    const roundId = parseRoundId(req.params.roundId);
    const participantId = parseUserId(req.params.participantId);
    if (!roundId || !participantId) return void res.status(404).json({ error: 'No such experiment.' });
    const input = parsedBody(req, res, REQUEST_BODIES.decision);
    if (!input) return;
    const { expectedVersion, ...decision } = input;
    const outcome = await recordDecision(roundId, participantId, decision, expectedVersion, callerOf(res), ports);
    if (isDomainError(outcome)) {
      if (outcome.kind === 'conflict' && 'current' in outcome) return void res.status(409).json({ error: outcome.message, kind: outcome.kind, current: outcome.current });
      return sendDomainError(res, outcome);
    }
    res.status(outcome.changed ? 200 : 200).json({ changed: outcome.changed, state: outcome.experiment.state, version: outcome.experiment.version, decision: outcome.experiment.decision });
  });

  router.get('/rounds/:roundId/experiments/:participantId/decision', async (req, res) => {
    const roundId = parseRoundId(req.params.roundId);
    const participantId = parseUserId(req.params.participantId);
    if (!roundId || !participantId) return void res.status(404).json({ error: 'No such experiment.' });
    const view = await decisionView(roundId, participantId, callerOf(res), ports);
    if (isDomainError(view)) return sendDomainError(res, view);
    res.json(view);
  });

  router.post('/rounds/:roundId/experiments/:participantId/decision/follow-up', async (req, res) => {
    const roundId = parseRoundId(req.params.roundId);
    const participantId = parseUserId(req.params.participantId);
    if (!roundId || !participantId) return void res.status(404).json({ error: 'No such experiment.' });
    const input = parsedBody(req, res, REQUEST_BODIES.followUp);
    if (!input) return;
    const outcome = await pickFollowUpTime(roundId, participantId, input.start, callerOf(res), ports);
    if (isDomainError(outcome)) return sendDomainError(res, outcome);
    res.json(outcome);
  });

  router.post('/rounds/:roundId/experiments/:participantId/decision/effects', async (req, res) => {
    const roundId = parseRoundId(req.params.roundId);
    const participantId = parseUserId(req.params.participantId);
    if (!roundId || !participantId) return void res.status(404).json({ error: 'No such experiment.' });
    if (!emptyBody(req, res)) return;
    const outcome = await retryDecisionEffects(roundId, participantId, callerOf(res), ports);
    if (isDomainError(outcome)) return sendDomainError(res, outcome);
    res.json(outcome);
  });

  // The round report (JSON for the tab; CSV, Markdown and HTML to download) and the capability map.
  router.get('/rounds/:roundId/report', async (req, res) => {
    const roundId = parseRoundId(req.params.roundId);
    if (!roundId) return void res.status(404).json({ error: 'No such round.' });
    const format = typeof req.query.format === 'string' ? req.query.format : 'json';
    if (!['json', 'csv', 'md', 'html'].includes(format)) return void res.status(400).json({ error: 'format is json, csv, md or html.' });
    const report = await roundReportFor(roundId, callerOf(res), ports);
    if (isDomainError(report)) return sendDomainError(res, report);
    if (format === 'csv') return void res.type('text/csv').attachment(`round-report-${roundId}.csv`).send(stringify(reportCsvRows(report)));
    if (format === 'md') return void res.type('text/markdown').attachment(`round-report-${roundId}.md`).send(reportMarkdown(report));
    if (format === 'html') return void res.type('text/html').attachment(`round-report-${roundId}.html`).send(reportHtml(report));
    res.json(report);
  });

  router.get('/rounds/:roundId/capability', async (req, res) => {
    const roundId = parseRoundId(req.params.roundId);
    if (!roundId) return void res.status(404).json({ error: 'No such round.' });
    const map = await capabilityFor(roundId, callerOf(res), ports);
    if (isDomainError(map)) return sendDomainError(res, map);
    res.json(map);
  });

  return router;
}
