import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { retryDelayInMs } from './policy';
import { sleep } from '../sleep';

/**
 * JSON batching (learn.microsoft.com/graph/json-batching): up to 20 requests in one POST /$batch.
 * The policy (policy.ts) retries a throttled batch as a whole, but a batch that succeeds can still hold
 * throttled items: Graph answers 200 with a 429 or 503 (and its own Retry-After) per item. Those items,
 * and only those, are sent again in a new batch after the longest Retry-After among them, so the
 * answers already received are kept and nothing is sent twice that Graph already carried out.
 * This is the one place besides the policy that waits; it follows the policy's rules (Retry-After,
 * jittered backoff without one, a cap on attempts, stop on abort).
 */

export const MAX_BATCH_REQUESTS = 20;

export interface BatchRequestItem {
  /** Unique within the batch. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the version: '/users/{id}/events'. */
  readonly url: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface BatchItemAnswer {
  readonly id: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface SendBatchOptions {
  readonly abortSignal?: AbortSignal;
  /** Sends of an item before its last throttled answer is returned as is; default 6, as the policy. */
  readonly maxAttempts?: number;
  /** Backoff base when a throttled item carries no Retry-After; default 500 ms, as the policy. */
  readonly backoffBaseInMs?: number;
}

/** Item statuses worth sending again: throttled or briefly unavailable (the policy retries the same ones). */
const RETRYABLE_ITEM_STATUSES = new Set([429, 503, 504]);

const batchResponseSchema = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string()).nullable().optional(),
      body: z.unknown().optional(),
    }),
  ),
});

/** Every item's final answer, by id. Transport failures of the batch itself are thrown (a GraphError from the client). */
export async function sendBatch(client: Client, items: readonly BatchRequestItem[], options: SendBatchOptions = {}): Promise<Map<string, BatchItemAnswer>> {
  if (items.length === 0) return new Map();
  if (items.length > MAX_BATCH_REQUESTS) throw new RangeError(`a JSON batch holds at most ${MAX_BATCH_REQUESTS} requests (got ${items.length})`);
  const maxAttempts = options.maxAttempts ?? 6;
  const backoffBaseInMs = options.backoffBaseInMs ?? 500;
  const answers = new Map<string, BatchItemAnswer>();
  let pending = [...items];
  for (let attempt = 1; pending.length > 0; attempt++) {
    const raw: unknown = await client
      .api('/$batch')
      .option('signal', options.abortSignal)
      .post({
        requests: pending.map((item) => {
          // A batch item with a body must say its Content-Type; Graph refuses it otherwise.
          const headers = item.body === undefined ? item.headers : { 'Content-Type': 'application/json', ...item.headers };
          return { id: item.id, method: item.method, url: item.url, ...(headers ? { headers } : {}), ...(item.body === undefined ? {} : { body: item.body }) };
        }),
      });
    const responses = batchResponseSchema.parse(raw).responses;
    const throttled: BatchItemAnswer[] = [];
    for (const item of pending) {
      const response = responses.find((r) => r.id === item.id);
      if (!response) throw new Error(`Graph's $batch answer has no response for request '${item.id}' (${item.method} ${item.url})`);
      const answer: BatchItemAnswer = { id: item.id, status: response.status, headers: response.headers ?? {}, body: response.body };
      answers.set(item.id, answer);
      if (RETRYABLE_ITEM_STATUSES.has(answer.status)) throttled.push(answer);
    }
    if (throttled.length === 0 || attempt >= maxAttempts) return answers;
    // 5 of 7 items throttled with Retry-After 1, 1, 2, 1, 1 → one new batch of those 5, after 2 s.
    const waitInMs = Math.max(...throttled.map((answer) => retryDelayInMs(headerOf(answer.headers, 'Retry-After'), attempt, backoffBaseInMs)));
      await sleep(waitInMs, options.abortSignal);
    const again = new Set(throttled.map((answer) => answer.id));
    pending = pending.filter((item) => again.has(item.id));
  }
  return answers;
}

/** Batch item headers are a plain object whose names Graph may spell in any case. */
export function headerOf(headers: Readonly<Record<string, string>>, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return null;
}


/** Batches sent at once by `sendInBatches`: a few in flight keep Graph busy without tripping its per-app limits. */
const BATCHES_IN_FLIGHT = 4;

/**
 * One request per key, sent as JSON batches of up to 20 (a few batches at once); each key's final answer.
 * For many people's reads or writes in one go: 2,000 people's mailbox settings are 100 POSTs, not 2,000 GETs.
 */
export async function sendInBatches<K extends string>(
  client: Client,
  keys: readonly K[],
  requestFor: (key: K) => Omit<BatchRequestItem, 'id'>,
  options: SendBatchOptions = {},
): Promise<Map<K, BatchItemAnswer>> {
  const unique = [...new Set(keys)];
  const chunks: K[][] = [];
  for (let at = 0; at < unique.length; at += MAX_BATCH_REQUESTS) chunks.push(unique.slice(at, at + MAX_BATCH_REQUESTS));
  const answers = new Map<K, BatchItemAnswer>();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(BATCHES_IN_FLIGHT, chunks.length) }, async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      // Item ids are positions in the chunk: unique, short, and free of characters a batch id must not hold.
      const got = await sendBatch(client, chunk.map((key, index) => ({ id: String(index), ...requestFor(key) })), options);
      chunk.forEach((key, index) => answers.set(key, got.get(String(index))!));
    }
  }));
  return answers;
}

/** Graph's error body inside a batch answer: "Forbidden: the admin blocked the app" (code and message when present). */
export function describeItemError(answer: BatchItemAnswer): string {
  const error = answer.body && typeof answer.body === 'object' ? (answer.body as { error?: { code?: unknown; message?: unknown } }).error : undefined;
  const code = typeof error?.code === 'string' ? error.code : null;
  const message = typeof error?.message === 'string' ? error.message.slice(0, 200) : null;
  return [`${answer.status}${code ? ` ${code}` : ''}`, message].filter(Boolean).join(': ');
}
