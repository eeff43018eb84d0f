import { z } from 'zod';
import { rubricScoresSchema } from './rubric';
import { roleSchema, toolChoiceSchema } from './toolCatalogue';
import { isoDateSchema } from './time';
import { boundedText, characterCount, optionalText } from './validation';

/**
 * What a person writes down before practice (steps 1 and 2 of the loop): the friction point and the
 * tool they chose, then what they expect to change and how they will tell. Text is trimmed and
 * otherwise kept exactly as typed: slashes, quotes, emoji and anything that looks like a query are
 * just text here; keys and filters are the adapters' job.
 */
export const FREQUENCIES = ['daily', 'few-times-a-week', 'weekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

const frequencyMessage = 'Say how often it happens: daily, a few times a week, weekly or monthly.';
const minutesMessage = 'Say roughly how many minutes it takes each time today, from 1 to 2,400.';

export const selectionSchema = z.object({
  frictionPoint: z.object({
    description: boundedText(10, 500, 'Describe the friction point in 10 to 500 characters.'),
    frequency: z.enum(FREQUENCIES, { errorMap: () => ({ message: frequencyMessage }) }),
    /** Minutes the task takes each time it comes up, today, before any AI help. */
    minutesToday: z.number({ required_error: minutesMessage, invalid_type_error: minutesMessage })
      .int({ message: minutesMessage }).min(1, { message: minutesMessage }).max(2400, { message: minutesMessage }),
  }, { required_error: 'Describe the friction point you want to work on.', invalid_type_error: 'Describe the friction point you want to work on.' }),
  role: roleSchema,
  tool: toolChoiceSchema,
  kpi: boundedText(3, 200, 'Name the KPI this could move, in 3 to 200 characters.'),
  scores: rubricScoresSchema,
  /** Who the person can turn to for help: a colleague, their manager, an expert. */
  supportNamed: optionalText(200, 'Name who can support you in up to 200 characters, or leave it empty.'),
});
export type Selection = z.output<typeof selectionSchema>;
export type SelectionInput = z.input<typeof selectionSchema>;

/** Units a card offers in its choice set; any other unit of up to 20 characters is accepted too. */
export const SUGGESTED_UNITS = ['minutes', 'hours', 'count', 'percent', 'score'] as const;

export const PREFERRED_TIMES = ['mornings', 'afternoons', 'no-preference'] as const;
export type PreferredTimes = (typeof PREFERRED_TIMES)[number];

function measurementSchema(what: 'baseline' | 'target') {
  const valueMessage = what === 'baseline'
    ? 'Give your baseline as a number: where things stand today.'
    : 'Give your target as a number: where you hope to get to.';
  return z.object({
    value: z.number({ required_error: valueMessage, invalid_type_error: valueMessage })
      .finite({ message: valueMessage }).min(-1_000_000_000, { message: valueMessage }).max(1_000_000_000, { message: valueMessage }),
    unit: boundedText(1, 20, 'Give the unit in up to 20 characters, such as minutes, hours, count, percent or score.'),
  }, { required_error: valueMessage, invalid_type_error: valueMessage });
}

const blockMessage = 'Practice blocks are 30 to 120 minutes long, in steps of 15.';

export const hypothesisSchema = z.object({
  measure: boundedText(3, 200, 'Say what you will measure, in 3 to 200 characters.'),
  baseline: measurementSchema('baseline'),
  target: measurementSchema('target'),
  howWeWillKnow: boundedText(10, 500, 'Say how you will know whether it worked, in 10 to 500 characters.'),
  preferredTimes: z.enum(PREFERRED_TIMES, { errorMap: () => ({ message: 'Choose mornings, afternoons or no preference for your practice blocks.' }) }),
  blockMinutes: z.number({ required_error: blockMessage, invalid_type_error: blockMessage }).int({ message: blockMessage })
    .min(30, { message: blockMessage }).max(120, { message: blockMessage }).multipleOf(15, { message: blockMessage }),
  /** Deadlines in the window the planner should keep clear of. */
  deadlineConflicts: optionalText(500, 'Describe deadline clashes in up to 500 characters, or leave it empty.'),
}).superRefine((hypothesis, ctx) => {
  // 30 minutes → 20 minutes reads as a change; 30 minutes → 0.5 hours makes the shareback do arithmetic.
  // A unit already refused for its length gets that one note, not a second one about matching.
  const unitOk = (unit: string): boolean => characterCount(unit) >= 1 && characterCount(unit) <= 20;
  if (!unitOk(hypothesis.baseline.unit) || !unitOk(hypothesis.target.unit)) return;
  if (hypothesis.baseline.unit.toLowerCase() !== hypothesis.target.unit.toLowerCase()) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['target', 'unit'], message: 'Use the same unit for the baseline and the target, so the change is easy to see.' });
  } else if (hypothesis.baseline.value === hypothesis.target.value) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['target', 'value'], message: 'Your target is the same as your baseline: set the value you hope to reach.' });
  }
});
export type Hypothesis = z.output<typeof hypothesisSchema>;
export type HypothesisInput = z.input<typeof hypothesisSchema>;

