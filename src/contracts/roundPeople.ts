import { z } from 'zod';
import { bookingStatusSchema, bookingWeekSchema, personStateSchema, roundSchema, roundStatusSchema, weekHoursSchema, type Answer } from './common';

/** The owner's lists of a round's people: names for the funnel's drill-down, everyone's status, and the rounds they own. */

/** Up to a page of the round's members by id (`GET /api/rounds/{id}/people?ids=`); ids not in the round are left out. */
export const roundPeopleSchema = z.object({
  value: z.array(z.object({
    userId: z.string(),
    displayName: z.string().nullable(),
    jobTitle: z.string().nullable(),
    department: z.string().nullable(),
    state: personStateSchema,
  })),
});
export type RoundPeople = Answer<typeof roundPeopleSchema>;

/** Everyone in a round with their kickoff delivery, experiment state and practice time (`GET /api/rounds/{id}`). */
export const roundRosterSchema = z.object({
  round: roundSchema,
  shareback: z.object({ joinUrl: z.string().nullable(), invited: z.number(), tabAdded: z.boolean() }).nullable(),
  people: z.array(z.object({
    userId: z.string(),
    via: z.enum(['named', 'manager']),
    kickoff: z.object({ state: z.enum(['queued', 'sending', 'sent', 'failed', 'uncertain']), attempts: z.number(), reason: z.string().nullable(), deliveredAt: z.string().nullable() }),
    experimentState: personStateSchema,
    practiceTime: z.object({ status: bookingStatusSchema, reason: z.string().nullable(), weeks: z.array(bookingWeekSchema), blocks: z.number(), hours: z.array(weekHoursSchema) }).nullable(),
  })),
});
export type RoundRoster = Answer<typeof roundRosterSchema>;

/** The rounds the caller owns (`GET /api/rounds`). */
export const ownedRoundsSchema = z.object({
  value: z.array(z.object({ roundId: z.string(), name: z.string(), status: roundStatusSchema, updatedAt: z.string() })),
});
export type OwnedRounds = Answer<typeof ownedRoundsSchema>;
