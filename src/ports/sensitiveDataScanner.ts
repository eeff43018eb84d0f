import type { SensitiveFinding } from '../domain/sensitiveData';

/** Finds what should have been redacted in named text fields; `terms` is the round's own word list. */
export interface SensitiveDataScanner {
  scan(fields: Readonly<Record<string, string>>, terms: readonly string[]): Promise<SensitiveFinding[]>;
}
