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
export function startScheduler(options: StartSchedulerOptions): { tick(): Promise<void> } {
  const { tasks, store, clock, logger, abortSignal } = options;
  let running: Promise<void> | null = null;

  async function tick(): Promise<void> {
    for (const task of tasks) {
      if (abortSignal.aborted) return;
      try {
        if (!(await store.claimRun(task.name, clock.now(), task.intervalInMs, { abortSignal }))) continue;
        logger.info({ task: task.name }, 'periodic task started');
        await task.run();
      } catch (error) {
        logger.error({ task: task.name, err: { message: (error as Error).message } }, 'periodic task failed');
      }
    }
  }

  const timer = setInterval(() => {
    running ??= tick().finally(() => { running = null; });
  }, options.tickInMs ?? 60_000);
  timer.unref();
  abortSignal.addEventListener('abort', () => clearInterval(timer), { once: true });
  return { tick };
}
