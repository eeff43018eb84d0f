/**
 * Numbers, dates and times in the person's locale and time zone (Teams' locale when in Teams, else the browser's).
 * Everything the tabs show goes through these, so a German user in Berlin sees "25.11.2026, 14:00".
 */
export interface Locale {
  readonly locale: string;
  readonly timeZone: string;
}

export function browserLocale(): Locale {
  const resolved = Intl.DateTimeFormat().resolvedOptions();
  return { locale: navigator.language || resolved.locale, timeZone: resolved.timeZone };
}

export function formatDate(value: string | null | undefined, { locale, timeZone }: Locale): string {
  if (!value) return '—';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  // A bare date is a calendar day, not an instant: show it without shifting it into another zone.
  const zone = /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'UTC' : timeZone;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: zone }).format(date);
}

export function formatDateTime(value: string | null | undefined, { locale, timeZone }: Locale): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

export function formatTimeRange(start: string, end: string, { locale, timeZone }: Locale): string {
  const from = new Date(start);
  const to = new Date(end);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return `${start} – ${end}`;
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone }).format(from);
  const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone });
  return `${day}, ${time.format(from)}–${time.format(to)}`;
}

export function formatNumber(value: number, { locale }: Locale, maximumFractionDigits = 1): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(value);
}

export function formatHours(value: number, where: Locale): string {
  return `${formatNumber(value, where)} h`;
}
