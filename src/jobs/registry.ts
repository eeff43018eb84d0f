import { renderAcknowledgeAgainCard } from '../cards/acknowledgement';
import { renderDigestCard } from '../cards/checkInDigest';
import { renderDecisionNoticeCard } from '../cards/decisionNotice';
import { renderFollowUpNeedsTimeCard } from '../cards/followUpNeedsTime';
import { renderJournalCard } from '../cards/journal';
import { renderKickoffCard } from '../cards/kickoff';
import { renderNoteCard, renderNudgeCard } from '../cards/nudge';
import { renderPlanStatusCard } from '../cards/planStatus';
import { renderBookingNoticeCard, renderTimeMovedNoticeCard } from '../cards/practiceTimeNotices';
import { renderReviewRequestCard } from '../cards/reviewView';
import { renderRoundReportCard } from '../cards/roundReport';
import { renderSummariesFlaggedCard } from '../cards/summariesFlagged';
import { renderSummaryReviewCard } from '../cards/summaryReview';
import { renderUndecidedCard } from '../cards/undecided';
import type { JobHandler } from '../ports/jobQueue';
import { bookPracticeTime } from '../usecases/booking';
import { checkPracticeTime } from '../usecases/defendTime';
import { handlerFor, type JobKind } from '../usecases/jobKinds';
import { sendOnce } from '../usecases/journal';
import { recoverOutbox } from '../usecases/outbox';
import type { UseCasePorts } from '../usecases/ports';
import { bookedNoticeView, planNoticeView, reacknowledgeView, reviewRequestView, timeMovedNoticeView } from '../usecases/queries/notices';
import { releasePracticeTime } from '../usecases/releaseTime';
import { askToAcknowledgeAgain } from '../usecases/rounds';
import { scheduleShareback } from '../usecases/shareback';
import { checkInNoteHandler, decisionNeedsOwnerHandler, decisionNoticeHandler } from './decisionNoticeHandlers';
import { digestHandler, journalNudgeHandler, journalPromptHandler } from './journalHandlers';
import { kickoffBatchHandler, kickoffHandler } from './kickoffHandler';
import { messageHandler, oncePerJob, type MessageKind } from './messages';
import { sharebackJobHandlers } from './sharebackHandlers';

/*
 * The job registry: what runs for each kind and, for a message, the card it sends. The kinds, their payload
 * schemas and their queues are in src/usecases/jobKinds.ts (use cases send them, so they live inward); this
 * table is typed over those kinds, so a kind without a handler, or a handler without a kind, does not compile.
 * What goes out when something happens: the use case names the kind (an effect), this file says what it does.
 * Adding a notification: a kind and its payload in jobKinds.ts, a line here, and its card.
 */

export interface JobHandlerSettings {
  readonly dashboardUrl: string;
  /** The service's public URL (the meeting tab's address); null locally without one. */
  readonly tabEndpoint: string | null;
}

/** Deliveries before a job goes to the poison queue (and a kickoff is marked failed with its last reason). */
export const JOB_MAX_ATTEMPTS = 5;

export interface RegisteredJob {
  readonly handler: JobHandler;
  /**
   * The card a message kind sends, named here so "what goes out when" reads from one table. Nothing dispatches
   * through this field: the handler renders that card itself, from the state as it is when the job runs.
   */
  readonly card?: (...data: never[]) => unknown;
}

export type JobRegistry = { readonly [K in JobKind]: RegisteredJob };

/** Messages the outbox may hand off again, each to one person (named in the payload as `participantId` or `userId`). */
type OncePerJobKind = 'review.request' | 'plan.notice' | 'decision.notice' | 'decision.needs-owner' | 'booking.notice' | 'calendar.moved' | 'policy.reacknowledge' | 'shareback.summary-review';

/**
 * A message to one person sent once per job id: the outbox may queue a job again after a crash between queueing it
 * and clearing its row, and the queue may deliver twice; a reminder row (recorded before the send, released if it
 * fails) makes the second one a no-op.
 */
