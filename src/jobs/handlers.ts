import type { JobHandlers } from '../ports/jobQueue';

/**
 * Every job kind the workers run, by kind. The kickoff fan-out, calendar bookings and reminders
 * (issues 4–6) add their handlers here; the service's in-process worker and `npm run worker` both
 * run exactly this table, so scaling out changes where jobs run, not what they do.
 */
export function jobHandlers(): JobHandlers {
  return {};
}

/** One queue for all kinds (a message carries its kind); the poison queue is `<name>-poison`. */
export function jobQueueName(queuePrefix: string): string {
  return `${queuePrefix}-jobs`;
}
