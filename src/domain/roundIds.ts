import { z } from 'zod';
import { parseUserId, type UserId } from './ids';

/**
 * Ids the adapters generate: lower-case letters, digits and hyphens. Round ids are at most 26 long so an
 * experiment id (round id + "--" + a 36-character user id) fits in 64.
 */
export type RoundId = string & { readonly __brand: 'RoundId' };
export type ExperimentId = string & { readonly __brand: 'ExperimentId' };

const GENERATED_ID = /^[a-z0-9-]{8,64}$/;
const ROUND_ID = /^[a-z0-9-]{8,26}$/;

export function parseRoundId(value: unknown): RoundId | null {
  return typeof value === 'string' && ROUND_ID.test(value) ? (value as RoundId) : null;
}

export function parseExperimentId(value: unknown): ExperimentId | null {
  return typeof value === 'string' && GENERATED_ID.test(value) ? (value as ExperimentId) : null;
}

/**
 * One experiment per person per round, so its id is derived, never drawn at random: a duplicate
 * "start my experiment" (two clicks, a retried queue message) lands on the same row and is harmless.
 *   experimentIdFor("r-2026-q1-sales", "0f8fad5b-…") → "r-2026-q1-sales--0f8fad5b-…"
 */
export function experimentIdFor(roundId: RoundId, participantId: UserId): ExperimentId {
  return `${roundId}--${participantId.toLowerCase()}` as ExperimentId;
}

export function roundIdSchema(message = 'A round id is 8 to 26 lower-case letters, digits or hyphens.') {
  return z.string({ required_error: message, invalid_type_error: message }).transform((value, ctx) => {
    const id = parseRoundId(value);
    if (id === null) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    }
    return id;
  });
}

/** The round and person an experiment id names (the inverse of `experimentIdFor`); null for anything else. */
export function experimentKeyOf(experimentId: string): { roundId: RoundId; participantId: UserId } | null {
  const at = experimentId.lastIndexOf('--');
  if (at < 0) return null;
  const roundId = parseRoundId(experimentId.slice(0, at));
  const participantId = parseUserId(experimentId.slice(at + 2));
  return roundId && participantId ? { roundId, participantId } : null;
}
