export interface ScheduleOptions { readonly abortSignal?: AbortSignal }

/**
 * Periodic work that must run once per interval across all instances (a scheduler that holds
 * a lease"). `claimRun` answers true to exactly one caller per due run: the claim is a conditional write
 * of the task's next run time, so two instances racing for it cannot both win.
 */
export interface ScheduleStore {
  claimRun(task: string, now: Date, intervalInMs: number, options?: ScheduleOptions): Promise<boolean>;
}
