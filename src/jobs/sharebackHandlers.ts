import type { Round } from '../domain/round';
import { effect, handlerFor } from '../usecases/jobKinds';
import { saveWithEffects } from '../usecases/outbox';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../ports/storageErrors';
import { DECISION_EFFECTS_JOB_KIND, runDecisionEffects } from '../usecases/decisions';
import type { UseCasePorts } from '../usecases/ports';
import { checkMeetingEnds, checkSummaries, isPresenting, ROUND_REPORT_JOB_KIND, sessionOf } from '../usecases/sharebackSession';
import type { PeriodicTask } from './scheduler';

/*
 * The work of steps 5–6 that is more than a message: a decision's effects, the claim that queues the round report
 * once everything is decided, and the periodic looks at summaries and meeting ends. Their messages are registry
 * entries (src/jobs/registry.ts) with views in src/usecases/queries/sharebackNotices.ts.
 */

/**
 * Once every presenting experiment has a decision, the owners get the round report (claimed on the session row: once).
 * The `shareback.report` job is saved with that claim (the session's outbox): the claim stops every later run, so the
 * report must not be lost between the two.
 */
export async function sendReportWhenAllDecided(round: Round, ports: UseCasePorts): Promise<boolean> {
  const presenting = (await ports.experiments.listForRound(round.id)).filter(isPresenting);
  if (presenting.length === 0 || presenting.some((e) => e.state !== 'decided')) return false;
  const stored = await ports.sharebackSessions.getSession(round.id);
  if (stored?.value.reportSentAt) return false;
  const now = ports.clock.now().toISOString();
  const session = stored?.value ?? (await sessionOf(round, ports));
  const report = effect(ROUND_REPORT_JOB_KIND, `report:${round.id}`, { roundId: round.id });
  try {
    await saveWithEffects({ record: 'sharebackSession', roundId: round.id }, [report], ports,
      (outbox) => ports.sharebackSessions.saveSession({ ...session, reportSentAt: now, version: session.version + 1, updatedAt: now }, stored?.etag ?? null, { outbox }));
  } catch (error) {
    if (error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError) return false;
    throw error;
  }
  return true;
}

/** The effects of a decision, then the round report once it was the last decision the round waited for. */
export function sharebackJobHandlers(ports: UseCasePorts) {
  return {
    [DECISION_EFFECTS_JOB_KIND]: handlerFor(DECISION_EFFECTS_JOB_KIND, async ({ roundId, participantId }) => {
      await runDecisionEffects(roundId, participantId, ports);
      const round = await ports.rounds.get(roundId);
      if (round) await sendReportWhenAllDecided(round.round, ports);
    }),
  } as const;
}

export function sharebackPeriodicTasks(ports: UseCasePorts): PeriodicTask[] {
  return [
    { name: 'shareback.summaries', intervalInMs: 6 * 3_600_000, run: () => checkSummaries(ports) },
    { name: 'shareback.meeting-end', intervalInMs: 60_000, run: () => checkMeetingEnds(ports) },
  ];
}
