import { z } from 'zod';
import { parseTenantId, parseUserId } from '../domain/ids';
import { parseRoundId } from '../domain/roundIds';
import type { Job, JobContext, JobHandler, SendJobsOptions } from '../ports/jobQueue';
import type { UseCasePorts } from './ports';

/*
 * Every kind of background work and message the app hands off: its payload's schema and the queue it goes to.
 * This is the contract half of the job registry; src/jobs/registry.ts holds the other half (each kind's handler
 * and the card it sends), typed over these keys, so a kind cannot be sent without a handler, a handler cannot
 * exist without a kind, and a payload that does not fit its kind does not compile. Payloads carry ids (and the
 * little a handler cannot read back), never the state: a handler reads the state as it is when it runs.
 */

const roundId = z.string().transform((v, ctx) => parseRoundId(v) ?? (ctx.addIssue({ code: 'custom', message: 'not a round id' }), z.NEVER));
const userId = z.string().transform((v, ctx) => parseUserId(v) ?? (ctx.addIssue({ code: 'custom', message: 'not a user id' }), z.NEVER));
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const experimentPayload = z.object({ roundId, participantId: userId });

/**
 * Whose outbox a check reads (OutboxAddress): a person's record in a round, or a round's own. Checks queued before
 * other records had outboxes carry only the round and the person: those are the experiment's.
 */
const outboxAddressPayload = z.union([
  experimentPayload.extend({ record: z.enum(['experiment', 'booking', 'decisionEffects', 'summary']).default('experiment') }),
  z.object({ record: z.enum(['round', 'sharebackSession']), roundId }),
]);

/** The round's settings a kickoff card shows, carried in the job (a round edited after opening keeps the card it opened with). */
export const kickoffRoundSchema = z.object({
  id: roundId,
  tenantId: z.string().transform((v, ctx) => parseTenantId(v) ?? (ctx.addIssue({ code: 'custom', message: 'not a tenant id' }), z.NEVER)),
  name: z.string(),
  window: z.object({ start: z.string(), weeks: z.number().int().positive() }),
  hoursPerWeek: z.number(),
  shareback: z.object({ startsAt: z.string(), durationMinutes: z.number(), timeZone: z.string() }),
});

/** A group of people's kickoffs, with what their cards need, so the worker reads neither the round nor their names again. */
const kickoffBatchPayload = z.object({
  round: kickoffRoundSchema,
  people: z.array(z.object({
    userId,
    /** From the reporting-chain listing at open; null for people named directly (looked up in the batch). */
    displayName: z.string().nullable(),
  })).min(1).max(100),
});

/**
 * Where a kind is sent: chat messages and light work share one queue; Graph bookings have their own, slower one;
 * the outbox checks theirs (delayed housekeeping, so the other queues drain when their work is done).
 */
export type QueueRole = 'jobs' | 'bookings' | 'outbox';

