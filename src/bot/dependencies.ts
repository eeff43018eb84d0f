import type { Logger } from '../logging';
import type { Clock } from '../ports/clock';
import type { MemberRepo } from '../ports/memberRepo';

/** What the bot's handlers use; wired in src/server.ts. */
export interface BotDependencies {
  readonly members: MemberRepo;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Deep link to the dashboard tab, or '' when the Teams app id is unknown (local Playground). */
  readonly dashboardUrl: string;
}
