import { z } from 'zod';
import { DECISION_OUTCOMES, FREQUENCIES, PREFERRED_TIMES } from '../domain/experimentPlan';
import { EXPERIMENT_STATES } from '../domain/experiment';
import { ROLES } from '../domain/toolCatalogue';

/**
 * The shapes every screen's answer is built from: a round's outline, an experiment, practice hours and blocks.
 * They describe what the service sends (plain JSON: ids and instants are strings), so the service's queries
 * return exactly these types and the tabs read them without a hand-copied twin. Input rules (lengths, messages)
 * stay with the commands' schemas in src/domain; these only say what an answer looks like.
 */

/** An answer as the code holds it: nothing in it is changed after it is built. */
export type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[]
  : T extends readonly (infer U)[] ? readonly DeepReadonly<U>[]
  : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
  : T;

/** The type a query returns and the tab reads: the schema's output, read-only. */
export type Answer<S extends z.ZodTypeAny> = DeepReadonly<z.output<S>>;

export const roundStatusSchema = z.enum(['draft', 'open', 'closed']);
export const experimentStateSchema = z.enum(EXPERIMENT_STATES);
/** An experiment's state on a screen: a person in the round who has not confirmed the policy yet has none. */
export const personStateSchema = z.union([experimentStateSchema, z.literal('not started')]);

export const roundOutlineSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: roundStatusSchema,
  window: z.object({ start: z.string(), weeks: z.number() }),
  hoursPerWeek: z.number(),
  shareback: z.object({ startsAt: z.string(), durationMinutes: z.number(), timeZone: z.string() }),
  policyVersion: z.number().nullable(),
  policyPublishedAt: z.string().nullable(),
});
export type RoundOutline = Answer<typeof roundOutlineSchema>;

export const toolEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  vendor: z.string(),
  termsUrl: z.string(),
  roles: z.array(z.enum(ROLES)),
  goodFor: z.string(),
});
export type ToolEntry = Answer<typeof toolEntrySchema>;

export const toolChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('catalogue'), entry: toolEntrySchema }),
  z.object({ kind: z.literal('other'), name: z.string(), termsUrl: z.string().nullable() }),
]);
export type ToolChoice = Answer<typeof toolChoiceSchema>;

export const policyVersionSchema = z.object({ version: z.number(), text: z.string(), publishedAt: z.string(), publishedBy: z.string() });

export const selectionSchema = z.object({
  frictionPoint: z.object({ description: z.string(), frequency: z.enum(FREQUENCIES), minutesToday: z.number() }),
  role: z.enum(ROLES),
  tool: toolChoiceSchema,
  kpi: z.string(),
  scores: z.object({ relevance: z.number(), kpiImpact: z.number(), learningCurve: z.number(), interest: z.number(), riskSupport: z.number() }),
  supportNamed: z.string().optional(),
});
export type Selection = Answer<typeof selectionSchema>;

const measurementSchema = z.object({ value: z.number(), unit: z.string() });
export const hypothesisSchema = z.object({
  measure: z.string(),
  baseline: measurementSchema,
  target: measurementSchema,
  howWeWillKnow: z.string(),
  preferredTimes: z.enum(PREFERRED_TIMES),
  blockMinutes: z.number(),
  deadlineConflicts: z.string().optional(),
});
export type Hypothesis = Answer<typeof hypothesisSchema>;

export const reviewSchema = z.object({ by: z.string(), decision: z.enum(['approved', 'changes_requested']), comment: z.string(), at: z.string() });

export const decisionDetailsSchema = z.object({
  outcome: z.enum(DECISION_OUTCOMES),
  ownerId: z.string(),
  dueDate: z.string(),
  note: z.string().optional(),
  scope: z.string().optional(),
  tool: z.string().optional(),
  seats: z.number().optional(),
  approver: z.string().optional(),
  internalOwnerId: z.string().optional(),
  learned: z.string().optional(),
  decideEarly: z.boolean().optional(),
  earlyReason: z.string().optional(),
});
export type DecisionDetails = Answer<typeof decisionDetailsSchema>;
const decisionRevisionSchema = decisionDetailsSchema.extend({ by: z.string(), at: z.string(), revision: z.number() });
export const decisionSchema = decisionRevisionSchema.extend({ previous: z.array(decisionRevisionSchema) });

export const experimentSchema = z.object({
  id: z.string(),
  roundId: z.string(),
  participantId: z.string(),
  tenantId: z.string(),
  state: experimentStateSchema,
  version: z.number(),
  selection: selectionSchema.nullable(),
  hypothesis: hypothesisSchema.nullable(),
  reviewerId: z.string().nullable(),
  reviews: z.array(reviewSchema),
  windowExtensionDays: z.number(),
  decision: decisionSchema.nullable(),
  history: z.array(z.object({ at: z.string(), by: z.string(), command: z.string(), from: experimentStateSchema, to: experimentStateSchema })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Experiment = Answer<typeof experimentSchema>;

/** The rubric's reading of a selection (as the chat card shows it). */
export const fitAssessmentSchema = z.object({
  total: z.number(),
  fit: z.enum(['strong', 'promising', 'reconsider']),
  summary: z.string(),
  warnings: z.array(z.object({ id: z.string(), question: z.string(), message: z.string() })),
});
export type FitAssessment = Answer<typeof fitAssessmentSchema>;

export const weekHoursSchema = z.object({ week: z.number(), plannedMinutes: z.number(), keptMinutes: z.number(), upcomingMinutes: z.number() });
export type WeekHours = Answer<typeof weekHoursSchema>;

export const practiceBlockSchema = z.object({
  week: z.number(),
  index: z.number(),
  start: z.string(),
  end: z.string(),
  eventId: z.string().nullable(),
  transactionId: z.string(),
  notKept: z.object({ by: z.enum(['participant', 'calendar']), reason: z.string() }).nullable().optional(),
});
export type PracticeBlock = Answer<typeof practiceBlockSchema>;

/** A round as its owners edit it: every setting, the policy's versions and the people named in it. */
export const roundSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  ownerIds: z.array(z.string()),
  managerScopes: z.array(z.string()),
  window: z.object({ start: z.string(), weeks: z.number() }),
  hoursPerWeek: z.number(),
  shareback: z.object({ startsAt: z.string(), durationMinutes: z.number(), timeZone: z.string() }),
  policy: z.object({ versions: z.array(policyVersionSchema) }),
  catalogue: z.array(toolEntrySchema),
  sensitiveTerms: z.array(z.string()).optional(),
  coachOff: z.boolean().optional(),
  status: roundStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
  participantIds: z.array(z.string()),
});

export const bookingStatusSchema = z.enum(['planned', 'booked', 'failed', 'released']);
export const bookingWeekSchema = z.object({
  week: z.number(),
  targetMinutes: z.number(),
  plannedMinutes: z.number(),
  shortfall: z.string().nullable(),
  shortfallCause: z.string().nullable().optional(),
});
