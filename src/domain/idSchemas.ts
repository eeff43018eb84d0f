import { z } from 'zod';
import { parseTenantId, parseUserId, type TenantId, type UserId } from './ids';

/**
 * zod schemas for the branded ids of `ids.ts`, so a schema can parse a list of people in one go and
 * put the person-readable message beside the field.
 */
export function userIdSchema(message: string): z.ZodType<UserId, z.ZodTypeDef, unknown> {
  return z.unknown().transform((value, ctx) => {
    const id = parseUserId(value);
    if (id === null) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    }
    return id;
  });
}

export function tenantIdSchema(message: string): z.ZodType<TenantId, z.ZodTypeDef, unknown> {
  return z.unknown().transform((value, ctx) => {
    const id = parseTenantId(value);
    if (id === null) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    }
    return id;
  });
}

/** Keeps the first occurrence of each id, in order: a person picked twice is one participant. */
export function uniqueIds<T extends string>(ids: readonly T[]): T[] {
  return [...new Set(ids)];
}
