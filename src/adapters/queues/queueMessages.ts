import { QueueClient, RestError } from '@azure/storage-queue';
import { z } from 'zod';
import type { Job } from '../../ports/jobQueue';
import { storageAccessFor } from '../storageAccount';

// What travels through Azure Queue Storage, shared by the producer (storageJobQueue) and the worker (queueWorker),
// so both sides agree on one codec, one size rule and one way to talk to the service.

/** Azure (and Azurite) refuse a message whose text is over 64 KiB: `413 RequestBodyTooLarge`. */
export const QUEUE_MESSAGE_LIMIT_IN_BYTES = 64 * 1024;

/** The longest lastError a poison record keeps; the full error is in the worker's log line. */
export const POISON_LAST_ERROR_MAX_LENGTH = 1000;

/**
 * A job message may use the 64 KiB limit minus this headroom, so the worker can always wrap it unchanged in a
 * poison record that itself fits: the record's fixed fields take ~120 bytes and lastError at most
 * 1000 UTF-16 units × 6 bytes (`\uXXXX`) = 6000, under 8 KiB. A job the producer accepted can therefore always be
 * parked in the poison queue, never stuck or dropped. Jobs carry ids, not data: 56 KiB is far more than they need.
 */
export const POISON_RECORD_HEADROOM_IN_BYTES = 8 * 1024;
export const MAX_JOB_MESSAGE_IN_BYTES = QUEUE_MESSAGE_LIMIT_IN_BYTES - POISON_RECORD_HEADROOM_IN_BYTES;

/** Visibility timeouts (delays, leases, backoffs) are whole seconds, at most 7 days. */
export const MAX_VISIBILITY_TIMEOUT_IN_SECONDS = 7 * 24 * 60 * 60;

/**
 * Messages never expire (-1): the default time-to-live is 7 days, after which Azure deletes a message silently,
 * and a job must end up handled or in the poison queue, never lost.
 */
export const NEVER_EXPIRES = -1;

const jobEnvelopeSchema = z.object({
  kind: z.string().min(1),
  id: z.string().min(1),
  payload: z.unknown(),
  enqueuedAt: z.string().datetime({ offset: true }),
});

export interface JobEnvelope extends Job {
  readonly enqueuedAt: string;
}

export type DecodedJobMessage =
  | { readonly ok: true; readonly envelope: JobEnvelope }
  | { readonly ok: false; readonly problem: string };

const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Job messages are base64 of the UTF-8 JSON envelope, as Azure Functions' queue trigger expects by default:
 * the SDK sends text as XML, where a control character in a payload would otherwise break the whole batch.
 */
export function encodeJobMessage(job: Job, enqueuedAt: Date): string {
  const envelope: JobEnvelope = { kind: job.kind, id: job.id, payload: job.payload, enqueuedAt: enqueuedAt.toISOString() };
  if (!jobEnvelopeSchema.safeParse(envelope).success) {
    throw new Error(`Job "${String(job.kind)}" id "${String(job.id)}" cannot be queued: kind and id must be non-empty strings`);
  }
  let json: string;
  try {
    json = JSON.stringify(envelope);
  } catch (error) {
    throw new Error(`Job "${job.kind}" id "${job.id}" cannot be queued: its payload is not JSON-serialisable`, { cause: error });
  }
  const text = Buffer.from(json, 'utf8').toString('base64');
  if (text.length > MAX_JOB_MESSAGE_IN_BYTES) {
    throw new Error(
      `Job "${job.kind}" id "${job.id}" is ${text.length} bytes as a queue message, over the ${MAX_JOB_MESSAGE_IN_BYTES}-byte maximum ` +
        `(Azure's 64 KiB limit less room to move it to the poison queue): put ids in the payload and load the data in the handler.`,
    );
  }
  return text;
}

