import { z } from 'zod';

/** Entra ID object id of a person (the `aadObjectId` Teams sends; Graph's user id). */
export type UserId = string & { readonly __brand: 'UserId' };
export type TenantId = string & { readonly __brand: 'TenantId' };

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

export function parseUserId(value: unknown): UserId | null {
  const parsed = guid.safeParse(value);
  return parsed.success ? (parsed.data.toLowerCase() as UserId) : null;
}

export function parseTenantId(value: unknown): TenantId | null {
  const parsed = guid.safeParse(value);
  return parsed.success ? (parsed.data.toLowerCase() as TenantId) : null;
}
