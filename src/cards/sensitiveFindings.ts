import { JOURNAL_FIELD_LABELS } from '../domain/journal';
import type { SensitiveFinding } from '../domain/sensitiveData';

/** The form fields a finding can be in, named as the journal and asset cards label them. */
const FIELD_NAMES: Readonly<Record<string, string>> = { ...JOURNAL_FIELD_LABELS, title: 'Title', content: 'Content', url: 'Link', goodFor: 'Good for' };

/** Sensitive-data findings as the journal and asset cards list them: where, what, and a masked excerpt. */
export function findingLines(findings: readonly SensitiveFinding[] | undefined) {
  return (findings ?? []).map((f) => ({ where: FIELD_NAMES[f.field] ?? f.field, label: f.label, excerpt: f.excerpt }));
}
