import { z } from 'zod';
import { personStateSchema, roundOutlineSchema, roundStatusSchema, type Answer } from './common';

/** The dashboard's first answer (`GET /api/dashboard`): who the caller is and which views they get, round by round. */
export const dashboardHomeSchema = z.object({
  me: z.object({ userId: z.string(), displayName: z.string(), canCreateRounds: z.boolean() }),
  /** Rounds the caller takes part in. */
  participating: z.array(roundOutlineSchema.extend({ experimentState: personStateSchema })),
  /** Rounds where the caller's direct reports take part, or where a plan waits for the caller's review. */
  managing: z.array(roundOutlineSchema.extend({ reports: z.number(), pendingReviews: z.number() })),
  /** Rounds the caller owns. */
  owning: z.array(z.object({ id: z.string(), name: z.string(), status: roundStatusSchema, updatedAt: z.string() })),
});
export type DashboardHome = Answer<typeof dashboardHomeSchema>;

/** Who is signed in (`GET /api/me`). */
export const whoAmISchema = z.object({
  userId: z.string(),
  tenantId: z.string(),
  displayName: z.string(),
  jobTitle: z.string().nullable(),
  department: z.string().nullable(),
  signedInVia: z.enum(['entra', 'dev']),
});
export type WhoAmI = Answer<typeof whoAmISchema>;
