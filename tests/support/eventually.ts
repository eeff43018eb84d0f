export interface EventuallyOptions { timeoutInMs?: number; intervalInMs?: number }

/** Polls `check` until it stops throwing (returns its value) or the deadline passes (rethrows the last error). */
export async function eventually<T>(check: () => Promise<T> | T, options: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutInMs ?? 5000);
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, options.intervalInMs ?? 25));
    }
  }
}
