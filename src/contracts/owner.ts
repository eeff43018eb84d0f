import { z } from 'zod';
import { FUNNEL_STAGES } from '../domain/funnel';
import { policyVersionSchema, roundOutlineSchema, toolEntrySchema, type Answer } from './common';

/** What the owner's round view reads: the overview (`GET /api/rounds/{id}/overview`) and the funnel with its people. */

const deliveryStateSchema = z.enum(['queued', 'sending', 'sent', 'failed', 'uncertain']);

const named = <T extends z.ZodRawShape>(shape: T) => z.object({ userId: z.string(), ...shape, displayName: z.string().nullable() });

export const ownerOverviewSchema = z.object({
  round: roundOutlineSchema.extend({
    ownerIds: z.array(z.string()),
    participantIds: z.array(z.string()),
    managerScopes: z.array(z.string()),
    catalogue: z.array(toolEntrySchema),
    policy: z.object({ versions: z.array(policyVersionSchema) }),
    version: z.number(),
  }),
  people: z.number(),
  kickoff: z.object({ queued: z.number(), sending: z.number(), sent: z.number(), failed: z.number(), uncertain: z.number() }),
  kickoffFailures: z.array(named({ state: deliveryStateSchema, reason: z.string().nullable(), attempts: z.number() })),
  bookingProblems: z.array(named({ reason: z.string() })),
  /** Decision effects that could not run, with the reason; the owner retries them. */
  effectProblems: z.array(named({ effect: z.string(), reason: z.string() })),
  hours: z.object({ plannedMinutes: z.number(), keptMinutes: z.number() }),
  funnel: z.array(z.object({ stage: z.enum(FUNNEL_STAGES), label: z.string(), definition: z.string(), count: z.number() })),
  shareback: z.object({ joinUrl: z.string().nullable(), invited: z.number(), tabAdded: z.boolean() }).nullable(),
});
export type OwnerOverview = Answer<typeof ownerOverviewSchema>;

export const funnelRowSchema = z.object({
  stage: z.enum(FUNNEL_STAGES),
  label: z.string(),
  definition: z.string(),
  count: z.number(),
  userIds: z.array(z.string()),
});
export const roundFunnelSchema = z.object({ value: z.array(funnelRowSchema) });
export type RoundFunnelAnswer = Answer<typeof roundFunnelSchema>;
