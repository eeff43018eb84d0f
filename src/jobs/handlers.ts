import type { JobHandlers } from '../ports/jobQueue';
import { KICKOFF_JOB_KIND } from '../usecases/kickoff';
import type { UseCasePorts } from '../usecases/ports';
import { kickoffHandler } from './kickoffHandler';
import { planNoticeHandler, reacknowledgeHandler, reviewRequestHandler } from './noticeHandlers';
import { PLAN_NOTICE_JOB_KIND, REVIEW_REQUEST_JOB_KIND } from '../usecases/experiments';
import { REACKNOWLEDGE_JOB_KIND } from '../usecases/rounds';

/**
 * Every job kind the workers run, by kind. The kickoff fan-out, calendar bookings and reminders
 * (issues 4–6) add their handlers here; the service's in-process worker and `npm run worker` both
 * run exactly this table, so scaling out changes where jobs run, not what they do.
 */
export interface JobHandlerSettings {
  readonly dashboardUrl: string;
}

/** Deliveries before a job goes to the poison queue (and a kickoff is marked failed with its last reason). */
export const JOB_MAX_ATTEMPTS = 5;

export function jobHandlers(ports: UseCasePorts, settings: JobHandlerSettings): JobHandlers {
  return {
    [KICKOFF_JOB_KIND]: kickoffHandler(ports, JOB_MAX_ATTEMPTS),
    [REVIEW_REQUEST_JOB_KIND]: reviewRequestHandler(ports),
    [PLAN_NOTICE_JOB_KIND]: planNoticeHandler(ports),
    [REACKNOWLEDGE_JOB_KIND]: reacknowledgeHandler(ports, settings),
  };
}

/** Approved plans waiting for the calendar feature's booking worker. */
export function bookingQueueName(queuePrefix: string): string {
  return `${queuePrefix}-bookings`;
}

/** One queue for all kinds (a message carries its kind); the poison queue is `<name>-poison`. */
export function jobQueueName(queuePrefix: string): string {
  return `${queuePrefix}-jobs`;
}
