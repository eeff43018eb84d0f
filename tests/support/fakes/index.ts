import { createBasicCoach } from '../../../src/usecases/basicCoach';
import { encodeJobMessage, visibilityTimeoutInSeconds } from '../../../src/adapters/queues/queueMessages';
import { createTableRepositories } from '../../../src/adapters/tables/repositories';
import type { UserId } from '../../../src/domain/ids';
import type { SensitiveFinding } from '../../../src/domain/sensitiveData';
import { SENSITIVE_LABELS, maskExcerpt } from '../../../src/domain/sensitiveData';
import type { AppInstaller } from '../../../src/ports/appInstaller';
import { DeliveryError, type CardContent, type ChatMessenger } from '../../../src/ports/chatMessenger';
import type { Clock } from '../../../src/ports/clock';
import type { Job, JobQueue } from '../../../src/ports/jobQueue';
import type { PersonalConversation } from '../../../src/ports/memberRepo';
import type { ScheduleStore } from '../../../src/ports/schedule';
import type { SensitiveDataScanner } from '../../../src/ports/sensitiveDataScanner';
import type { Caller, UseCasePorts } from '../../../src/usecases/ports';
import { loadDemoOrganisation } from '../../../tools/demo-org';
import { workerQueues, type JobHandlerSettings } from '../../../src/jobs/handlers';
import { fakeCalendar, fakeDirectory, peopleOf, type FakeCalendar, type FakeDirectory, type FakePerson } from './graph';
import { memoryEntityTable } from './memoryTable';

export { fakeCalendar, fakeDirectory, peopleOf, type FakeCalendar, type FakeDirectory, type FakePerson } from './graph';
export { memoryEntityTable, MemoryTableClient } from './memoryTable';

/** A clock a test moves by hand. */
export interface FakeClock extends Clock {
  set(at: string | Date): void;
  advance(minutes: number): void;
}

export function fakeClock(start: string | Date): FakeClock {
  let now = new Date(start);
  return {
    now: () => new Date(now.getTime()),
    set: (at) => { now = new Date(at); },
    advance: (minutes) => { now = new Date(now.getTime() + minutes * 60_000); },
  };
}

/**
 * A queue that keeps what was sent. It refuses what the storage queue refuses (a message over the size
 * limit, a payload that is not JSON, a delay over seven days) with the same checks, before keeping anything.
 */
export interface FakeJobQueue extends JobQueue {
  readonly sent: { readonly job: Job; readonly delayInMs: number }[];
  /** The jobs sent of one kind, oldest first. */
  ofKind(kind: string): Job[];
  /** Empties the queue and returns what it held (what a worker would receive next). */
  take(): Job[];
}

export function fakeJobQueue(): FakeJobQueue {
  const sent: FakeJobQueue['sent'] = [];
  return {
    sent,
    async send(jobs, options = {}) {
      if (options.delayInMs) visibilityTimeoutInSeconds(options.delayInMs, 'delayInMs');
      const enqueuedAt = new Date();
      for (const job of jobs) encodeJobMessage(job, enqueuedAt);
      // A round trip through JSON, as the queue stores it: a handler never sees the sender's objects.
      for (const job of jobs) sent.push({ job: JSON.parse(JSON.stringify(job)) as Job, delayInMs: options.delayInMs ?? 0 });
    },
    ofKind: (kind) => sent.filter((s) => s.job.kind === kind).map((s) => s.job),
    take: () => sent.splice(0, sent.length).map((s) => s.job),
  };
}

/** Cards sent to people's personal chats; `failNext` makes the next send to a conversation fail as Teams would. */
export interface FakeMessenger extends ChatMessenger {
  readonly sent: { readonly conversationId: string; readonly card: CardContent }[];
  /** The next send to this conversation throws `error` (once, like the connector stand-in's `failNext`). */
  failNext(conversationId: string, error: DeliveryError): void;
}

export function fakeMessenger(): FakeMessenger {
  const sent: FakeMessenger['sent'] = [];
  const failures = new Map<string, DeliveryError>();
  let next = 0;
  return {
    sent,
    failNext: (conversationId, error) => { failures.set(conversationId, error); },
    async sendCard(conversation: PersonalConversation, card) {
      const failure = failures.get(conversation.conversationId);
      if (failure) {
        failures.delete(conversation.conversationId);
        throw failure;
      }
      sent.push({ conversationId: conversation.conversationId, card: JSON.parse(JSON.stringify(card)) as CardContent });
      next += 1;
      return { activityId: `fake-activity-${next}` };
    },
  };
}

