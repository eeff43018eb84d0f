import { z } from 'zod';
import { domainError, type DomainError } from './errors';
import { stripControlCharacters } from './text';

/**
 * Shared pieces for turning input into a readable `invalid_input`. Every schema states its limits in
 * its own message ("… 10 to 500 characters"), so the message beside a field says how to fix it.
 */

/** Lengths count characters as a person sees them: "🚀" is one character, not two UTF-16 units. */
export function characterCount(text: string): number {
  return [...text].length;
}

/** Trimmed text of `min`–`max` characters; everything inside (slashes, quotes, emoji, OData) is kept as typed. */
export function boundedText(min: number, max: number, message: string) {
  return z.string({ required_error: message, invalid_type_error: message })
    .transform((text) => stripControlCharacters(text).trim())
    .refine((text) => characterCount(text) >= min && characterCount(text) <= max, { message });
}

/** Optional text of at most `max` characters; blank or missing becomes `undefined`. */
export function optionalText(max: number, message: string) {
  return z.string({ invalid_type_error: message })
    .transform((text) => stripControlCharacters(text).trim())
    .refine((text) => characterCount(text) <= max, { message })
    .optional()
    .transform((text) => (text === undefined || text.length === 0 ? undefined : text));
}

/** "participantIds.3" → "participantIds" (the form has one input for the list); "catalogue.2.termsUrl" stays. */
function fieldKey(path: readonly (string | number)[]): string {
  const trimmed = [...path];
  while (trimmed.length > 0 && typeof trimmed[trimmed.length - 1] === 'number') trimmed.pop();
  return trimmed.length === 0 ? 'form' : trimmed.join('.');
}

export function fieldErrorsOf(issues: readonly z.ZodIssue[]): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) {
    const key = fieldKey(issue.path);
    if (!(key in fieldErrors)) fieldErrors[key] = issue.message;
  }
  return fieldErrors;
}

/** One field wrong: its own sentence. Several: a count, and each note sits beside its field. */
export function invalidInput(fieldErrors: Record<string, string>): DomainError {
  const messages = Object.values(fieldErrors);
  const message = messages.length === 1 && messages[0] !== undefined
    ? messages[0]
    : `${messages.length} answers need a change; each one has a note beside it.`;
  return domainError('invalid_input', message, { fieldErrors });
}

export function invalidInputFrom(error: z.ZodError): DomainError {
  return invalidInput(fieldErrorsOf(error.issues));
}
