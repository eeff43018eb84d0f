// Faults a test or benchmark asks for: "the next N requests (to this mailbox, of this method, on a path
// containing this text) get 429/503", or a refusal (403/404 with a Graph error code) for a person's own faults:
// an install an admin policy blocks, a user without an Exchange mailbox.

export type FaultStatus = 429 | 503 | 403 | 404;

export interface InjectFaultsOptions {
  status: FaultStatus;
  count: number;
  retryAfterSeconds?: number;
  /** Object id or userPrincipalName; omitted → any request. */
  mailbox?: string;
  /** Only requests of this method (GET, POST, …); omitted → any. */
  method?: string;
  /** Only requests whose path (after /v1.0) contains this text, e.g. "/mailboxSettings"; omitted → any. */
  pathContains?: string;
  /** The Graph error code in the body of a 403/404 (default Forbidden / ResourceNotFound). */
  code?: string;
}

export interface InjectedFault {
  status: FaultStatus;
  retryAfterSeconds: number;
  code?: string;
}

interface PendingFaults {
  status: FaultStatus;
  remaining: number;
  retryAfterSeconds: number;
  /** Resolved object id, or undefined for any request. */
  mailbox?: string;
  method?: string;
  pathContains?: string;
  code?: string;
}

export class FaultInjector {
  private pending: PendingFaults[] = [];

  add(fault: InjectFaultsOptions): void {
    if (fault.count > 0) this.pending.push({ status: fault.status, remaining: fault.count, retryAfterSeconds: fault.retryAfterSeconds ?? 1, mailbox: fault.mailbox, method: fault.method?.toUpperCase(), pathContains: fault.pathContains, code: fault.code });
  }

  /** Consumes one fault that applies to a request for `mailbox` (undefined: not tied to a mailbox) with this method and path. */
  take(mailbox: string | undefined, request: { method?: string; path?: string } = {}): InjectedFault | undefined {
    const index = this.pending.findIndex((f) =>
      (f.mailbox === undefined || f.mailbox === mailbox)
      && (f.method === undefined || f.method === request.method?.toUpperCase())
      && (f.pathContains === undefined || (request.path ?? '').includes(f.pathContains)));
    const fault = this.pending[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending.splice(index, 1);
    return { status: fault.status, retryAfterSeconds: fault.retryAfterSeconds, ...(fault.code ? { code: fault.code } : {}) };
  }

  clear(): void {
    this.pending = [];
  }
}
