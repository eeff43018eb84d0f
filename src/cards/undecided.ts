import template from './undecided.json';
import { expandForm, hiddenId, hiddenInt, numberOrNull, placeErrors, readFormValues, readHidden, submittedNumber, topError, type FieldErrors, type FormValues } from './forms';
import type { AdaptiveCardJson } from './render';

/**
 * After the shareback, one card per experiment still without a decision goes to the round's owners: a
 * one-click decision (Action.Execute `decideExperiment` with `{ roundId, participantId, expectedVersion }`),
 * which turns into the recorded decision for every owner who sees it (`refreshUndecided`).
 * Input ids are the decision's field names, so the domain's field errors land beside them.
 */
export const UNDECIDED_INPUT_IDS = ['outcome', 'dueDate', 'scope', 'seats', 'approver', 'learned'] as const;
export type UndecidedInputId = (typeof UNDECIDED_INPUT_IDS)[number];

/** What the card shows of the experiment and its round (the owners' undecided view has this shape). */
export interface UndecidedCardFields {
  readonly roundId: string;
  readonly roundName: string;
  readonly participantId: string;
  readonly participantName: string;
  readonly tool: string;
  readonly expectedVersion: number;
  /** Empty while undecided; else the recorded decision in one line. */
  readonly summary: string;
  readonly refreshUserIds: readonly string[];
  readonly suggestedDueDate: string;
}

/** The card as one owner sees it: the fields, and a submitted form's values and errors when it comes back refused. */
export type UndecidedCardData = UndecidedCardFields & {
  readonly values?: FormValues<UndecidedInputId>;
  readonly errors?: FieldErrors;
  readonly error?: string;
};

const SLOTS = { outcome: ['outcome', 'ownerId'], dueDate: ['dueDate'], scope: ['scope'], seats: ['seats', 'tool'], approver: ['approver'], learned: ['learned', 'internalOwnerId', 'note'] } as const;

export function renderUndecidedCard(data: UndecidedCardData): AdaptiveCardJson {
  const open = data.summary === '';
  const { beside, rest } = placeErrors(SLOTS, data.errors);
  return expandForm(template, {
    ...data,
    open,
    title: open ? `Still to decide: ${data.participantName}` : `Decided: ${data.participantName}`,
    intro: `${data.participantName}'s experiment with ${data.tool || 'an AI tool'} in “${data.roundName}” ${open ? 'left the shareback without a decision.' : 'has its decision:'}`,
    values: { outcome: '', dueDate: data.suggestedDueDate, scope: '', seats: '', approver: '', learned: '', ...data.values },
    seatsValue: numberOrNull(data.values?.seats),
    errors: beside,
    error: topError(data.error, rest),
  });
}

export interface UndecidedSubmission {
  readonly roundId: string;
  readonly participantId: string;
  readonly expectedVersion: number;
  readonly values: FormValues<UndecidedInputId>;
}

export function readUndecidedSubmission(raw: unknown): UndecidedSubmission | null {
  const hidden = readHidden(raw, { roundId: hiddenId, participantId: hiddenId, expectedVersion: hiddenInt });
  const values = readFormValues(raw, UNDECIDED_INPUT_IDS);
  return hidden && values ? { ...hidden, values } : null;
}

/** The decision the card's values describe, for the domain to validate (the acting owner owns it; an internal owner is the participant). */
export function decisionFromCard(values: FormValues<UndecidedInputId>, ownerId: string, participantId: string, tool: string): Record<string, unknown> {
  const text = (value: string | undefined) => (value && value.trim() !== '' ? value : undefined);
  return {
    outcome: values.outcome ?? '', ownerId, dueDate: values.dueDate ?? '',
    scope: text(values.scope), approver: text(values.approver), learned: text(values.learned), seats: submittedNumber(values.seats),
    ...(values.outcome === 'paid-licence' ? { tool } : {}),
    ...(values.outcome === 'internal-owner' ? { internalOwnerId: participantId } : {}),
  };
}
