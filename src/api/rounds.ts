import { Router, type Response } from 'express';
import { isDomainError, type DomainError } from '../domain/errors';
import { parseUserId, type UserId } from '../domain/ids';
import type { RoundChanges } from '../domain/round';
import type { RoundId } from '../domain/roundIds';
import { practiceHoursByWeek } from '../domain/practiceHours';
import { fitOfSelection } from '../domain/rubric';
import { markBlockKept } from '../usecases/booking';
import { listRoundEvents, removeRoundEvents, withdrawExperiment } from '../usecases/releaseTime';
import type { HypothesisInput, SelectionInput } from '../domain/experimentPlan';
import { createRound, editRound, openRound, publishPolicy, resendKickoff, type NewRoundInput } from '../usecases/rounds';
import { acknowledgePolicy, reviewPlan, saveSelection, submitPlan, type ReviewAction } from '../usecases/experiments';
import type { Caller, UseCasePorts } from '../usecases/ports';
import { acknowledgementsExportQuery } from '../usecases/queries/exports';
import { experimentAsItStands } from '../usecases/queries/experimentPage';
import { participantViewQuery } from '../usecases/queries/participantView';
import { ownedRoundsQuery, roundRosterQuery } from '../usecases/queries/roundPeople';
import { directReportsQuery, reviewQueueQuery } from '../usecases/queries/team';
import { sendAnswer, sendCsv, sendDomainError } from './errors';
import { emptyBody, parsedBody, roundIdParam, versionOf } from './requests';
import { REQUEST_BODIES } from './schemas';

/**
 * REST for the dashboard: thin — parse, call the same use case the chat cards call, answer.
 * Bodies are checked for shape here (a JSON object); their content is validated by the domain, which
 * names each bad field.
 */
export type CallerOf = (res: Response) => Caller;

