// Outlook's per-mailbox limits (learn.microsoft.com/graph/throttling-limits, "Outlook service limits"):
// at most 4 concurrent requests and 10,000 requests per 10 minutes, per app and mailbox. The sandbox
// serves one app, so the key is the mailbox alone. Over either limit the request is refused at once
// (429); it is not queued, because Graph does not queue either. Only admitted requests use the budget.

export interface MailboxLimits {
  maxConcurrent: number;
  budget: number;
  budgetWindowInMs: number;
  /** Retry-After for a refusal caused by concurrency (a slot frees when any in-flight request ends). */
  concurrencyRetryAfterSeconds: number;
}

export const OUTLOOK_MAILBOX_LIMITS: MailboxLimits = {
  maxConcurrent: 4,
  budget: 10_000,
  budgetWindowInMs: 10 * 60 * 1000,
  concurrencyRetryAfterSeconds: 1,
};

export type Admission =
  | { admitted: true; release(): void }
  | { admitted: false; reason: 'concurrency' | 'budget'; retryAfterSeconds: number; message: string };

interface MailboxUsage {
  inFlight: number;
  /** Admission times (ms) inside the budget window, oldest first; `head` skips expired ones without shifting. */
  admittedAt: number[];
  head: number;
}

export class MailboxLimiter {
  private readonly usage = new Map<string, MailboxUsage>();

  constructor(
    private readonly limits: MailboxLimits = OUTLOOK_MAILBOX_LIMITS,
    private readonly clockInMs: () => number = () => performance.now(),
  ) {}

  tryAcquire(mailbox: string): Admission {
    const usage = this.usageOf(mailbox);
    const now = this.clockInMs();
    while (usage.head < usage.admittedAt.length && (usage.admittedAt[usage.head] ?? 0) <= now - this.limits.budgetWindowInMs) usage.head += 1;
    if (usage.head > 1024 && usage.head * 2 > usage.admittedAt.length) {
      usage.admittedAt = usage.admittedAt.slice(usage.head);
      usage.head = 0;
    }
    if (usage.inFlight >= this.limits.maxConcurrent) {
      return {
        admitted: false,
        reason: 'concurrency',
        retryAfterSeconds: this.limits.concurrencyRetryAfterSeconds,
        message: `Application is over its MailboxConcurrency limit: at most ${this.limits.maxConcurrent} concurrent requests per mailbox.`,
      };
    }
    const inWindow = usage.admittedAt.length - usage.head;
    if (inWindow >= this.limits.budget) {
      const oldest = usage.admittedAt[usage.head] ?? now;
      return {
        admitted: false,
        reason: 'budget',
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.limits.budgetWindowInMs - now) / 1000)),
        message: `Application is over its mailbox request budget: at most ${this.limits.budget} requests per ${this.limits.budgetWindowInMs / 60000} minutes per mailbox.`,
      };
    }
    usage.inFlight += 1;
    usage.admittedAt.push(now);
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        usage.inFlight -= 1;
      },
    };
  }

  inFlight(mailbox: string): number {
    return this.usage.get(mailbox)?.inFlight ?? 0;
  }

  private usageOf(mailbox: string): MailboxUsage {
    let usage = this.usage.get(mailbox);
    if (!usage) this.usage.set(mailbox, (usage = { inFlight: 0, admittedAt: [], head: 0 }));
    return usage;
  }
}