function oncePerJobHandler(kind: OncePerJobKind, handler: JobHandler, ports: UseCasePorts): JobHandler {
  return handlerFor(kind, async (payload, job, context) => {
    const userId = 'participantId' in payload ? payload.participantId : payload.userId;
    await sendOnce(ports, { userId, kind: 'notice', key: job.id }, async () => {
      await handler(job, context);
      return true;
    });
  });
}

export function jobRegistry(ports: UseCasePorts, settings: JobHandlerSettings): JobRegistry {
  const shareback = sharebackJobHandlers(ports, settings);
  const message = <K extends JobKind, D>(kind: K, entry: MessageKind<K, D>): RegisteredJob => ({ handler: messageHandler(kind, entry, ports), card: entry.card });
  return {
    'kickoff.send': { handler: kickoffHandler(ports, JOB_MAX_ATTEMPTS), card: renderKickoffCard },
    'kickoff.batch': { handler: kickoffBatchHandler(ports, JOB_MAX_ATTEMPTS), card: renderKickoffCard },
    'review.request': message('review.request', { view: (p) => reviewRequestView(p, ports), card: renderReviewRequestCard, once: oncePerJob }),
    'plan.notice': message('plan.notice', { view: (p) => planNoticeView(p, ports), card: renderPlanStatusCard, once: oncePerJob }),
    'policy.reacknowledge': message('policy.reacknowledge', { view: (p) => reacknowledgeView(p, ports, settings), card: renderAcknowledgeAgainCard, once: oncePerJob }),
    'policy.published': { handler: handlerFor('policy.published', async ({ roundId, version }) => { await askToAcknowledgeAgain(roundId, version, ports); }) },
    'shareback.schedule': { handler: handlerFor('shareback.schedule', async ({ roundId }) => { await scheduleShareback(roundId, ports, settings); }) },
    'booking.notice': message('booking.notice', { view: (p) => bookedNoticeView(p, ports), card: renderBookingNoticeCard, once: oncePerJob }),
    'calendar.moved': message('calendar.moved', { view: (p) => timeMovedNoticeView(p, ports), card: renderTimeMovedNoticeCard, once: oncePerJob }),
    'journal.prompt': { handler: journalPromptHandler(ports), card: renderJournalCard },
    'journal.nudge': { handler: journalNudgeHandler(ports), card: renderNudgeCard },
    'checkin.digest': { handler: digestHandler(ports), card: renderDigestCard },
    'checkin.note': { handler: checkInNoteHandler(ports), card: renderNoteCard },
    // The effects job also hands off the round report (`shareback.report`) once every experiment is decided.
    'decision.effects': { handler: shareback['decision.effects'] },
    'decision.notice': { handler: oncePerJobHandler('decision.notice', decisionNoticeHandler(ports, settings), ports), card: renderDecisionNoticeCard },
    'decision.needs-owner': { handler: oncePerJobHandler('decision.needs-owner', decisionNeedsOwnerHandler(ports, settings), ports), card: renderFollowUpNeedsTimeCard },
    'shareback.summary-review': { handler: oncePerJobHandler('shareback.summary-review', shareback['shareback.summary-review'], ports), card: renderSummaryReviewCard },
    'shareback.summaries-flagged': { handler: shareback['shareback.summaries-flagged'], card: renderSummariesFlaggedCard },
    'shareback.undecided': { handler: shareback['shareback.undecided'], card: renderUndecidedCard },
    'shareback.report': { handler: shareback['shareback.report'], card: renderRoundReportCard },
    'outbox.check': { handler: handlerFor('outbox.check', async (address) => { await recoverOutbox(address, ports); }) },
    'calendar.book': { handler: handlerFor('calendar.book', async ({ roundId, participantId }) => { await bookPracticeTime(roundId, participantId, ports, settings); }) },
    'calendar.release': { handler: handlerFor('calendar.release', async ({ roundId, participantId }) => { await releasePracticeTime(roundId, participantId, ports); }) },
    'calendar.check': {
      handler: handlerFor('calendar.check', async ({ roundId, participantId }) => {
        const round = await ports.rounds.get(roundId);
        if (round) await checkPracticeTime(round.round, participantId, ports, settings);
      }),
    },
  };
}
