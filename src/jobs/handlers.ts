import type { JobHandlers } from '../ports/jobQueue';
import { BOOKED_NOTICE_JOB_KIND, bookingPayloadSchema, bookPracticeTime } from '../usecases/booking';
import { BOOKING_JOB_KIND, PLAN_NOTICE_JOB_KIND, REVIEW_REQUEST_JOB_KIND } from '../usecases/experiments';
import { KICKOFF_JOB_KIND } from '../usecases/kickoff';
import type { UseCasePorts } from '../usecases/ports';
import { REACKNOWLEDGE_JOB_KIND } from '../usecases/rounds';
import { scheduleShareback, SHAREBACK_JOB_KIND } from '../usecases/shareback';
import { parseRoundId } from '../domain/roundIds';
import { kickoffHandler } from './kickoffHandler';
import { bookedNoticeHandler, planNoticeHandler, reacknowledgeHandler, reviewRequestHandler, timeMovedNoticeHandler } from './noticeHandlers';
import { checkPracticeTime, enqueueTimeChecks, TIME_CHECK_JOB_KIND, TIME_MOVED_NOTICE_JOB_KIND } from '../usecases/defendTime';
import type { PeriodicTask } from './scheduler';
import { startDuePractice } from '../usecases/practiceStart';
import { RELEASE_JOB_KIND, releasePayloadSchema, releasePracticeTime } from '../usecases/releaseTime';
import { enqueueJournalPrompts, enqueueNudges, JOURNAL_NUDGE_JOB_KIND, JOURNAL_PROMPT_JOB_KIND } from '../usecases/journal';
import { DIGEST_JOB_KIND, enqueueDigests } from '../usecases/checkIns';
import { digestHandler, journalNudgeHandler, journalPromptHandler } from './journalHandlers';
import { sharebackJobHandlers, sharebackPeriodicTasks } from './sharebackHandlers';

/**
 * Every queue the workers consume and the handler of each job kind on it. The service's in-process
 * worker and `npm run worker` both run exactly this table, so scaling out changes where jobs run, not
 * what they do. Bookings have their own queue: they are slower (Graph) and must not hold up messages.
 */
export interface JobHandlerSettings {
  readonly dashboardUrl: string;
  /** The service's public URL (the meeting tab's address); null locally without one. */
  readonly tabEndpoint: string | null;
}

/** Deliveries before a job goes to the poison queue (and a kickoff is marked failed with its last reason). */
export const JOB_MAX_ATTEMPTS = 5;

/** One queue for all message kinds (a message carries its kind); the poison queue is `<name>-poison`. */
export function jobQueueName(queuePrefix: string): string {
  return `${queuePrefix}-jobs`;
}

/** Approved plans waiting to be booked in Outlook. */
export function bookingQueueName(queuePrefix: string): string {
  return `${queuePrefix}-bookings`;
}

export interface WorkerQueue {
  readonly queueName: string;
  readonly handlers: JobHandlers;
  /** Jobs handled at once; omitted: the queue worker's default. */
  readonly concurrency?: number;
}

/**
 * Bookings handled at once by one worker: a booking mostly waits on Graph, and the people received together
 * are looked up together (one getSchedule for up to 20, one $batch of mailbox settings), so one receive's
 * worth (32) keeps those requests full. Each booking is another mailbox, so Outlook's per-mailbox limit is not touched.
 */
const BOOKINGS_IN_FLIGHT = 32;

export function workerQueues(queuePrefix: string, ports: UseCasePorts, settings: JobHandlerSettings): WorkerQueue[] {
  return [
    {
      queueName: jobQueueName(queuePrefix),
      handlers: {
        [KICKOFF_JOB_KIND]: kickoffHandler(ports, JOB_MAX_ATTEMPTS),
        [REVIEW_REQUEST_JOB_KIND]: reviewRequestHandler(ports),
        [PLAN_NOTICE_JOB_KIND]: planNoticeHandler(ports),
        [REACKNOWLEDGE_JOB_KIND]: reacknowledgeHandler(ports, settings),
        [BOOKED_NOTICE_JOB_KIND]: bookedNoticeHandler(ports),
        [TIME_MOVED_NOTICE_JOB_KIND]: timeMovedNoticeHandler(ports),
        [JOURNAL_PROMPT_JOB_KIND]: journalPromptHandler(ports),
        [JOURNAL_NUDGE_JOB_KIND]: journalNudgeHandler(ports),
        [DIGEST_JOB_KIND]: digestHandler(ports),
        ...sharebackJobHandlers(ports, settings),
        [SHAREBACK_JOB_KIND]: async (job) => {
          const roundId = parseRoundId((job.payload as { roundId?: unknown } | null)?.roundId);
          if (!roundId) throw new Error(`shareback job ${job.id} names no round`);
          await scheduleShareback(roundId, ports, settings);
        },
      },
    },
    {
      queueName: bookingQueueName(queuePrefix),
      concurrency: BOOKINGS_IN_FLIGHT,
      handlers: {
        [BOOKING_JOB_KIND]: async (job) => {
          const { roundId, participantId } = bookingPayloadSchema.parse(job.payload);
          await bookPracticeTime(roundId, participantId, ports, settings);
        },
        [RELEASE_JOB_KIND]: async (job) => {
          const { roundId, participantId } = releasePayloadSchema.parse(job.payload);
          await releasePracticeTime(roundId, participantId, ports);
        },
        [TIME_CHECK_JOB_KIND]: async (job) => {
          const { roundId, participantId } = bookingPayloadSchema.parse(job.payload);
          const round = await ports.rounds.get(roundId);
          if (round) await checkPracticeTime(round.round, participantId, ports, settings);
        },
      },
    },
  ];
}

/** Periodic work, claimed by one instance per run (see scheduler.ts). */
export function periodicTasks(ports: UseCasePorts): PeriodicTask[] {
  return [
    { name: 'practice-time.check', intervalInMs: 24 * 3_600_000, run: async () => { await enqueueTimeChecks(ports); } },
    // Hourly, so practice starts within the hour of the window opening (or of a late approval or acknowledgement).
    { name: 'practice.start', intervalInMs: 3_600_000, run: async () => { await startDuePractice(ports); } },
    ...sharebackPeriodicTasks(ports), ...journalPeriodicTasks(ports)];
}

/**
 * Step 4: hourly, because each person's weekly moment is their own (after their last block, or Friday 15:00 in
 * their zone); what was already sent is recorded per (experiment, week), so an hourly look sends once a week.
 */
export function journalPeriodicTasks(ports: UseCasePorts): PeriodicTask[] {
  return [
    { name: 'journal.prompts', intervalInMs: 3_600_000, run: async () => { await enqueueJournalPrompts(ports); } },
    { name: 'journal.nudges', intervalInMs: 3_600_000, run: async () => { await enqueueNudges(ports); } },
    { name: 'checkin.digests', intervalInMs: 3_600_000, run: async () => { await enqueueDigests(ports); } },
  ];
}