/** A message that is not ours (or was garbled) is an expected outcome, named here; the worker moves it to poison. */
export function decodeJobMessage(text: unknown): DecodedJobMessage {
  if (typeof text !== 'string') return { ok: false, problem: 'message has no text' };
  if (text.length % 4 !== 0 || !STRICT_BASE64.test(text)) return { ok: false, problem: 'message text is not base64' };
  let json: string;
  try {
    json = strictUtf8.decode(Buffer.from(text, 'base64'));
  } catch {
    return { ok: false, problem: 'message text is not base64 of UTF-8 text' };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, problem: 'message text is not base64 of JSON' };
  }
  const parsed = jobEnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    return { ok: false, problem: `message is not a job envelope (${fields})` };
  }
  const { kind, id, payload, enqueuedAt } = parsed.data;
  return { ok: true, envelope: { kind, id, payload, enqueuedAt } };
}

export type PoisonReason = 'max attempts' | 'no handler' | 'unparseable';

export interface PoisonRecord {
  readonly reason: PoisonReason;
  readonly lastError?: string;
  /** The dequeue count when the message was moved. */
  readonly attempts: number;
  /** The main queue's message text exactly as received (for a job: its base64 envelope), so it can be requeued as is. */
  readonly original: string;
  readonly movedAt: string;
}

/**
 * Poison records are plain JSON, readable as is in Storage Explorer or the portal, with every character outside
 * printable ASCII written as a `\uXXXX` escape: still valid JSON, and safe in the SDK's XML like base64 is.
 */
export function encodePoisonRecord(record: PoisonRecord): string {
  const lastError = record.lastError === undefined ? undefined : truncate(record.lastError, POISON_LAST_ERROR_MAX_LENGTH);
  const json = JSON.stringify({ ...record, lastError });
  return json.replace(/[\u007f-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/** `delayInMs` → whole seconds, rounded up (a job is never delivered early), within Azure's 7-day maximum. */
export function visibilityTimeoutInSeconds(delayInMs: number, what: string): number {
  if (!Number.isFinite(delayInMs) || delayInMs < 0) throw new RangeError(`${what} must be a finite number of milliseconds ≥ 0, got ${delayInMs}`);
  const seconds = Math.ceil(delayInMs / 1000);
  if (seconds > MAX_VISIBILITY_TIMEOUT_IN_SECONDS) {
    throw new RangeError(`${what} of ${delayInMs} ms is over Azure Queue Storage's 7-day maximum; enqueue it later instead`);
  }
  return seconds;
}

// Lower-case letters, digits and single hyphens, 3–63 characters, starting and ending with a letter or digit.
const QUEUE_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

export function assertQueueName(queueName: string): void {
  if (!QUEUE_NAME.test(queueName)) {
    throw new Error(
      `"${queueName}" is not a valid queue name: use 3–63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit`,
    );
  }
}

/**
 * A key-bearing connection string (Azurite, key-based accounts) is used as is; one that only names endpoints signs
 * in with the managed identity, like the tables (see storageAccount.ts). The queue SDK's pipeline already allows
 * http for Azurite: it sets allowInsecureConnection itself and has no option for it.
 */
export function createQueueClient(connectionString: string, queueName: string): QueueClient {
  assertQueueName(queueName);
  const access = storageAccessFor(connectionString);
  return access.kind === 'connectionString'
    ? new QueueClient(access.connectionString, queueName)
    : new QueueClient(`${access.queueEndpoint}/${queueName}`, access.credential);
}

/** The deadline of one outbound call: whichever comes first of the callers' signals and the timeout. */
export function deadline(timeoutInMs: number, ...signals: ReadonlyArray<AbortSignal | undefined>): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutInMs);
  const given = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return given.length === 0 ? timeout : AbortSignal.any([...given, timeout]);
}

/** The storage service's error code (e.g. `MessageNotFound`, `PopReceiptMismatch`), when the error is a service reply. */
export function storageErrorCode(error: unknown): string | undefined {
  return error instanceof RestError ? error.code : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
