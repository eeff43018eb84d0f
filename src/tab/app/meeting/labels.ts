import type { DecisionOutcome } from '../../../domain/experimentPlan';

/**
 * The decision outcomes as the meeting tab names them. The same words as the chat cards'; kept here (typed by the
 * domain's outcomes, so a new one fails to compile until it is named) because the domain module that holds them
 * also holds the decision form's zod schema, which the meeting tab does not otherwise load.
 */
export const OUTCOME_LABELS: Readonly<Record<DecisionOutcome, string>> = {
  'another-round': 'Another round',
  'paid-licence': 'Paid licence',
  'internal-owner': 'Internal owner',
  'manager-follow-up': 'Manager follow-up',
  stop: 'Stop',
};
