import type { JobHandlers } from '../ports/jobQueue';
import { queueOf, type JobKind, type QueueRole } from '../usecases/jobKinds';
import type { UseCasePorts } from '../usecases/ports';
import { enqueueTimeChecks } from '../usecases/defendTime';
import type { PeriodicTask } from './scheduler';
import { startDuePractice } from '../usecases/practiceStart';
import { enqueueJournalPrompts, enqueueNudges } from '../usecases/journal';
import { enqueueDigests } from '../usecases/checkIns';
import { jobRegistry, type JobHandlerSettings } from './registry';
import { sharebackPeriodicTasks } from './sharebackHandlers';

export { JOB_MAX_ATTEMPTS, type JobHandlerSettings } from './registry';

/**
 * Every queue the workers consume and the handler of each job kind on it, both from the job registry
 * (registry.ts: the handler; src/usecases/jobKinds.ts: the queue). The service's in-process worker and
 * `npm run worker` both run exactly this table, so scaling out changes where jobs run, not what they do.
 * Bookings have their own queue: they are slower (Graph) and must not hold up messages.
 */

/** One queue for all message kinds (a message carries its kind); the poison queue is `<name>-poison`. */
export function jobQueueName(queuePrefix: string): string {
  return `${queuePrefix}-jobs`;
}

/** Approved plans waiting to be booked in Outlook. */
export function bookingQueueName(queuePrefix: string): string {
  return `${queuePrefix}-bookings`;
}

/** Delayed checks of experiments' outboxes (see src/usecases/outbox.ts). */
export function outboxQueueName(queuePrefix: string): string {
  return `${queuePrefix}-outbox`;
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
  const registry = jobRegistry(ports, settings);
  const handlersOn = (queue: QueueRole): JobHandlers =>
    Object.fromEntries((Object.keys(registry) as JobKind[]).filter((kind) => queueOf(kind) === queue).map((kind) => [kind, registry[kind].handler]));
  return [
    { queueName: jobQueueName(queuePrefix), handlers: handlersOn('jobs') },
    { queueName: bookingQueueName(queuePrefix), concurrency: BOOKINGS_IN_FLIGHT, handlers: handlersOn('bookings') },
    { queueName: outboxQueueName(queuePrefix), handlers: handlersOn('outbox') },
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
