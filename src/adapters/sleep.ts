import { setTimeout as wait } from 'node:timers/promises';

/** Waits `ms`, or rejects at once with the signal's own reason when it aborts (not Node's AbortError): retry loops stop on abort. */
export async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await wait(ms, undefined, { signal }).catch((error: unknown) => {
    throw signal?.aborted ? signal.reason : error;
  });
}
