/**
 * Background work handed off by use cases (kickoff fan-out, calendar bookings, reminders).
 * A job is plain data with a stable id derived from the command that made it, so a handler
 * that runs twice (redelivery, retry, two instances) can recognise work it already did.
 */
export interface Job {
  /** What to do; one handler per kind, e.g. "kickoff.send". */
  readonly kind: string;
  /** Deterministic id, e.g. `${roundId}:${userId}`; handlers use it for idempotency. */
  readonly id: string;
  /** JSON-serialisable data; the handler parses it with its own zod schema. */
  readonly payload: unknown;
}

export interface SendJobsOptions {
  /** Hide the message for this long before the first delivery (reminders, backoff). */
  readonly delayInMs?: number;
  readonly abortSignal?: AbortSignal;
}

export interface JobQueue {
  send(jobs: readonly Job[], options?: SendJobsOptions): Promise<void>;
}

export interface JobContext {
  /** 1 on the first delivery; the queue's own dequeue count. */
  readonly attempt: number;
  readonly abortSignal: AbortSignal;
}

/** Throwing means "try again later"; after the queue's max attempts the message goes to the poison queue. */
export type JobHandler = (job: Job, context: JobContext) => Promise<void>;

export type JobHandlers = Readonly<Record<string, JobHandler>>;
