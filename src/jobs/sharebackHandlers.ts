import { formatDay } from '../cards/format';
import { renderRoundReportCard } from '../cards/roundReport';
import { renderSummariesFlaggedCard } from '../cards/summariesFlagged';
import { renderSummaryReviewCard } from '../cards/summaryReview';
import { renderUndecidedCard } from '../cards/undecided';
import { effectiveSummary } from '../domain/summary';
import type { Round } from '../domain/round';
import { instantOrThrow } from '../domain/time';
import { handlerFor } from '../usecases/jobKinds';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../ports/storageErrors';
import { DECISION_EFFECTS_JOB_KIND, runDecisionEffects, undecidedViewFor } from '../usecases/decisions';
import { personalConversationOf } from '../usecases/kickoff';
import type { UseCasePorts } from '../usecases/ports';
import { buildRoundReport } from '../usecases/queries/roundReport';
import { coachIsOn } from '../usecases/coach';
import {
  checkMeetingEnds, checkSummaries, isPresenting, personOf, refreshSummary, sessionOf, SUMMARIES_FLAGGED_JOB_KIND, SUMMARY_REVIEW_JOB_KIND, UNDECIDED_JOB_KIND,
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

/** Once every presenting experiment has a decision, the owners get the round report (claimed on the session row: once). */
export async function sendReportWhenAllDecided(round: Round, ports: UseCasePorts, settings: SharebackJobSettings): Promise<boolean> {
  const presenting = (await ports.experiments.listForRound(round.id)).filter(isPresenting);
  if (presenting.length === 0 || presenting.some((e) => e.state !== 'decided')) return false;
  const stored = await ports.sharebackSessions.getSession(round.id);
  if (stored?.value.reportSentAt) return false;
  const now = ports.clock.now().toISOString();
  const session = stored?.value ?? (await sessionOf(round, ports));
  try {
    await ports.sharebackSessions.saveSession({ ...session, reportSentAt: now, version: session.version + 1, updatedAt: now }, stored?.etag ?? null);
  } catch (error) {
    if (error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError) return false;
    throw error;
  }
  const card = renderRoundReportCard(await buildRoundReport(round, ports), reportUrlOf(settings));
  for (const owner of round.ownerIds) await ports.messenger.sendCard(await personalConversationOf(owner, round, ports), card);
  return true;
}

export function sharebackJobHandlers(ports: UseCasePorts, settings: SharebackJobSettings) {
  return {
    [DECISION_EFFECTS_JOB_KIND]: handlerFor(DECISION_EFFECTS_JOB_KIND, async ({ roundId, participantId }) => {
      await runDecisionEffects(roundId, participantId, ports);
      const round = await ports.rounds.get(roundId);
      if (round) await sendReportWhenAllDecided(round.round, ports, settings);
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
    [SUMMARIES_FLAGGED_JOB_KIND]: handlerFor(SUMMARIES_FLAGGED_JOB_KIND, async ({ roundId, participantIds }) => {
      const round = await ports.rounds.get(roundId);
      if (!round) return;
      const people = await Promise.all(participantIds.map(async (id) => ({ name: (await personOf(id, ports)).name })));
      const card = renderSummariesFlaggedCard({ roundName: round.round.name, people });
      for (const owner of round.round.ownerIds) await ports.messenger.sendCard(await personalConversationOf(owner, round.round, ports), card);
    }),
    [UNDECIDED_JOB_KIND]: handlerFor(UNDECIDED_JOB_KIND, async ({ roundId }) => {
      const round = await ports.rounds.get(roundId);
      if (!round) return;
      const undecided = (await ports.experiments.listForRound(roundId)).filter((e) => isPresenting(e) && e.state !== 'decided');
      for (const owner of round.round.ownerIds) {
        const conversation = await personalConversationOf(owner, round.round, ports);
        for (const experiment of undecided) await ports.messenger.sendCard(conversation, renderUndecidedCard(await undecidedViewFor(round.round, experiment.participantId, ports)));
      }
    }),
  } as const;
}

export function sharebackPeriodicTasks(ports: UseCasePorts): PeriodicTask[] {
  return [
    { name: 'shareback.summaries', intervalInMs: 6 * 3_600_000, run: () => checkSummaries(ports) },
    { name: 'shareback.meeting-end', intervalInMs: 60_000, run: () => checkMeetingEnds(ports) },
  ];
}
