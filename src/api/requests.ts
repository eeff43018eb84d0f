import type { Request, Response } from 'express';
import { z } from 'zod';
import { parseRoundId, type RoundId } from '../domain/roundIds';
import { withoutControlCharacters } from '../domain/text';
import { REQUEST_BODIES } from './schemas';

/**
 * What every REST router reads from a request in the same way. Each helper answers the request itself
 * when the input is unusable (and returns null), so a route reads: `const input = parsedBody(req, res, schema); if (!input) return;`.
 * Bodies are parsed by their route's schema (src/api/schemas.ts) before anything is read or written; their content
 * is then validated by the domain, which names each bad field.
 */
const objectBody = z.record(z.unknown());

/** A JSON object, with control characters (other than tab and line breaks) taken out of every string in it. */
export function body(req: Request, res: Response): Record<string, unknown> | null {
  const parsed = objectBody.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: 'Send a JSON object as the request body.' });
    return null;
  }
  return withoutControlCharacters(parsed.data) as Record<string, unknown>;
}

/** Field → sentence for a refused body: an unknown field is named as such, a wrong type by its path. */
export function requestFieldErrors(issues: readonly z.ZodIssue[]): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
      for (const key of issue.keys) fieldErrors[`${prefix}${key}`] ??= `${prefix}${key} is not a field of this request.`;
      continue;
    }
    const key = issue.path.length > 0 ? issue.path.join('.') : 'body';
    fieldErrors[key] ??= issue.message === 'Required' ? `Send ${key}.` : issue.message;
  }
  return fieldErrors;
}

/**
 * The body parsed by its route's schema; a field sent as null counts as not sent. Anything else wrong is a
 * 422 naming each field, and nothing has been read or written yet.
 */
export function parsedBody<S extends z.ZodTypeAny>(req: Request, res: Response, schema: S): z.output<S> | null {
  const input = body(req, res);
  if (!input) return null;
  const present = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data as z.output<S>;
  const fieldErrors = requestFieldErrors(parsed.error.issues);
  const messages = Object.values(fieldErrors);
  res.status(422).json({ error: messages.length === 1 ? messages[0] : `${messages.length} fields need a change: ${Object.keys(fieldErrors).join(', ')}.`, kind: 'invalid_input', fieldErrors });
  return null;
}

/** A command that takes no fields: no body at all, or a body its route's schema (an empty object) accepts. */
export function emptyBody(req: Request, res: Response): boolean {
  return req.body === undefined || parsedBody(req, res, REQUEST_BODIES.empty) !== null;
}

export function roundIdParam(req: Request, res: Response): RoundId | null {
  const id = parseRoundId(req.params.roundId);
  if (!id) res.status(404).json({ error: 'No such round.' });
  return id;
}

/** The version the form was showing (a stale form is then refused by the domain). */
export function versionOf(input: { expectedVersion?: unknown }): number | undefined {
  return typeof input.expectedVersion === 'number' ? input.expectedVersion : undefined;
}
