// Faults a test or benchmark asks for: "the next N requests (to this mailbox) get 429/503".

export interface InjectFaultsOptions {
  status: 429 | 503;
  count: number;
  retryAfterSeconds?: number;
  /** Object id or userPrincipalName; omitted → any request. */
  mailbox?: string;
}

export interface InjectedFault {
  status: 429 | 503;
  retryAfterSeconds: number;
}

interface PendingFaults {
  status: 429 | 503;
  remaining: number;
  retryAfterSeconds: number;
  /** Resolved object id, or undefined for any request. */
  mailbox?: string;
}

export class FaultInjector {
  private pending: PendingFaults[] = [];

  add(fault: { status: 429 | 503; count: number; retryAfterSeconds?: number; mailbox?: string }): void {
    if (fault.count > 0) this.pending.push({ status: fault.status, remaining: fault.count, retryAfterSeconds: fault.retryAfterSeconds ?? 1, mailbox: fault.mailbox });
  }

  /** Consumes one fault that applies to a request for `mailbox` (undefined: not tied to a mailbox). */
  take(mailbox: string | undefined): InjectedFault | undefined {
    const index = this.pending.findIndex((f) => f.mailbox === undefined || f.mailbox === mailbox);
    const fault = this.pending[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending.splice(index, 1);
    return { status: fault.status, retryAfterSeconds: fault.retryAfterSeconds };
  }

  clear(): void {
    this.pending = [];
  }
}