export const JOB_KINDS = {
  /** Steps 1–2: the kickoff card to one person (the round's fan-out). */
  'kickoff.send': { queue: 'jobs', payload: z.object({ roundId, userId }) },
  /** Steps 1–2 at scale: the kickoff cards to a group of neighbours in id order (one Graph JSON batch per step). */
  'kickoff.batch': { queue: 'jobs', payload: kickoffBatchPayload },
  'review.request': { queue: 'jobs', payload: experimentPayload },
  'plan.notice': { queue: 'jobs', payload: experimentPayload },
  'policy.reacknowledge': { queue: 'jobs', payload: z.object({ roundId, userId, version: z.number().int() }) },
  /** A new policy version in an open round: asks everyone who confirmed an earlier one again (a `policy.reacknowledge` each). */
  'policy.published': { queue: 'jobs', payload: z.object({ roundId, version: z.number().int() }) },
  'shareback.schedule': { queue: 'jobs', payload: z.object({ roundId }) },
  'booking.notice': { queue: 'jobs', payload: experimentPayload },
  'calendar.moved': {
    queue: 'jobs',
    payload: experimentPayload.extend({
      moved: z.array(z.object({ from: z.string(), fromEnd: z.string(), to: z.string(), week: z.number().int(), index: z.number().int() })),
      unplaced: z.array(z.string()),
    }),
  },
  'journal.prompt': { queue: 'jobs', payload: experimentPayload.extend({ weekStart: isoDay }) },
  'journal.nudge': { queue: 'jobs', payload: experimentPayload.extend({ since: z.string() }) },
  'checkin.digest': { queue: 'jobs', payload: z.object({ managerId: userId, weekStart: isoDay }) },
  /** A manager's note of encouragement; `key` (manager, day, text) makes it one message however often it is sent. */
  'checkin.note': { queue: 'jobs', payload: z.object({ roundId, userId, key: z.string(), fromName: z.string(), text: z.string() }) },
  'decision.effects': { queue: 'jobs', payload: experimentPayload },
  /** The participant hears the decision (again on each revision: the revision is part of the job id). */
  'decision.notice': { queue: 'jobs', payload: experimentPayload },
  /** An effect that needs the owner: no common free time for the follow-up, or no next round to carry over to. */
  'decision.needs-owner': { queue: 'jobs', payload: experimentPayload.extend({ effect: z.enum(['book-follow-up', 'carry-over']), ownerId: userId, reason: z.string() }) },
  'shareback.summary-review': { queue: 'jobs', payload: experimentPayload },
  'shareback.summaries-flagged': { queue: 'jobs', payload: z.object({ roundId, participantIds: z.array(z.string()) }) },
  'shareback.undecided': { queue: 'jobs', payload: z.object({ roundId }) },
  /** The round report to the owners, once every presenting experiment is decided. */
  'shareback.report': { queue: 'jobs', payload: z.object({ roundId }) },
  /** Recovery of a record's outbox: sends what a crash left between the save and the dispatch (see outbox.ts). */
  'outbox.check': { queue: 'outbox', payload: outboxAddressPayload },
  'calendar.book': { queue: 'bookings', payload: experimentPayload.extend({ experimentId: z.string().optional() }) },
  'calendar.release': { queue: 'bookings', payload: experimentPayload },
  'calendar.check': { queue: 'bookings', payload: experimentPayload },
} as const satisfies Record<string, { readonly queue: QueueRole; readonly payload: z.ZodTypeAny }>;

export type JobKind = keyof typeof JOB_KINDS;
/** What a sender writes (ids as strings). */
export type PayloadOf<K extends JobKind> = z.input<(typeof JOB_KINDS)[K]['payload']>;
/** What a handler gets after the schema ran (ids parsed and branded). */
export type ParsedPayloadOf<K extends JobKind> = z.output<(typeof JOB_KINDS)[K]['payload']>;

/** One piece of work to hand off, as data: a registered kind, a deterministic id, a payload that fits the kind. */
export interface Effect<K extends JobKind = JobKind> extends Job {
  readonly kind: K;
  readonly payload: PayloadOf<K>;
}

/** Builds an effect; the kind must be registered and the payload must fit it, or this does not compile. */
export function effect<K extends JobKind>(kind: K, id: string, payload: PayloadOf<K>): Effect<K> {
  return { kind, id, payload };
}

export function isJobKind(kind: string): kind is JobKind {
  return Object.prototype.hasOwnProperty.call(JOB_KINDS, kind);
}

/** Parses a received job's payload with its kind's schema (a malformed payload throws, and the job goes to the poison queue). */
export function parsePayload<K extends JobKind>(kind: K, payload: unknown): ParsedPayloadOf<K> {
  return JOB_KINDS[kind].payload.parse(payload) as ParsedPayloadOf<K>;
}

/** The queue a kind goes to, from the registry: senders never pick one. */
export function queueOf(kind: JobKind): QueueRole {
  return JOB_KINDS[kind].queue;
}

/** Sends effects, each to its kind's queue (one batch per queue); sending again is safe (ids are stable). */
export async function sendEffects(ports: Pick<UseCasePorts, 'jobs' | 'bookingJobs' | 'outboxChecks'>, effects: readonly Effect[], options?: SendJobsOptions): Promise<void> {
  const queues = { jobs: ports.jobs, bookings: ports.bookingJobs, outbox: ports.outboxChecks } as const;
  for (const role of ['jobs', 'bookings', 'outbox'] as const) {
    const batch = effects.filter((e) => queueOf(e.kind) === role);
    if (batch.length > 0) await queues[role].send(batch, options);
  }
}

/** A kind's handler: it gets the payload already parsed by the kind's schema. Throwing means "try again later". */
export type HandlerOf<K extends JobKind> = (payload: ParsedPayloadOf<K>, job: Job, context: JobContext) => Promise<void>;

/** A queue handler for one kind: the payload is parsed with the kind's schema before `handle` sees it. */
export function handlerFor<K extends JobKind>(kind: K, handle: HandlerOf<K>): JobHandler {
  return async (job, context) => handle(parsePayload(kind, job.payload), job, context);
}
