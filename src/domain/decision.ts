import { DateTime } from 'luxon';
import type { Decision, Experiment } from './experiment';
import { decisionDetailsOf } from './experiment';
import { firstCommonFreeSlot, isWorkingDay } from './availability';
import { MINUTE_IN_MS } from './intervals';
import type { WorkingHours } from './planner';
import { instantOrThrow, type IsoInstant } from './time';

/**
 * What a decision sets in motion (step 6), as plain data with deterministic ids (effects as data, as xstate does
 * it): the use case saves the decision, then a job carries these out; each one is idempotent on
 * its id, so a retried job books one event and sends one message.
 *
 * - every revision: the participant is told the decision in chat;
 * - manager follow-up: a 30-minute meeting for participant and manager at the first time both are free
 *   in the next 10 working days (no time → the owner is told and can pick one);
 * - another round: a draft experiment in the next round, carried over with the participant's assets;
 * - paid licence: a reminder for the decision's owner on the due date (and a line in the round report);
 * - internal owner and stop: nothing to book (the capability map and the report read the decision).
 *
 * An edit that keeps an outcome and its booking details books nothing again: only the message goes out.
 */
export type DecisionEffect =
  | { readonly kind: 'notify-participant'; readonly id: string; readonly participantId: string; readonly revision: number }
  | { readonly kind: 'book-follow-up'; readonly id: string; readonly transactionId: string; readonly participantId: string }
  | { readonly kind: 'carry-over'; readonly id: string; readonly participantId: string; readonly scope: string | null }
  | { readonly kind: 'licence-reminder'; readonly id: string; readonly transactionId: string; readonly ownerId: string; readonly dueDate: string; readonly tool: string; readonly seats: number; readonly approver: string };

export type DecisionEffectKind = DecisionEffect['kind'];

function outcomeEffect(experiment: Pick<Experiment, 'id' | 'participantId'>, decision: Decision): DecisionEffect | null {
  const base = `${experiment.id}`;
  switch (decision.outcome) {
    case 'manager-follow-up':
      return { kind: 'book-follow-up', id: `followup:${base}`, transactionId: `pl:followup:${base}`, participantId: experiment.participantId };
    case 'another-round':
      return { kind: 'carry-over', id: `carry:${base}`, participantId: experiment.participantId, scope: decision.scope ?? null };
    case 'paid-licence':
      // The due date is part of the id: moving the date is a new reminder, retrying the same one is not.
      return {
        kind: 'licence-reminder', id: `licence:${base}:${decision.dueDate}`, transactionId: `pl:licence:${base}:${decision.dueDate}`,
        ownerId: decision.ownerId, dueDate: decision.dueDate, tool: decision.tool ?? '', seats: decision.seats ?? 0, approver: decision.approver ?? '',
      };
    case 'internal-owner':
    case 'stop':
      return null;
  }
}

export function decisionEffects(experiment: Pick<Experiment, 'id' | 'participantId' | 'decision'>): DecisionEffect[] {
  const decision = experiment.decision;
  if (!decision) return [];
  const effects: DecisionEffect[] = [];
  const effect = outcomeEffect(experiment, decision);
  const before = decision.previous.at(-1);
  const sameAsBefore = before !== undefined && effect !== null && JSON.stringify(outcomeEffect(experiment, { ...before, previous: [] })) === JSON.stringify(effect);
  if (effect && !sameAsBefore) effects.push(effect);
  effects.push({ kind: 'notify-participant', id: `decision-notice:${experiment.id}:r${decision.revision}`, participantId: experiment.participantId, revision: decision.revision });
  return effects;
}

/** The decision as one line a person reads ("Paid licence: 5 seats of Copilot, approved by Finance, owner Omar, due 30 May 2025"). */
export function describeDecision(decision: Decision, nameOf: (userId: string) => string): string {
  const details = decisionDetailsOf(decision);
  const due = DateTime.fromISO(details.dueDate, { zone: 'UTC' }).toFormat('d LLL yyyy');
  const tail = `owner ${nameOf(details.ownerId)}, due ${due}`;
  switch (details.outcome) {
    case 'another-round': return `Another round${details.scope ? ` (${details.scope})` : ''}; ${tail}.`;
    case 'paid-licence': return `Paid licence: ${details.seats ?? '?'} seat${details.seats === 1 ? '' : 's'} of ${details.tool ?? 'the tool'}, approved by ${details.approver ?? '?'}; ${tail}.`;
    case 'internal-owner': return `Internal owner: ${nameOf(details.internalOwnerId ?? '')} becomes the go-to for this tool; ${tail}.`;
    case 'manager-follow-up': return `Manager follow-up; ${tail}.`;
    case 'stop': return `Stop${details.learned ? `. Learned: ${details.learned}` : ''}; ${tail}.`;
  }
}

/* ---------- the follow-up's time: first common free slot in the next working days ---------- */

export interface FollowUpSlotInput {
  /** Each person's working hours; the window counts the first person's (the participant's) working days. */
  readonly people: readonly { readonly workingHours: WorkingHours; readonly busy: readonly { start: IsoInstant; end: IsoInstant }[] }[];
  readonly now: IsoInstant;
  readonly durationMinutes: number;
  readonly workingDays: number;
}

export const FOLLOW_UP = { durationMinutes: 30, workingDays: 10, leadMinutes: 15, gridMinutes: 15 } as const;

/** The window's end: midnight after the participant's `workingDays`-th working day from today (today counts when time is left). */
export function followUpWindowEnd(hours: WorkingHours, now: IsoInstant, workingDays: number): DateTime {
  let day = instantOrThrow(now).setZone(hours.timeZone).startOf('day');
  let counted = 0;
  for (let guard = 0; guard < 60 && counted < workingDays; guard += 1, day = day.plus({ days: 1 })) {
    if (isWorkingDay(hours, day)) counted += 1;
  }
  return day;
}

/**
 * First start on the 15-minute grid, at least 15 minutes from now, where everyone is inside their working
 * hours and free for the whole duration; null when there is none in the window.
 * E.g. both in London, 09:00–17:00, now Mon 10:50, participant busy until 12:00 → Mon 12:00–12:30.
 */
export function firstFreeSlot(input: FollowUpSlotInput): { start: IsoInstant; end: IsoInstant } | null {
  const first = input.people[0];
  if (!first) return null;
  const until = followUpWindowEnd(first.workingHours, input.now, input.workingDays);
  return firstCommonFreeSlot({
    people: input.people, from: instantOrThrow(input.now).toMillis() + FOLLOW_UP.leadMinutes * MINUTE_IN_MS, until: until.toMillis(),
    durationMinutes: input.durationMinutes, gridMinutes: FOLLOW_UP.gridMinutes,
  });
}
