import Bottleneck from 'bottleneck';
import type { Context } from '@microsoft/microsoft-graph-client';
import type { Middleware } from '@microsoft/microsoft-graph-client/lib/src/middleware/IMiddleware';
import { sleep } from '../sleep';

/**
 * The one retry/throttle policy for Graph (so limits are respected in one place): every call site goes through it, none sleeps.
 * - Outlook allows 4 concurrent requests per app and mailbox: requests to /users/{id}/… queue per mailbox.
 * - 429 and 503 are retried after `Retry-After` (seconds) or a jittered exponential backoff, up to `maxAttempts`.
 * - Every attempt has a deadline; an aborted caller stops waiting at once.
 */
export interface GraphPolicyOptions {
  readonly maxConcurrentPerMailbox?: number;
  readonly maxAttempts?: number;
  readonly requestTimeoutInMs?: number;
  /** Backoff base when the server gives no Retry-After. */
  readonly backoffBaseInMs?: number;
  /** Tells the caller how often Graph pushed back (benchmarks report it). */
  readonly onThrottled?: (event: { status: number; mailbox: string | null; waitInMs: number }) => void;
}

const RETRYABLE_STATUSES = new Set([429, 503, 504]);

export function mailboxOf(url: string): string | null {
  const match = /\/v1\.0\/users\/([^/?#]+)/i.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]).toLowerCase() : null;
}

export function retryDelayInMs(retryAfterHeader: string | null, attempt: number, backoffBaseInMs: number): number {
  const seconds = retryAfterHeader === null ? Number.NaN : Number(retryAfterHeader);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const exponential = backoffBaseInMs * 2 ** (attempt - 1);
  return exponential / 2 + Math.random() * (exponential / 2);
}


export class GraphPolicyMiddleware implements Middleware {
  private next: Middleware | undefined;
  private readonly limiters: Bottleneck.Group;
  private readonly maxAttempts: number;
  private readonly requestTimeoutInMs: number;
  private readonly backoffBaseInMs: number;

  constructor(private readonly options: GraphPolicyOptions = {}) {
    this.limiters = new Bottleneck.Group({ maxConcurrent: options.maxConcurrentPerMailbox ?? 4 });
    this.maxAttempts = options.maxAttempts ?? 6;
    this.requestTimeoutInMs = options.requestTimeoutInMs ?? 30_000;
    this.backoffBaseInMs = options.backoffBaseInMs ?? 500;
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (!next) throw new Error('GraphPolicyMiddleware must not be last in the chain');
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const mailbox = mailboxOf(url);
    const callerSignal = context.options?.signal ?? undefined;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(this.requestTimeoutInMs);
      context.options = { ...context.options, signal: callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout };
      const send = () => next.execute(context);
      await (mailbox ? this.limiters.key(mailbox).schedule(send) : send());
      const status = context.response?.status ?? 0;
      if (!RETRYABLE_STATUSES.has(status) || attempt >= this.maxAttempts) return;
      const waitInMs = retryDelayInMs(context.response?.headers.get('Retry-After') ?? null, attempt, this.backoffBaseInMs);
      this.options.onThrottled?.({ status, mailbox, waitInMs });
      await sleep(waitInMs, callerSignal);
    }
  }
}