/** Everyone can be reached: their personal chat with the app is `a:personal-<userId>`. */
export function fakeInstaller(): AppInstaller & { readonly installed: UserId[] } {
  const installed: UserId[] = [];
  return {
    installed,
    async ensureInstalledFor(userId) {
      const newlyInstalled = !installed.includes(userId);
      if (newlyInstalled) installed.push(userId);
      return { chatId: `a:personal-${userId}`, newlyInstalled };
    },
    async ensureInstalledForMany(userIds) {
      return new Map(userIds.map((userId) => {
        const newlyInstalled = !installed.includes(userId);
        if (newlyInstalled) installed.push(userId);
        return [userId, { ok: true, chatId: `a:personal-${userId}`, newlyInstalled }] as const;
      }));
    },
  };
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/**
 * The safe-use check reduced to e-mail addresses and the round's own words, so a rule test needs no secretlint
 * or phone-number tables; the full detectors are tested on the real scanner (tests/unit/sensitive-data.test.ts).
 */
export function fakeSensitiveDataScanner(): SensitiveDataScanner {
  return {
    async scan(fields, terms) {
      const findings: SensitiveFinding[] = [];
      for (const [field, text] of Object.entries(fields)) {
        const found = (kind: 'email' | 'round_term', start: number, end: number) =>
          findings.push({ field, kind, label: SENSITIVE_LABELS[kind], excerpt: maskExcerpt(text.slice(start, end)), start, end });
        for (const match of text.matchAll(EMAIL)) found('email', match.index!, match.index! + match[0].length);
        for (const term of terms) {
          const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          for (const match of text.matchAll(new RegExp(`\\b${escaped}\\b`, 'gi'))) found('round_term', match.index!, match.index! + match[0].length);
        }
      }
      return findings.sort((a, b) => a.field.localeCompare(b.field) || a.start - b.start);
    },
  };
}

export interface FakePorts extends UseCasePorts {
  readonly clock: FakeClock;
  readonly directory: FakeDirectory;
  readonly calendar: FakeCalendar;
  readonly jobs: FakeJobQueue;
  readonly bookingJobs: FakeJobQueue;
  readonly outboxChecks: FakeJobQueue;
  readonly messenger: FakeMessenger;
  readonly schedule: ScheduleStore;
}

export interface FakePortsOptions {
  /** Default 2025-03-01T09:00Z, the builders' NOW. */
  readonly now?: string;
  /** Default: the demo organisation's people (the Graph sandbox's seed). */
  readonly people?: readonly FakePerson[];
  readonly teamsAppId?: string | null;
}

/**
 * Every port the use cases take, in memory: the real table repositories over in-memory tables (so keys,
 * limits, ETags and indexes behave as in production), and fakes of Graph, the queues, Teams and the clock.
 */
export function fakePorts(options: FakePortsOptions = {}): FakePorts {
  const people = options.people ?? peopleOf(loadDemoOrganisation());
  const table = (name: string, label: string) => memoryEntityTable(name, label);
  const repositories = createTableRepositories(table);
  return {
    clock: fakeClock(options.now ?? '2025-03-01T09:00:00.000Z'),
    ...repositories,
    directory: fakeDirectory(people),
    // The embedded coach is itself in memory: deterministic rules, no model.
    coach: createBasicCoach(),
    jobs: fakeJobQueue(),
    bookingJobs: fakeJobQueue(),
    outboxChecks: fakeJobQueue(),
    calendar: fakeCalendar(people),
    sensitiveData: fakeSensitiveDataScanner(),
    teamsAppId: options.teamsAppId ?? null,
    messenger: fakeMessenger(),
    installer: fakeInstaller(),
    botServiceUrl: 'https://smba.example/teams/',
    botId: '28:00000000-0000-4000-8000-0000000000b0',
  };
}

/** A caller as the edge would build it (no roles unless asked). */
export function callerOf(userId: UserId, tenantId: Caller['tenantId'], roles: Partial<Pick<Caller, 'isAdmin' | 'mayCreateRounds' | 'displayName'>> = {}): Caller {
  return { userId, tenantId, displayName: roles.displayName ?? 'Test Person', isAdmin: roles.isAdmin ?? false, mayCreateRounds: roles.mayCreateRounds ?? false };
}

export { DeliveryError };

/**
 * What a worker would do next: takes the jobs queued on the fake queues (of the given kinds, or all) and runs each
 * through the job registry's handler, as the queue worker does; jobs they queue in turn wait for the next call.
 * Answers the jobs it ran.
 */
export async function runQueuedJobs(ports: FakePorts, settings: JobHandlerSettings, kinds?: readonly string[]): Promise<Job[]> {
  const handlers = Object.assign({}, ...workerQueues('fake', ports, settings).map((q) => q.handlers)) as Record<string, (job: Job, context: { attempt: number; abortSignal: AbortSignal }) => Promise<void>>;
  const ran: Job[] = [];
  for (const queue of [ports.jobs, ports.bookingJobs, ports.outboxChecks]) {
    const all = queue.take();
    const taken = kinds ? all.filter((job) => kinds.includes(job.kind)) : all;
    // Jobs of other kinds stay queued, in their order.
    await queue.send(all.filter((job) => !taken.includes(job)));
    for (const job of taken) {
      const handler = handlers[job.kind];
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job, { attempt: 1, abortSignal: new AbortController().signal });
      ran.push(job);
    }
  }
  return ran;
}
