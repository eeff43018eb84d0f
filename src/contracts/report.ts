import { z } from 'zod';
import { type Answer } from './common';

/** What the owners read after the shareback: the round report (`GET /api/rounds/{id}/report`) and the capability map. */

const hypothesisOutcomeSchema = z.enum(['met', 'partly', 'not', 'unknown']);
const spreadSchema = z.object({ toolsWithTwoOrMore: z.number(), singleHolderTools: z.number() });

export const roundReportSchema = z.object({
  roundName: z.string(),
  generatedAt: z.string(),
  funnel: z.array(z.object({ stage: z.string(), count: z.number() })),
  hours: z.object({ planned: z.number(), kept: z.number() }),
  hypotheses: z.object({ met: z.number(), partly: z.number(), not: z.number(), unknown: z.number() }),
  /** How many experiments ended in each outcome (the keys are the decision outcomes, and undecided). */
  decisions: z.object({
    'another-round': z.number(), 'paid-licence': z.number(), 'internal-owner': z.number(), 'manager-follow-up': z.number(), stop: z.number(), undecided: z.number(),
  }),
  assetsShared: z.number(),
  capability: z.object({ before: spreadSchema, after: spreadSchema, singleHolderTools: z.array(z.string()) }),
  licences: z.array(z.object({ participant: z.string(), tool: z.string(), seats: z.number(), approver: z.string(), owner: z.string(), dueDate: z.string() })),
  allDecided: z.boolean(),
  rows: z.array(z.object({
    participant: z.string(), team: z.string(), tool: z.string(), state: z.string(), hoursPlanned: z.number(), hoursKept: z.number(),
    hypothesis: hypothesisOutcomeSchema, decision: z.string(), assetsShared: z.number(),
  })),
});
export type RoundReportAnswer = Answer<typeof roundReportSchema>;

/** Tools × teams: how many people hold each tool in each team; a tool with a single holder is a dependency risk. */
export const capabilityMapSchema = z.object({
  tools: z.array(z.object({ tool: z.string(), byTeam: z.record(z.number()), holders: z.number(), singleHolder: z.boolean() })),
  teams: z.array(z.string()),
});
export type CapabilityMapAnswer = Answer<typeof capabilityMapSchema>;
