import type { Logger } from '../logging';
import type { Clock } from '../ports/clock';
import type { ScheduleStore } from '../ports/schedule';

export interface PeriodicTask {
  readonly name: string;
  readonly intervalInMs: number;
  /** Usually enqueues jobs (one per person), so the work itself is spread over the workers. */
  run(): Promise<void>;
}

export interface StartSchedulerOptions {
  readonly tasks: readonly PeriodicTask[];
  readonly store: ScheduleStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often due tasks are looked for; a minute is plenty for daily and weekly work. */
  readonly tickInMs?: number;
  readonly abortSignal: AbortSignal;
}

/**
 * Every instance runs a scheduler; the store lets exactly one of them run each due task. A task that
 * throws is logged and tried again at its next interval (the claim already moved its next run).
 */
export interface RunningScheduler {
  /** Runs every task that is due now (after any run in progress) and answers the names of those it ran. */
  runDue(): Promise<string[]>;
  /** The same as runDue, for callers that do not need the names. */
  tick(): Promise<void>;
}

export function startScheduler(options: StartSchedulerOptions): RunningScheduler {
  const { tasks, store, clock, logger, abortSignal } = options;
  let latest: Promise<string[]> | null = null;

  async function tick(): Promise<string[]> {
    const ran: string[] = [];
    for (const task of tasks) {
      if (abortSignal.aborted) break;
      try {
        if (!(await store.claimRun(task.name, clock.now(), task.intervalInMs, { abortSignal }))) continue;
        logger.info({ task: task.name }, 'periodic task started');
        ran.push(task.name);
        await task.run();
      } catch (error) {
        logger.error({ task: task.name, err: { message: (error as Error).message } }, 'periodic task failed');
      }
    }
    return ran;
  }

  // Runs one after another: the timer skips a beat while a run is going; an explicit call (the demo clock
  // moved) waits for it, then looks again at the new time.
  function runDue(): Promise<string[]> {
    const run = (latest ?? Promise.resolve([])).then(tick, tick);
    latest = run;
    void run.finally(() => { if (latest === run) latest = null; });
    return run;
  }

  const timer = setInterval(() => {
    if (!latest) void runDue();
  }, options.tickInMs ?? 60_000);
  timer.unref();
  abortSignal.addEventListener('abort', () => clearInterval(timer), { once: true });
  return { runDue, tick: async () => { await runDue(); } };
}
