import { renderAcknowledgeAgainCard } from '../cards/acknowledgement';
import { renderDigestCard } from '../cards/checkInDigest';
import { renderDecisionNoticeCard } from '../cards/decisionNotice';
import { renderNeedsOwnerCard } from '../cards/followUpNeedsTime';
import { renderJournalPromptCard } from '../cards/journalView';
import { renderKickoffCard } from '../cards/kickoff';
import { renderNoteCard, renderNudgeCard } from '../cards/nudge';
import { renderPlanStatusCard } from '../cards/planStatus';
import { renderBookingNoticeCard, renderTimeMovedNoticeCard } from '../cards/practiceTimeNotices';
import { renderReviewRequestCard } from '../cards/reviewView';
import { renderRoundReportCard } from '../cards/roundReport';
import { renderSummariesFlaggedCard } from '../cards/summariesFlagged';
import { renderSummaryReviewRequestCard } from '../cards/summaryReview';
import { renderUndecidedCard } from '../cards/undecided';
import type { JobHandler } from '../ports/jobQueue';
import { bookPracticeTime } from '../usecases/booking';
import { checkPracticeTime } from '../usecases/defendTime';
import { handlerFor, type JobKind } from '../usecases/jobKinds';
import { nudgeKey, promptKey } from '../usecases/journal';
import { recoverOutbox } from '../usecases/outbox';
import type { UseCasePorts } from '../usecases/ports';
import { checkInNoteView, digestView, journalNudgeView, journalPromptView } from '../usecases/queries/practiceNotices';
import {
  decisionNeedsOwnerView, decisionNoticeView, roundReportView, summariesFlaggedView, summaryReviewView, undecidedView,
} from '../usecases/queries/sharebackNotices';
import { bookedNoticeView, planNoticeView, reacknowledgeView, reviewRequestView, timeMovedNoticeView } from '../usecases/queries/notices';
import { releasePracticeTime } from '../usecases/releaseTime';
import { askToAcknowledgeAgain } from '../usecases/rounds';
import { scheduleShareback } from '../usecases/shareback';
import { kickoffBatchHandler, kickoffHandler } from './kickoffHandler';
import { messageHandler, oncePerJob, type MessageKind } from './messages';
import { sharebackJobHandlers } from './sharebackHandlers';

/*
 * The job registry: what runs for each kind and, for a message, who gets which card. The kinds, their payload
 * schemas and their queues are in src/usecases/jobKinds.ts (use cases send them, so they live inward); this
 * table is typed over those kinds, so a kind without a handler, or a handler without a kind, does not compile.
 * What goes out when something happens reads from this one table: the use case names the kind (an effect); a
 * message kind here is a `message(...)` entry — its view (a read model in src/usecases/queries/*Notices.ts: who
 * gets what, or nothing), its card (what renders each item: the type checker holds the view's data to the card's)
 * and how a repeated job is kept from sending twice — all sent by one sender (messages.ts). The other kinds do
 * work (bookings, effects, fan-outs) through a plain handler; kickoffs, which claim a member row per card, too.
 * Adding a notification: a kind and its payload in jobKinds.ts, a view, a `message(...)` line here, and its card.
 */

export interface JobHandlerSettings {
  readonly dashboardUrl: string;
  /** The service's public URL (the meeting tab's address); null locally without one. */
  readonly tabEndpoint: string | null;
}

/** Deliveries before a job goes to the poison queue (and a kickoff is marked failed with its last reason). */
export const JOB_MAX_ATTEMPTS = 5;

export interface RegisteredJob<K extends JobKind = JobKind> {
  readonly handler: JobHandler;
  /** The kind a `message(...)` entry was built for: it must be the key it stands under. */
  readonly kind?: K;
  /**
   * The card a message kind sends: for a `message(...)` entry, the very function that renders what goes out; for
   * the kickoffs, named here so "what goes out when" reads from one table (their handler renders it).
   */
  readonly card?: (...data: never[]) => unknown;
}

export type JobRegistry = { readonly [K in JobKind]: RegisteredJob<K> };

export function jobRegistry(ports: UseCasePorts, settings: JobHandlerSettings): JobRegistry {
  const shareback = sharebackJobHandlers(ports);
  /** A message kind: its view, its card and how it is sent once (see messages.ts). */
  const message = <K extends JobKind, D>(kind: K, entry: MessageKind<K, D>): RegisteredJob<K> => ({ kind, handler: messageHandler(kind, entry, ports), card: entry.card });
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
    'journal.prompt': message('journal.prompt', {
      view: (p) => journalPromptView(p, ports), card: renderJournalPromptCard,
      once: (p) => ({ userId: p.participantId, kind: 'prompt', key: promptKey(p.roundId, p.weekStart) }),
    }),
    'journal.nudge': message('journal.nudge', {
      view: (p) => journalNudgeView(p, ports), card: renderNudgeCard,
      once: (p) => ({ userId: p.participantId, kind: 'nudge', key: nudgeKey(p.roundId, p.since) }),
    }),
    'checkin.digest': message('checkin.digest', { view: (p) => digestView(p, ports), card: renderDigestCard, once: (p) => ({ userId: p.managerId, kind: 'digest', key: p.weekStart }) }),
    'checkin.note': message('checkin.note', { view: (p) => checkInNoteView(p, ports), card: renderNoteCard, once: (p) => ({ userId: p.userId, kind: 'note', key: p.key }) }),
    // The effects job also hands off the round report (`shareback.report`) once every experiment is decided.
    'decision.effects': { handler: shareback['decision.effects'] },
    'decision.notice': message('decision.notice', { view: (p) => decisionNoticeView(p, ports, settings), card: renderDecisionNoticeCard, once: oncePerJob }),
    'decision.needs-owner': message('decision.needs-owner', { view: (p) => decisionNeedsOwnerView(p, ports, settings), card: renderNeedsOwnerCard, once: oncePerJob }),
    'shareback.summary-review': message('shareback.summary-review', { view: (p) => summaryReviewView(p, ports), card: renderSummaryReviewRequestCard, once: oncePerJob }),
    // One card sums up the marks of several summaries; each owner gets it once per job.
    'shareback.summaries-flagged': message('shareback.summaries-flagged', { view: (p) => summariesFlaggedView(p, ports), card: renderSummariesFlaggedCard, once: 'per-recipient' }),
    'shareback.undecided': message('shareback.undecided', { view: (p) => undecidedView(p, ports), card: renderUndecidedCard, once: 'per-recipient' }),
    'shareback.report': message('shareback.report', { view: (p) => roundReportView(p, ports, settings), card: renderRoundReportCard, once: 'per-recipient' }),
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
