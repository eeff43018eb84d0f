import type { ErrorObject } from 'ajv';

// Turns Ajv's errors into sentences that name the field, e.g.
//   body: { showAs: 'sometimes' } → "'showAs' must be one of unknown, free, tentative, busy, oof, workingElsewhere (got "sometimes")"
// The spec writes nullable values as anyOf [ {$ref}, {enum: [null]} ], so every bad value yields three
// errors (the real one, "must be null", "must match a schema in anyOf"); only the real one is kept.

const WRAPPER_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'not']);

export function describeValidationErrors(errors: readonly ErrorObject[], data: unknown, subject: string): string[] {
  // The null alternative failed because the value is there; the sibling (or deeper) error says why it is wrong.
  const explainsElsewhere = (e: ErrorObject, other: ErrorObject) =>
    other !== e && !WRAPPER_KEYWORDS.has(other.keyword) && (other.instancePath === e.instancePath || other.instancePath.startsWith(`${e.instancePath}/`));
  const isNullAlternative = (e: ErrorObject) =>
    e.keyword === 'enum' && isOnlyNull(e.params) && errors.some((other) => explainsElsewhere(e, other));
  const meaningful = errors.filter((e) => !WRAPPER_KEYWORDS.has(e.keyword) && !isNullAlternative(e));
  const chosen = meaningful.length > 0 ? meaningful : errors;
  return [...new Set(chosen.map((e) => describeOne(e, data, subject)))];
}

function describeOne(error: ErrorObject, data: unknown, subject: string): string {
  const field = fieldName(error.instancePath, subject);
  const got = describeValue(valueAt(data, error.instancePath));
  const params = error.params as Record<string, unknown>; // Ajv's params are keyword-specific plain objects
  switch (error.keyword) {
    case 'required':
      return `${fieldName(`${error.instancePath}/${String(params.missingProperty)}`, subject)} is required`;
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map((v) => (v === null ? 'null' : String(v))) : [];
      return `${field} must be one of ${allowed.join(', ')} (got ${got})`;
    }
    case 'type':
      return `${field} must be ${String(params.type).replace(',', ' or ')} (got ${got})`;
    default:
      return `${field} ${error.message ?? 'is invalid'} (got ${got})`;
  }
}

/** '/attendees/0/emailAddress/address' in the body → 'attendees[0].emailAddress.address'. */
function fieldName(instancePath: string, subject: string): string {
  if (instancePath === '') return subject;
  const parts = instancePath.split('/').slice(1).map(unescapePointer);
  const dotted = parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
  return `'${dotted}'`;
}

function valueAt(data: unknown, instancePath: string): unknown {
  if (instancePath === '') return data;
  let current: unknown = data;
  for (const part of instancePath.split('/').slice(1).map(unescapePointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part]; // arrays index by string keys too
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isOnlyNull(params: unknown): boolean {
  if (!params || typeof params !== 'object') return false;
  const allowed = (params as { allowedValues?: unknown }).allowedValues;
  return Array.isArray(allowed) && allowed.length === 1 && allowed[0] === null;
}

function unescapePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}
