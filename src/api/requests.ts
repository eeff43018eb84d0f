import type { Request, Response } from 'express';
import { z } from 'zod';
import { parseRoundId, type RoundId } from '../domain/roundIds';

/**
 * What every REST router reads from a request in the same way. Each helper answers the request itself
 * when the input is unusable (and returns null), so a route reads: `const roundId = roundIdParam(req, res); if (!roundId) return;`.
 * Bodies are checked for shape here (a JSON object); their content is validated by the domain, which names each bad field.
 */
const objectBody = z.record(z.unknown());

export function body(req: Request, res: Response): Record<string, unknown> | null {
  const parsed = objectBody.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: 'Send a JSON object as the request body.' });
    return null;
  }
  return parsed.data;
}

export function roundIdParam(req: Request, res: Response): RoundId | null {
  const id = parseRoundId(req.params.roundId);
  if (!id) res.status(404).json({ error: 'No such round.' });
  return id;
}

/** The version the form was showing (a stale form is then refused by the domain); anything else is ignored. */
export function versionOf(input: Record<string, unknown>): number | undefined {
  return typeof input.expectedVersion === 'number' ? input.expectedVersion : undefined;
}
