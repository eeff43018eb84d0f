import type { SandboxRequestRecord } from '../core/requestLog';
import type { SandboxRuntime } from '../core/sandboxRuntime';
import type { ActivityNotificationRecord } from '../state/teamsStore';
import { UTC_ZONE } from '../time/graphDateTime';
import type { InjectFaultsOptions } from '../throttle/faultInjector';

export type { InjectFaultsOptions } from '../throttle/faultInjector';
export type { SandboxRequestRecord } from '../core/requestLog';
export type { ActivityNotificationRecord } from '../state/teamsStore';

/** How a test or benchmark steers the sandbox; the same operations are served over HTTP under /_sandbox. */
export interface SandboxControl {
  health(): { status: 'ok' };
  /** The next `count` requests (to `mailbox`, if given: object id or UPN) get `status` with Retry-After. */
  injectFaults(options: InjectFaultsOptions): void;
  /** Every request answered since start or the last reset, oldest first. */
  requests(): SandboxRequestRecord[];
  /** Those that broke the contract (no bearer, undescribed operation, schema violation). */
  invalidRequests(): SandboxRequestRecord[];
  /** Re-seed: calendars, installs, notifications, the request log, faults and budgets. */
  reset(): void;
  /** Every event in a mailbox (object id or UPN), as Graph renders it, times in UTC, earliest first. */
  events(mailbox: string): Record<string, unknown>[];
  setServiceTime(serviceTimeInMs: number): void;
  /** Activity-feed notifications sent with sendActivityNotification, optionally for one recipient. */
  activityNotifications(mailbox?: string): ActivityNotificationRecord[];
}

/** Asynchronous twin of SandboxControl, for a sandbox in another process (see controlClient.ts). */
export type RemoteSandboxControl = { [K in keyof SandboxControl]: (...args: Parameters<SandboxControl[K]>) => Promise<ReturnType<SandboxControl[K]>> };

export class UnknownMailboxError extends Error {
  constructor(mailbox: string) {
    super(`No mailbox '${mailbox}' in the sandbox's organisation.`);
    this.name = 'UnknownMailboxError';
  }
}

export function createSandboxControl(runtime: SandboxRuntime): SandboxControl {
  const resolve = (mailbox: string): string => {
    const person = runtime.state.directory.findUser(mailbox);
    if (!person) throw new UnknownMailboxError(mailbox);
    return person.id;
  };
  return {
    health: () => ({ status: 'ok' }),
    injectFaults: (options) => runtime.faults.add({ ...options, mailbox: options.mailbox === undefined ? undefined : resolve(options.mailbox) }),
    requests: () => runtime.log.all(),
    invalidRequests: () => runtime.log.all().filter((r) => !r.valid),
    reset: () => runtime.reset(),
    events: (mailbox) => {
      const { calendars } = runtime.state;
      return calendars
        .list(resolve(mailbox))
        .sort((a, b) => a.timing.start.toMillis() - b.timing.start.toMillis())
        .map((event) => calendars.render(event, UTC_ZONE));
    },
    setServiceTime: (serviceTimeInMs) => {
      if (!Number.isFinite(serviceTimeInMs) || serviceTimeInMs < 0) throw new RangeError('serviceTimeInMs must be a number ≥ 0');
      runtime.serviceTimeInMs = serviceTimeInMs;
    },
    activityNotifications: (mailbox) => {
      const id = mailbox === undefined ? undefined : resolve(mailbox);
      return runtime.state.teams.notifications.filter((n) => id === undefined || n.mailbox === id);
    },
  };
}
