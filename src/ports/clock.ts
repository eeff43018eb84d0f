export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The app's clock in a local demo (AUTH_MODE=dev only): the base clock plus an offset that only grows, so a
 * person trying the app can move a round through weeks in minutes (`POST /api/dev/clock`). Everything that
 * asks the time (use cases, the scheduler, the API) holds this one object, so they all move together.
 */
export interface DemoClock extends Clock {
  /** How far the app's time is ahead of the base clock. */
  offsetInMs(): number;
  /** Moves the app's time forward to `to`; a time that is not after now changes nothing and returns false. */
  moveTo(to: Date): boolean;
  /** Moves the app's time forward by a positive amount (restoring a saved offset is a move from 0). */
  moveBy(inMs: number): boolean;
}

export function offsetClock(base: Clock, initialOffsetInMs = 0): DemoClock {
  let offset = Math.max(0, initialOffsetInMs);
  const moveBy = (inMs: number): boolean => {
    if (!(inMs > 0)) return false;
    offset += inMs;
    return true;
  };
  return {
    now: () => new Date(base.now().getTime() + offset),
    offsetInMs: () => offset,
    moveTo: (to) => moveBy(to.getTime() - (base.now().getTime() + offset)),
    moveBy,
  };
}

export interface DemoClockStoreOptions { readonly abortSignal?: AbortSignal }

/** Where the demo clock's offset is kept, so a restart on the kept local data resumes at the same app time. */
export interface DemoClockStore {
  /** The saved offset, or 0 when none was saved. */
  load(options?: DemoClockStoreOptions): Promise<number>;
  save(offsetInMs: number, options?: DemoClockStoreOptions): Promise<void>;
}
