import type { Logger } from '../logging';
import type { ChatPlanner } from './coach/chatPlanner';
import type { Clock } from '../ports/clock';
import type { DirectoryPort } from '../ports/directory';
import type { MemberRepo } from '../ports/memberRepo';
import type { CallerFactory, UseCasePorts } from '../usecases/ports';

/** What the bot's handlers use; wired in src/server.ts. */
export interface BotDependencies {
  readonly members: MemberRepo;
  readonly clock: Clock;
  readonly directory: DirectoryPort;
  readonly logger: Logger;
  /** Link to the dashboard: a Teams deep link, the tab's own URL locally, or '' when neither is configured. */
  readonly dashboardUrl: string;
  readonly ports: UseCasePorts;
  readonly callerFor: CallerFactory;
  /** Natural chat on the tenant's model; absent when no model is configured (the basic coach's rules map chat text then). */
  readonly chat?: ChatPlanner | null;
}
