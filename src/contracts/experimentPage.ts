import { z } from 'zod';
import { bookingStatusSchema, experimentSchema, fitAssessmentSchema, practiceBlockSchema, roundOutlineSchema, weekHoursSchema, type Answer } from './common';

/** One person's experiment as a deep link opens it (`GET /api/rounds/{id}/experiments/{person}`): for them, their manager and the owners. */
export const experimentPageSchema = z.object({
  round: roundOutlineSchema,
  participant: z.object({ userId: z.string(), displayName: z.string().nullable() }),
  experiment: experimentSchema,
  fit: fitAssessmentSchema.nullable(),
  hours: z.object({ plannedMinutes: z.number(), keptMinutes: z.number(), upcomingMinutes: z.number(), weeks: z.array(weekHoursSchema) }),
  booking: z.object({ status: bookingStatusSchema, reason: z.string().nullable(), blocks: z.array(practiceBlockSchema), timeZone: z.string() }).nullable(),
});
export type ExperimentPage = Answer<typeof experimentPageSchema>;