/**
 * What the owners decide for an experiment after the shareback (step 6). It is about the tool and the
 * workflow (test again, buy licences, give it an owner, follow up, stop), never a score for the person.
 * Every decision has an owner (who makes it happen) and a due date; each outcome adds what it needs:
 * another round → optionally a changed scope; paid licence → tool, seats and who approves (by the due date);
 * internal owner → the person who becomes the go-to for the tool; stop → what was learned.
 */
export const DECISION_OUTCOMES = ['another-round', 'paid-licence', 'internal-owner', 'manager-follow-up', 'stop'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export const DECISION_OUTCOME_LABELS: Readonly<Record<DecisionOutcome, string>> = {
  'another-round': 'Another round',
  'paid-licence': 'Paid licence',
  'internal-owner': 'Internal owner',
  'manager-follow-up': 'Manager follow-up',
  stop: 'Stop',
};

const outcomeMessage = 'Choose what happens next: another round, a paid licence, an internal owner, a manager follow-up, or stop.';
const ownerMessage = 'Name the person who owns this decision.';
const dueMessage = 'Give the date this is due, as YYYY-MM-DD.';
const seatsMessage = 'Say how many seats, a whole number from 1 to 10,000.';
const personId = (message: string) => z.string({ required_error: message, invalid_type_error: message })
  .trim().toLowerCase().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message });

export const EARLY_REASON_MIN_CHARACTERS = 10;
const EARLY_REASON_MESSAGE = `Say why you are deciding before the shareback, in ${EARLY_REASON_MIN_CHARACTERS} to 500 characters: the participant reads it where their journal was.`;

export const decisionSchema = z.object({
  outcome: z.enum(DECISION_OUTCOMES, { errorMap: () => ({ message: outcomeMessage }) }),
  ownerId: personId(ownerMessage),
  dueDate: isoDateSchema(dueMessage),
  note: optionalText(1000, 'Keep the note to 1,000 characters or fewer.'),
  /** another-round: what changes next time (optional). */
  scope: optionalText(500, 'Describe the changed scope in up to 500 characters, or leave it empty.'),
  /** paid-licence */
  tool: optionalText(120, 'Name the tool in up to 120 characters.'),
  seats: z.number({ invalid_type_error: seatsMessage }).int({ message: seatsMessage }).min(1, { message: seatsMessage }).max(10_000, { message: seatsMessage }).optional(),
  approver: optionalText(120, 'Name who approves the licence in up to 120 characters.'),
  /** internal-owner: the person who becomes the go-to for this tool. */
  internalOwnerId: personId('Choose the person who becomes the go-to for this tool.').optional(),
  /** stop: what was learned. */
  learned: optionalText(1000, 'Say what was learned in up to 1,000 characters.'),
  /**
   * A decision before the shareback's start ends practice for the experiment there and then, so it is asked
   * for explicitly, with the reason the participant will read in their journal.
   */
  decideEarly: z.boolean({ invalid_type_error: 'Decide early is a yes or no.' }).optional().transform((early) => (early ? true : undefined)),
  earlyReason: optionalText(500, 'Say why you are deciding before the shareback in up to 500 characters.'),
}).superRefine((decision, ctx) => {
  const need = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
  if (decision.decideEarly && characterCount(decision.earlyReason ?? '') < EARLY_REASON_MIN_CHARACTERS) need('earlyReason', EARLY_REASON_MESSAGE);
  if (decision.outcome === 'paid-licence') {
    if (!decision.tool) need('tool', 'Name the tool the licence is for.');
    if (decision.seats === undefined) need('seats', seatsMessage);
    if (!decision.approver) need('approver', 'Say who approves the licence.');
  }
  if (decision.outcome === 'internal-owner' && !decision.internalOwnerId) need('internalOwnerId', 'Choose the person who becomes the go-to for this tool.');
  if (decision.outcome === 'stop' && !decision.learned) need('learned', 'Say what was learned, so the next person does not start from zero.');
});
export type DecisionInput = z.input<typeof decisionSchema>;
export type DecisionDetails = z.output<typeof decisionSchema>;
