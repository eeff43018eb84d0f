/**
 * The safe-use check before a journal entry or asset is stored (step 4): text that should have been
 * redacted is found by the scanner (an adapter: secretlint, libphonenumber-js, a Luhn check, the round's own
 * word list) and described here as plain data. The person then chooses: redact automatically, or confirm
 * it is fine. Nothing is stored silently in between.
 */
export const SENSITIVE_KINDS = ['email', 'phone', 'payment_card', 'secret', 'private_key', 'round_term'] as const;
export type SensitiveKind = (typeof SENSITIVE_KINDS)[number];

export const SENSITIVE_LABELS: Readonly<Record<SensitiveKind, string>> = {
  email: 'e-mail address',
  phone: 'phone number',
  payment_card: 'payment card number',
  secret: 'API key or token',
  private_key: 'private key',
  round_term: 'a word on this round\'s list',
};

export interface SensitiveFinding {
  /** The input it was found in ("improved", "content", …). */
  readonly field: string;
  readonly kind: SensitiveKind;
  readonly label: string;
  /** A masked hint of what was found ("dana…@…com", "sk-…7f3a"), never the whole value. */
  readonly excerpt: string;
  /** Character offsets (UTF-16) in the field's text, for redaction. */
  readonly start: number;
  readonly end: number;
}

export type SensitiveChoice = 'redact' | 'confirm';

export function isSensitiveChoice(value: unknown): value is SensitiveChoice {
  return value === 'redact' || value === 'confirm';
}

/** The outcome a use case returns when it found something and no choice was made: nothing was written. */
export interface SensitiveDataFound {
  readonly kind: 'sensitive_data';
  readonly message: string;
  readonly findings: readonly SensitiveFinding[];
}

export function isSensitiveDataFound(value: unknown): value is SensitiveDataFound {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'sensitive_data';
}

export function sensitiveDataFound(findings: readonly SensitiveFinding[]): SensitiveDataFound {
  const kinds = [...new Set(findings.map((f) => f.label))];
  return {
    kind: 'sensitive_data',
    message: `Before this is saved: it seems to contain ${kinds.length === 1 ? `a ${kinds[0]}` : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}`}. Choose "Redact and save" to replace ${findings.length === 1 ? 'it' : 'them'} with a placeholder, or confirm it is fine to keep.`,
    findings,
  };
}

/** Short, masked: enough to recognise the finding, not enough to leak it again in a card or a log. */
export function maskExcerpt(value: string): string {
  const chars = [...value];
  if (chars.length <= 4) return '•'.repeat(chars.length);
  const keep = Math.min(4, Math.floor(chars.length / 4));
  return `${chars.slice(0, keep).join('')}…${chars.slice(-keep).join('')}`;
}

/** Replaces every finding in `text` with "[redacted phone number]"; overlapping findings become one. */
export function redactText(text: string, findings: readonly Pick<SensitiveFinding, 'start' | 'end' | 'kind' | 'label'>[]): string {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  // Overlaps merge into the first finding's placeholder: "abcdef" with 1–4 and 2–5 → "a[redacted …]f".
  const merged: { start: number; end: number; label: string }[] = [];
  for (const finding of sorted) {
    const last = merged.at(-1);
    if (last && finding.start < last.end) last.end = Math.max(last.end, finding.end);
    else merged.push({ start: finding.start, end: finding.end, label: finding.label });
  }
  let out = '';
  let at = 0;
  for (const range of merged) {
    out += text.slice(at, range.start) + `[redacted ${range.label}]`;
    at = range.end;
  }
  return out + text.slice(at);
}

/** Applies `redactText` per field. */
export function redactFields<T extends Record<string, string>>(fields: T, findings: readonly SensitiveFinding[]): T {
  const out: Record<string, string> = { ...fields };
  for (const [field, text] of Object.entries(fields)) {
    const own = findings.filter((f) => f.field === field);
    if (own.length > 0) out[field] = redactText(text, own);
  }
  return out as T;
}

/** Luhn checksum of a digit string: 4539 1488 0343 6467 passes, …6468 does not. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The round's word list (client names, project code names): trimmed, 2–80 characters each, at most 200. */
export const SENSITIVE_TERMS_LIMITS = { max: 200, minCharacters: 2, maxCharacters: 80 } as const;
