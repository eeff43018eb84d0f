import { z } from 'zod';
import { bookingStatusSchema, bookingWeekSchema, experimentSchema, practiceBlockSchema, roundOutlineSchema, toolEntrySchema, weekHoursSchema, type Answer } from './common';

/** What a participant's view reads: their experiment in a round (`GET /api/rounds/{id}/me`) and the round's outline. */

export const practiceTimeSchema = z.object({
  status: bookingStatusSchema,
  reason: z.string().nullable(),
  timeZone: z.string(),
  blocks: z.array(practiceBlockSchema),
  weeks: z.array(bookingWeekSchema),
  hours: z.array(weekHoursSchema),
});

export const participantViewSchema = z.object({
  roundId: z.string(),
  experiment: experimentSchema.nullable(),
  needsAcknowledgement: z.boolean(),
  policyVersion: z.number().nullable(),
  practiceTime: practiceTimeSchema.nullable(),
});
export type ParticipantViewAnswer = Answer<typeof participantViewSchema>;

export const roundOutlineAnswerSchema = z.object({
  round: roundOutlineSchema,
  acknowledgedPolicyVersion: z.number().nullable(),
  acknowledgedAt: z.string().nullable(),
  policyText: z.string().nullable(),
  catalogue: z.array(toolEntrySchema),
  meeting: z.object({ joinUrl: z.string().nullable() }).nullable(),
});
export type RoundOutlineAnswer = Answer<typeof roundOutlineAnswerSchema>;
