import { z } from 'zod';
import { bookingStatusSchema, experimentStateSchema, fitAssessmentSchema, hypothesisSchema, personStateSchema, roundOutlineSchema, selectionSchema, type Answer } from './common';

/** What the manager's view reads: their direct reports in a round (`GET /api/rounds/{id}/team`), across rounds, and their review queue. */

export const teamMemberSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  jobTitle: z.string().nullable(),
  state: personStateSchema,
  version: z.number().nullable(),
  /** The plan waits for this manager's review. */
  reviewPending: z.boolean(),
  reviewerId: z.string().nullable(),
  selection: selectionSchema.nullable(),
  hypothesis: hypothesisSchema.nullable(),
  fit: fitAssessmentSchema.nullable(),
  windowExtensionDays: z.number(),
  hours: z.object({ plannedMinutes: z.number(), keptMinutes: z.number(), upcomingMinutes: z.number() }),
  booking: z.object({ status: bookingStatusSchema, reason: z.string().nullable() }).nullable(),
  journals: z.object({ entries: z.number(), lastWeek: z.string().nullable() }),
  assets: z.object({ saved: z.number(), shared: z.number() }),
});
export type TeamMember = Answer<typeof teamMemberSchema>;

export const teamSchema = z.object({ round: roundOutlineSchema, value: z.array(teamMemberSchema) });
export type Team = Answer<typeof teamSchema>;

/** A manager's direct reports and where each stands in each round (`GET /api/reports`): process, never a score of their work. */
export const directReportsSchema = z.object({
  value: z.array(z.object({
    userId: z.string(),
    displayName: z.string(),
    jobTitle: z.string().nullable(),
    experiments: z.array(z.object({ roundId: z.string(), state: personStateSchema, updatedAt: z.string().nullable() })),
  })),
});
export type DirectReports = Answer<typeof directReportsSchema>;

/** The plans the caller reviews (`GET /api/reviews`). */
export const reviewQueueSchema = z.object({
  value: z.array(z.object({ experimentId: z.string(), roundId: z.string(), participantId: z.string(), state: experimentStateSchema, updatedAt: z.string() })),
});
export type ReviewQueue = Answer<typeof reviewQueueSchema>;
