/** Outcomes of a storage write that use cases handle by name (the adapters throw them). */

/** A write lost an optimistic-concurrency race (HTTP 412): reload and decide again. */
export class ConcurrencyConflictError extends Error {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} was changed by someone else since it was read; reload and try again`, options);
    this.name = 'ConcurrencyConflictError';
  }
}

/** A create found its key taken: with keys derived from the command, that means "already done". */
export class EntityAlreadyExistsError extends Error {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} already exists`, options);
    this.name = 'EntityAlreadyExistsError';
  }
}
