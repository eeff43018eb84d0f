/**
 * The one version check (optimistic concurrency as a person sees it): a change made from a form, card or tab that
 * showed version `expected` is stale when the record has moved on since. Without an expectation (a first write,
 * a command that overwrites nothing) there is nothing to check. Storage's own ETag check is separate and always on.
 */
export function isStaleVersion(expected: number | undefined, current: number): boolean {
  return expected !== undefined && expected !== current;
}