export function roundsRouter(ports: UseCasePorts, callerOf: CallerOf): Router {
  const router = Router();

  /** A refused change to an experiment; a conflict (e.g. a stale form) carries the experiment as it now stands. */
  async function sendExperimentError(res: Response, error: DomainError, roundId: RoundId, participantId: UserId): Promise<void> {
    const current = error.kind === 'conflict' ? (await experimentAsItStands(roundId, participantId, ports)) ?? undefined : undefined;
    sendDomainError(res, error, current);
  }

  router.get('/rounds', async (_req, res) => {
    res.json(await ownedRoundsQuery(callerOf(res), ports));
  });

  router.post('/rounds', async (req, res) => {
    const input = parsedBody(req, res, REQUEST_BODIES.createRound);
    if (!input) return;
    // Types and fields are checked by the schema; content (lengths, ranges, people) by the use case and the domain.
    const round = await createRound(input as NewRoundInput, callerOf(res), ports);
    if (isDomainError(round)) return sendDomainError(res, round);
    res.status(201).json(round);
  });

  router.get('/rounds/:roundId', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendAnswer(res, await roundRosterQuery(roundId, callerOf(res), ports));
  });

  router.patch('/rounds/:roundId', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const changes = roundId && parsedBody(req, res, REQUEST_BODIES.editRound);
    if (!roundId || !changes) return;
    const round = await editRound(roundId, changes as RoundChanges, callerOf(res), ports);
    if (isDomainError(round)) return sendDomainError(res, round);
    res.json(round);
  });

  router.post('/rounds/:roundId/policy', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const input = roundId && parsedBody(req, res, REQUEST_BODIES.publishPolicy);
    if (!roundId || !input) return;
    const round = await publishPolicy(roundId, input.text, callerOf(res), ports);
    if (isDomainError(round)) return sendDomainError(res, round);
    res.json(round);
  });

  router.post('/rounds/:roundId/open', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId || !emptyBody(req, res)) return;
    const outcome = await openRound(roundId, callerOf(res), ports);
    if (isDomainError(outcome)) return sendDomainError(res, outcome);
    res.status(outcome.alreadyOpen ? 200 : 202).json(outcome);
  });

  // Resend the kickoff to everyone whose delivery failed or is uncertain (a worker stopped mid-send).
  router.post('/rounds/:roundId/kickoff/resend', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const input = roundId && parsedBody(req, res, REQUEST_BODIES.kickoffResend);
    if (!roundId || !input) return;
    const outcome = await resendKickoff(roundId, input.who, callerOf(res), ports);
    if (isDomainError(outcome)) return sendDomainError(res, outcome);
    res.status(202).json(outcome);
  });

  router.get('/rounds/:roundId/acknowledgements.csv', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendCsv(res, await acknowledgementsExportQuery(roundId, callerOf(res), ports));
  });

  // The participant's own experiment in a round.
  router.get('/rounds/:roundId/me', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendAnswer(res, await participantViewQuery(roundId, callerOf(res), ports));
  });

  // "That block did not happen" (or undo): kept vs planned counts it from then on.
  router.put('/rounds/:roundId/me/blocks/:week/:index', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const week = Number(req.params.week);
    const index = Number(req.params.index);
    if (!roundId) return;
    if (!/^\d{1,3}$/.test(String(req.params.week)) || !/^\d{1,4}$/.test(String(req.params.index))) return void res.status(404).json({ error: 'No such practice block.' });
    const input = parsedBody(req, res, REQUEST_BODIES.blockKept);
    if (!input) return;
    const updated = await markBlockKept(roundId, callerOf(res), { week, index }, input.kept, input.reason ?? '', ports);
    if (isDomainError(updated)) return sendDomainError(res, updated);
    res.json({ hours: practiceHoursByWeek(updated.blocks, ports.clock.now().toISOString()) });
  });

  router.post('/rounds/:roundId/me/acknowledgement', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const input = roundId && parsedBody(req, res, REQUEST_BODIES.acknowledge);
    if (!roundId || !input) return;
    const view = await acknowledgePolicy(roundId, {
      policyVersion: input.policyVersion,
      policyAccepted: input.policyAccepted === true,
      toolTermsAccepted: input.toolTermsAccepted === true,
      tool: { toolId: input.tool?.toolId, otherToolName: input.tool?.otherToolName, otherToolTermsUrl: input.tool?.otherToolTermsUrl },
    }, callerOf(res), ports);
    if (isDomainError(view)) return sendDomainError(res, view);
    res.json({ roundId, experiment: view.experiment, needsAcknowledgement: view.needsAcknowledgement });
  });

  router.put('/rounds/:roundId/me/selection', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const input = roundId && parsedBody(req, res, REQUEST_BODIES.selection);
    if (!roundId || !input) return;
    const outcome = await saveSelection(roundId, input.selection as SelectionInput, versionOf(input), callerOf(res), ports);
    if (isDomainError(outcome)) return sendExperimentError(res, outcome, roundId, callerOf(res).userId);
    // The rubric's fit and notes, as the chat card shows them: the tab plans from this answer.
    res.json({ ...outcome.experiment, fit: outcome.experiment.selection ? fitOfSelection(outcome.experiment.selection, outcome.round) : null });
  });

  router.post('/rounds/:roundId/me/submit', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const input = roundId && parsedBody(req, res, REQUEST_BODIES.submit);
    if (!roundId || !input) return;
    const outcome = await submitPlan(roundId, input.hypothesis as HypothesisInput, versionOf(input), callerOf(res), ports);
    if (isDomainError(outcome)) return sendExperimentError(res, outcome, roundId, callerOf(res).userId);
    res.json(outcome.experiment);
  });

  // The manager's queue and decisions (the same use case as the review card).
  router.get('/reviews', async (_req, res) => {
    res.json(await reviewQueueQuery(callerOf(res), ports));
  });

  // Withdrawing: the participant, or an owner for them. Future practice blocks leave the calendar.
  router.post('/rounds/:roundId/experiments/:participantId/withdraw', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const participantId = parseUserId(req.params.participantId);
    if (!roundId) return;
    if (!participantId) return void res.status(404).json({ error: 'No such experiment.' });
    if (!emptyBody(req, res)) return;
    const outcome = await withdrawExperiment(roundId, participantId, callerOf(res), ports);
    if (isDomainError(outcome)) return sendDomainError(res, outcome);
    res.json(outcome.experiment);
  });

  // Cleanup for owners: every event the app created for the round, and removing them all.
  router.get('/rounds/:roundId/calendar-events', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId) return;
    const events = await listRoundEvents(roundId, callerOf(res), ports);
    if (isDomainError(events)) return sendDomainError(res, events);
    res.json({ value: events });
  });

  router.delete('/rounds/:roundId/calendar-events', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId) return;
    const removed = await removeRoundEvents(roundId, callerOf(res), ports);
    if (isDomainError(removed)) return sendDomainError(res, removed);
    res.json({ removed });
  });

  // A manager's direct reports and where each stands in each round (process, never a score of their work).
  router.get('/reports', async (_req, res) => {
    res.json(await directReportsQuery(callerOf(res), ports));
  });

  router.post('/rounds/:roundId/experiments/:participantId/review', async (req, res) => {
    const roundId = roundIdParam(req, res);
    const participantId = parseUserId(req.params.participantId);
    if (!roundId) return;
    if (!participantId) return void res.status(404).json({ error: 'No such experiment.' });
    const input = parsedBody(req, res, REQUEST_BODIES.review);
    if (!input) return;
    const { expectedVersion, ...action } = input;
    const outcome = await reviewPlan(roundId, participantId, action as ReviewAction, expectedVersion, callerOf(res), ports);
    if (isDomainError(outcome)) return sendExperimentError(res, outcome, roundId, participantId);
    res.json(outcome.experiment);
  });

  return router;
}
