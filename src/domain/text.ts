/**
 * Control characters other than tab and line breaks (NUL, BEL, ESC, DEL, the C1 range) have no meaning in
 * anything a person types here, and some clients break on them (a NUL ends a string in C, ESC starts a terminal
 * sequence in a log viewer), so every free-text field loses them at the edge.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export function stripControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}

/** The same value with every string in it (object keys aside) stripped of control characters. */
export function withoutControlCharacters(value: unknown): unknown {
  if (typeof value === 'string') return stripControlCharacters(value);
  if (Array.isArray(value)) return value.map(withoutControlCharacters);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withoutControlCharacters(inner)]));
  }
  return value;
}
