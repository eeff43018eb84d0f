/**
 * The app's time as the service sees it. In a local demo (AUTH_MODE=dev) the service's clock can be moved forward
 * (POST /api/dev/clock), so "this week", "upcoming" and "already happened" in the tab follow the service, not the
 * browser: the service sends its time with /tab/settings.json and after each move, and the tab keeps the difference.
 * In Teams the difference is the small skew between the two machines.
 */
let offsetInMs = 0;

export function syncAppClock(serviceNowIso: string | undefined): void {
  const serviceNow = serviceNowIso ? Date.parse(serviceNowIso) : Number.NaN;
  if (Number.isFinite(serviceNow)) offsetInMs = serviceNow - Date.now();
}

/** Milliseconds since the epoch, in the app's time (use instead of Date.now()). */
export function appNow(): number {
  return Date.now() + offsetInMs;
}
