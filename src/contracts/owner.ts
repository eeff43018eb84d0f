import { z } from 'zod';
import { FUNNEL_STAGES } from '../domain/funnel';
import { PROBLEM_KINDS } from '../domain/roundCounters';
import { policyVersionSchema, roundOutlineSchema, toolEntrySchema, type Answer } from './common';

/** What the owner's round view reads: the overview (`GET /api/rounds/{id}/overview`), its problem lists page by page, and the funnel with its people. */

const deliveryStateSchema = z.enum(['queued', 'sending', 'sent', 'failed', 'uncertain']);

const named = <T extends z.ZodRawShape>(shape: T) => z.object({ userId: z.string(), ...shape, displayName: z.string().nullable() });

/** The owner's three problem lists; each is read a page at a time (`GET /api/rounds/{id}/problems?kind=…&after=…`). */
export const problemKindSchema = z.enum(PROBLEM_KINDS);
export type ProblemKindAnswer = z.output<typeof problemKindSchema>;

export const kickoffProblemSchema = named({ state: deliveryStateSchema, reason: z.string().nullable(), attempts: z.number() });
export const bookingProblemSchema = named({ reason: z.string() });
export const effectProblemSchema = named({ effect: z.string(), reason: z.string() });

/** How long a problem list is, and where its next page starts (null: the page shown is all of it). */
const problemListSchema = z.object({ total: z.number(), next: z.string().nullable() });

/** A further page of one problem list; `next` is passed back as `after` for the page after it (null: the last page). */
export const roundProblemsPageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('kickoff'), problems: z.array(kickoffProblemSchema), next: z.string().nullable() }),
  z.object({ kind: z.literal('booking'), problems: z.array(bookingProblemSchema), next: z.string().nullable() }),
  z.object({ kind: z.literal('effect'), problems: z.array(effectProblemSchema), next: z.string().nullable() }),
]);
export type RoundProblemsPage = Answer<typeof roundProblemsPageSchema>;

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
  /** The first page of each problem list; `problemLists` says how many there are and where the next page starts. */
  kickoffFailures: z.array(kickoffProblemSchema),
  bookingProblems: z.array(bookingProblemSchema),
  /** Decision effects that could not run, with the reason; the owner retries them. */
  effectProblems: z.array(effectProblemSchema),
  problemLists: z.object({ kickoff: problemListSchema, booking: problemListSchema, effect: problemListSchema }),
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
