import { formatDay } from '../cards/format';
import { renderRoundReportCard } from '../cards/roundReport';
import { renderSummariesFlaggedCard } from '../cards/summariesFlagged';
import { renderSummaryReviewCard } from '../cards/summaryReview';
import { renderUndecidedCard } from '../cards/undecided';
import { effectiveSummary } from '../domain/summary';
import type { Round } from '../domain/round';
import { instantOrThrow } from '../domain/time';
import { effect, handlerFor } from '../usecases/jobKinds';
import { saveWithEffects } from '../usecases/outbox';
import { sendOnce } from '../usecases/journal';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../ports/storageErrors';
import { DECISION_EFFECTS_JOB_KIND, runDecisionEffects, undecidedViewFor } from '../usecases/decisions';
import { personalConversationOf } from '../usecases/kickoff';
import type { UseCasePorts } from '../usecases/ports';
import { buildRoundReport } from '../usecases/queries/roundReport';
import { coachIsOn } from '../usecases/coach';
import {
  checkMeetingEnds, checkSummaries, isPresenting, personOf, refreshSummary, ROUND_REPORT_JOB_KIND, sessionOf, SUMMARIES_FLAGGED_JOB_KIND, SUMMARY_REVIEW_JOB_KIND, UNDECIDED_JOB_KIND,
} from '../usecases/sharebackSession';
import type { PeriodicTask } from './scheduler';

/**
 * Jobs of steps 5–6: decision effects, the summary review card, the day-before flag, the undecided cards
 * after the meeting, and the round report once everything is decided. Each reads the current state, so a
 * late or repeated job tells the truth as it is now.
 */
export interface SharebackJobSettings { readonly dashboardUrl: string; readonly tabEndpoint: string | null }

function reportUrlOf(settings: SharebackJobSettings): string {
  return settings.dashboardUrl;
}

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

export function sharebackJobHandlers(ports: UseCasePorts, settings: SharebackJobSettings) {
  /**
   * Each owner's cards of one job, once per owner: the outbox may queue a job again (a crash between queueing it and
   * clearing its row) and the queue may deliver twice; a reminder row per owner and job id makes a repeat a no-op.
   */
  async function toEachOwnerOnce(round: Round, jobId: string, send: (conversation: Awaited<ReturnType<typeof personalConversationOf>>) => Promise<void>) {
    for (const owner of round.ownerIds) {
      await sendOnce(ports, { userId: owner, kind: 'notice', key: jobId }, async () => {
        await send(await personalConversationOf(owner, round, ports));
        return true;
      });
    }
  }

  return {
    [DECISION_EFFECTS_JOB_KIND]: handlerFor(DECISION_EFFECTS_JOB_KIND, async ({ roundId, participantId }) => {
      await runDecisionEffects(roundId, participantId, ports);
      const round = await ports.rounds.get(roundId);
      if (round) await sendReportWhenAllDecided(round.round, ports);
    }),
    [ROUND_REPORT_JOB_KIND]: handlerFor(ROUND_REPORT_JOB_KIND, async ({ roundId }, job) => {
      const round = await ports.rounds.get(roundId);
      if (!round) return;
      const card = renderRoundReportCard(await buildRoundReport(round.round, ports), reportUrlOf(settings));
      await toEachOwnerOnce(round.round, job.id, async (conversation) => { await ports.messenger.sendCard(conversation, card); });
    }),
    [SUMMARY_REVIEW_JOB_KIND]: handlerFor(SUMMARY_REVIEW_JOB_KIND, async ({ roundId, participantId }) => {
      const [round, stored] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId)]);
      if (!round || !stored || !isPresenting(stored.experiment) || stored.experiment.state === 'decided') return;
      const summary = (await refreshSummary(stored.experiment, ports)).value;
      const card = renderSummaryReviewCard({
        roundId, roundName: round.round.name, meetingDay: formatDay(instantOrThrow(round.round.shareback.startsAt).setZone(round.round.shareback.timeZone).toISODate()!),
        summary: effectiveSummary(summary.draft, summary.edits), ready: summary.ready, coach: coachIsOn(round.round),
      });
      await ports.messenger.sendCard(await personalConversationOf(participantId, round.round, ports), card);
    }),
    [SUMMARIES_FLAGGED_JOB_KIND]: handlerFor(SUMMARIES_FLAGGED_JOB_KIND, async ({ roundId, participantIds }, job) => {
      const round = await ports.rounds.get(roundId);
      if (!round) return;
      const people = await Promise.all(participantIds.map(async (id) => ({ name: (await personOf(id, ports)).name })));
      const card = renderSummariesFlaggedCard({ roundName: round.round.name, people });
      await toEachOwnerOnce(round.round, job.id, async (conversation) => { await ports.messenger.sendCard(conversation, card); });
    }),
    [UNDECIDED_JOB_KIND]: handlerFor(UNDECIDED_JOB_KIND, async ({ roundId }, job) => {
      const round = await ports.rounds.get(roundId);
      if (!round) return;
      const undecided = (await ports.experiments.listForRound(roundId)).filter((e) => isPresenting(e) && e.state !== 'decided');
      await toEachOwnerOnce(round.round, job.id, async (conversation) => {
        for (const experiment of undecided) await ports.messenger.sendCard(conversation, renderUndecidedCard(await undecidedViewFor(round.round, experiment.participantId, ports)));
      });
    }),
  } as const;
}

export function sharebackPeriodicTasks(ports: UseCasePorts): PeriodicTask[] {
  return [
    { name: 'shareback.summaries', intervalInMs: 6 * 3_600_000, run: () => checkSummaries(ports) },
    { name: 'shareback.meeting-end', intervalInMs: 60_000, run: () => checkMeetingEnds(ports) },
  ];
}
