import type { DemoOrganisation } from '../../demo-org';
import { getGraphContract, type GraphContract } from '../contract/graphContract';
import { assertEveryOperationHasAHandler } from '../handlers';
import { createSandboxState, type SandboxState } from '../state/sandboxState';
import { FaultInjector } from '../throttle/faultInjector';
import { MailboxLimiter } from '../throttle/mailboxLimiter';
import { RequestLog } from './requestLog';

/** The sandbox's moving parts, shared by top-level requests, batch items and the control surface. */
export class SandboxRuntime {
  readonly contract: GraphContract = getGraphContract();
  readonly faults = new FaultInjector();
  readonly log = new RequestLog();
  limiter = new MailboxLimiter();
  state: SandboxState;

  constructor(
    readonly organisation: DemoOrganisation,
    readonly now: () => Date,
    public serviceTimeInMs: number,
  ) {
    assertEveryOperationHasAHandler(this.contract);
    this.state = createSandboxState(organisation, now);
  }

  /** Back to the seeded organisation: calendars, installs, log, faults and budgets. Service time stays as set. */
  reset(): void {
    this.state = createSandboxState(this.organisation, this.now);
    this.limiter = new MailboxLimiter();
    this.faults.clear();
    this.log.clear();
  }
}
