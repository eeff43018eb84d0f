import type { TenantId, UserId } from '../domain/ids';
import type { AppInstaller } from '../ports/appInstaller';
import type { AssetRepo } from '../ports/assetRepo';
import type { JournalRepo } from '../ports/journalRepo';
import type { SensitiveDataScanner } from '../ports/sensitiveDataScanner';
import type { BookingRepo } from '../ports/bookingRepo';
import type { CalendarPort } from '../ports/calendar';
import type { SharebackRepo } from '../ports/sharebackRepo';
import type { SharebackSessionRepo } from '../ports/sharebackSessionRepo';
import type { Coach } from '../ports/coach';
import type { ChatMessenger } from '../ports/chatMessenger';
import type { Clock } from '../ports/clock';
import type { DirectoryPort } from '../ports/directory';
import type { AcknowledgementRepo, ExperimentRepo } from '../ports/experimentRepo';
import type { JobQueue } from '../ports/jobQueue';
import type { MemberRepo } from '../ports/memberRepo';
import type { OutboxRepo } from '../ports/outbox';
import type { RoundCounterRepo } from '../ports/roundCounters';
import type { RoundMemberRepo, RoundRepo } from '../ports/roundRepo';

/** Everything the use cases load from and hand off to; wired once in src/server.ts. */
export interface UseCasePorts {
  readonly clock: Clock;
  readonly rounds: RoundRepo;
  readonly roundMembers: RoundMemberRepo;
  readonly experiments: ExperimentRepo;
  readonly acknowledgements: AcknowledgementRepo;
  readonly members: MemberRepo;
  readonly directory: DirectoryPort;
  /** Kickoff, review requests, notices: run by the workers. */
  readonly jobs: JobQueue;
  /** Calendar bookings after approval (the booking worker's own queue). */
  readonly bookingJobs: JobQueue;
  /** Delayed checks of a record's outbox (effects a crash left between a save and their hand-off). */
  readonly outboxChecks: JobQueue;
  /** The effects saved beside records with their changes and not handed over yet (written by the repositories' saves). */
  readonly outbox: OutboxRepo;
  /** The plan and the created events of each experiment's practice time. */
  readonly bookings: BookingRepo;
  /** Each round's counters and problem lists, kept on write by the repositories above (the owner's screens read these). */
  readonly roundCounters: RoundCounterRepo;
  readonly calendar: CalendarPort;
  readonly sharebacks: SharebackRepo;
  /** Step 5–6: the meeting's running order and presenter, summaries, and what each decision's effects did. */
  readonly sharebackSessions: SharebackSessionRepo;
  /** Step 4: weekly journal entries (and the reminders sent about them), the asset library, the safe-use check. */
  readonly journals: JournalRepo;
  readonly assets: AssetRepo;
  readonly sensitiveData: SensitiveDataScanner;
  /** The practice coach: the basic coach's rules, or the tenant's model with the rules as its fallback. */
  readonly coach: Coach;
  /** Needed to add the meeting app to the shareback's chat; absent locally without an app id. */
  readonly teamsAppId: string | null;
  readonly messenger: ChatMessenger;
  readonly installer: AppInstaller;
  /** Where to reach people who have not talked to the bot yet (Teams' connector for the tenant's region). */
  readonly botServiceUrl: string;
  readonly botId: string;
}

/** Who is acting, established at the edge (SSO token, Bot Framework activity) — never from a form. */
export interface Caller {
  readonly userId: UserId;
  readonly tenantId: TenantId;
  readonly displayName: string;
  /** App admins (ADMIN_USER_IDS): everything an owner can do, in every round. */
  readonly isAdmin: boolean;
  /** Programme owners (PROGRAMME_OWNER_IDS) may create rounds; they then own them. */
  readonly mayCreateRounds: boolean;
}

/** Builds a Caller from an authenticated identity (adds the configured roles). */
export type CallerFactory = (identity: { userId: UserId; tenantId: TenantId; displayName: string }) => Caller;
