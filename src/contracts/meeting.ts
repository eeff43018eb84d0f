import { z } from 'zod';
import { decisionDetailsSchema, decisionSchema, experimentStateSchema, type Answer } from './common';

/**
 * What the shareback meeting tab reads: the session it polls (`GET /api/meetings/{chatId}/session`), a presenter's
 * summary, and a decision with what its effects did.
 */

const measurementSchema = z.object({ value: z.number(), unit: z.string() });

/** A presenter's summary: drafted from their journal and assets, edited by them. */
export const summaryContentSchema = z.object({
  tool: z.string(),
  task: z.string(),
  useCase: z.string(),
  hypothesis: z.string(),
  baseline: measurementSchema.nullable(),
  target: measurementSchema.nullable(),
  resultValue: z.number().nullable(),
  resultNow: z.string(),
  worked: z.string(),
  failed: z.string(),
  keepTesting: z.string(),
  assets: z.array(z.object({ title: z.string(), url: z.string().nullable(), kind: z.string() })),
  hoursPractised: z.number(),
});
export type SummaryContent = Answer<typeof summaryContentSchema>;

export const boardPersonSchema = z.object({
  participantId: z.string(),
  name: z.string(),
  team: z.string(),
  tool: z.string(),
  state: experimentStateSchema,
  summaryReady: z.boolean(),
  /** The experiment's version: the decision form sends it back as expectedVersion. */
  version: z.number(),
  decision: decisionDetailsSchema.extend({ by: z.string(), at: z.string(), revision: z.number(), ownerName: z.string() }).nullable(),
});
export type BoardPerson = Answer<typeof boardPersonSchema>;

export const linkedSessionSchema = z.object({
  linked: z.literal(true),
  roundId: z.string(),
  roundName: z.string(),
  isOwner: z.boolean(),
  owners: z.array(z.object({ id: z.string(), name: z.string() })),
  meeting: z.object({ startsAt: z.string(), endsAt: z.string(), phase: z.enum(['before', 'running', 'closing', 'ended']) }),
  grouping: z.enum(['team', 'tool']),
  groups: z.array(z.object({ label: z.string(), participantIds: z.array(z.string()) })),
  order: z.array(boardPersonSchema),
  currentParticipantId: z.string().nullable(),
  /** The current presenter's summary, for the stage. */
  current: z.object({ participantId: z.string(), name: z.string(), summary: summaryContentSchema.nullable() }).nullable(),
  /** From 10 minutes before the end: experiments still without a decision. */
  undecided: z.array(z.object({ participantId: z.string(), name: z.string() })),
  sessionVersion: z.number(),
});
export type LinkedSession = Answer<typeof linkedSessionSchema>;

/** A meeting chat not linked to a round: a clear state, with the rounds the caller could link it to. */
export const unlinkedSessionSchema = z.object({
  linked: z.literal(false),
  message: z.string(),
  canLink: z.boolean(),
  rounds: z.array(z.object({ roundId: z.string(), name: z.string() })),
});
export type UnlinkedSession = Answer<typeof unlinkedSessionSchema>;

export const meetingSessionSchema = z.discriminatedUnion('linked', [linkedSessionSchema, unlinkedSessionSchema]);
export type MeetingSessionAnswer = Answer<typeof meetingSessionSchema>;

/** A person's summary as they (or their manager, or an owner) read it. */
export const summaryViewSchema = z.object({
  roundId: z.string(),
  participantId: z.string(),
  summary: summaryContentSchema,
  draft: summaryContentSchema,
  ready: z.boolean(),
  version: z.number(),
  /** Fields that still hold the practice coach's draft (the person has not changed them). */
  coachDrafted: z.array(z.string()),
});
export type SummaryView = Answer<typeof summaryViewSchema>;

export const effectOutcomeSchema = z.object({
  status: z.enum(['done', 'needs-owner', 'failed', 'cancelled']),
  detail: z.string(),
  ref: z.string().nullable(),
  mailbox: z.string().nullable().optional(),
  at: z.string(),
});

/** A decision, its history and what each of its effects did. */
export const decisionViewSchema = z.object({
  participantId: z.string(),
  state: experimentStateSchema,
  version: z.number(),
  decision: decisionSchema.nullable(),
  summary: z.string().nullable(),
  effects: z.record(effectOutcomeSchema),
});
export type DecisionViewAnswer = Answer<typeof decisionViewSchema>;
