import { DateTime } from 'luxon';
import { z } from 'zod';
import { domainError, isDomainError, type DomainError } from './errors';
import {
  decisionSchema, hypothesisSchema, selectionSchema,
  type DecisionDetails, type DecisionInput, type Hypothesis, type HypothesisInput, type Selection, type SelectionInput,
} from './experimentPlan';
import type { TenantId, UserId } from './ids';
import { experimentIdFor, type ExperimentId, type RoundId } from './roundIds';
import { stamp, type IsoInstant } from './time';
import { boundedText, fieldErrorsOf, invalidInput, optionalText } from './validation';
import { isStaleVersion } from './version';

/**
 * One person's experiment in one round, as a state machine:
 *   draft → submitted → (changes_requested → submitted)* → approved → practising → sharing → decided
 *   and withdrawn from any state before decided.
 * `applyCommand` is pure: the use case loads the experiment, computes who the actor is from the directory
 * and the round (never from what the client says), applies the command, and saves with the ETag it read.
 */
export const EXPERIMENT_STATES = ['draft', 'submitted', 'changes_requested', 'approved', 'practising', 'sharing', 'decided', 'withdrawn'] as const;
export type ExperimentState = (typeof EXPERIMENT_STATES)[number];

/** How the actor stands to this experiment, worked out by the caller: the person, their reviewer, or a round owner/admin. */
export type ExperimentRelation = 'participant' | 'reviewer' | 'owner';

export interface ExperimentActor {
  readonly userId: UserId;
  readonly relation: ExperimentRelation;
}

export interface Review {
  readonly by: UserId;
  readonly decision: 'approved' | 'changes_requested';
  /** Empty when an approval came without a comment. */
  readonly comment: string;
  readonly at: IsoInstant;
}

export interface HistoryEntry {
  readonly at: IsoInstant;
  readonly by: UserId;
  readonly command: ExperimentCommandKind;
  readonly from: ExperimentState;
  readonly to: ExperimentState;
}

/** One version of the decision: what was decided (validated details), by whom and when. */
export type DecisionRevision = DecisionDetails & {
  readonly by: UserId;
  readonly at: IsoInstant;
  /** 1 for the decision made in the meeting; +1 for each later edit by an owner. */
  readonly revision: number;
};

/** The current decision and, oldest first, the revisions it replaced (edits keep history). */
export type Decision = DecisionRevision & { readonly previous: readonly Omit<DecisionRevision, never>[] };

export interface Experiment {
  readonly id: ExperimentId;
  readonly roundId: RoundId;
  readonly participantId: UserId;
  readonly tenantId: TenantId;
  readonly state: ExperimentState;
  /** 1 when created; +1 on every change. Cards carry it back as `expectedVersion`. */
  readonly version: number;
  readonly selection: Selection | null;
  readonly hypothesis: Hypothesis | null;
  /** Set at each submit: the person's manager, or a round owner when they have none. */
  readonly reviewerId: UserId | null;
  readonly reviews: readonly Review[];
  /** Extra days on top of the round's window, granted by the reviewer or an owner (at most 14 in all). */
  readonly windowExtensionDays: number;
  readonly decision: Decision | null;
  readonly history: readonly HistoryEntry[];
  readonly createdAt: IsoInstant;
  readonly updatedAt: IsoInstant;
}

interface CommandBase {
  readonly actor: ExperimentActor;
  /** The `version` the card or form was showing; a different current version is a conflict ("out of date"). */
  readonly expectedVersion?: number;
  /** Display name of the participant, only to make refusals read naturally ("Only Dana Smith's manager…"). */
  readonly participantName?: string;
}

export type ExperimentCommand = CommandBase & (
  | { readonly kind: 'saveSelection'; readonly selection: SelectionInput }
  | { readonly kind: 'saveHypothesis'; readonly hypothesis: HypothesisInput }
  | { readonly kind: 'submit'; readonly acknowledgedCurrentPolicy: boolean; readonly reviewerId: UserId }
  | { readonly kind: 'approve'; readonly comment?: string }
  | { readonly kind: 'requestChanges'; readonly comment: string }
  | { readonly kind: 'extendWindow'; readonly days: number }
  | { readonly kind: 'startPractice'; readonly acknowledgedCurrentPolicy: boolean }
  | { readonly kind: 'startSharing' }
  | { readonly kind: 'recordDecision'; readonly decision: DecisionInput; readonly shareback?: SharebackTime }
  | { readonly kind: 'withdraw' }
);
export type ExperimentCommandKind = ExperimentCommand['kind'];

/** When the round's shareback starts (and its zone, to name the day): a first decision before it is an early one. */
export interface SharebackTime {
  readonly startsAt: IsoInstant;
  readonly timeZone: string;
}

/** The decision ended practice before the shareback (the first revision was an explicit "decide early"). */
export function decidedEarly(decision: Decision | null): boolean {
  if (!decision) return false;
  const first = decision.previous[0] ?? decision;
  return first.decideEarly === true;
}

/**
 * A first decision before the shareback's start ends practice for the experiment there and then, so it needs
 * `decideEarly` with a reason (decisions went in weeks early with practice still running and no word
 * said). An edit of a decision already recorded is not a new ending; neither is a decision at or after the start.
 */
export function earlyDecisionRefusal(experiment: Pick<Experiment, 'decision'>, decision: DecisionInput, shareback: SharebackTime, now: IsoInstant): DomainError | null {
  if (experiment.decision !== null || now >= shareback.startsAt) return null;
  const parsed = decisionSchema.safeParse(decision);
  if (parsed.success && parsed.data.decideEarly) return null;
  if (!parsed.success && (decision as { decideEarly?: unknown }).decideEarly === true) return null; // its own field errors say what is missing
  const day = DateTime.fromISO(shareback.startsAt, { zone: shareback.timeZone }).setLocale('en-GB').toFormat('cccc d LLLL');
  return invalidInput({
    decideEarly: `The shareback is on ${day}. A decision before then ends this experiment's practice now: its future practice blocks leave the calendar and its journal closes. To go ahead, choose "Decide early" and say why.`,
  });
}

export interface CommandRule {
  /** Who may send it. A person who holds several relations (an owner who is also the reviewer) should be passed with one listed here. */
  readonly relations: readonly ExperimentRelation[];
  readonly from: readonly ExperimentState[];
  /** `null`: the state stays as it is (edits and extensions). */
  readonly to: ExperimentState | null;
}

const BEFORE_DECIDED: readonly ExperimentState[] = ['draft', 'submitted', 'changes_requested', 'approved', 'practising', 'sharing'];

export const COMMAND_RULES: Readonly<Record<ExperimentCommandKind, CommandRule>> = {
  saveSelection: { relations: ['participant'], from: ['draft', 'changes_requested'], to: null },
  saveHypothesis: { relations: ['participant'], from: ['draft', 'changes_requested'], to: null },
  submit: { relations: ['participant'], from: ['draft', 'changes_requested'], to: 'submitted' },
  approve: { relations: ['reviewer'], from: ['submitted'], to: 'approved' },
  requestChanges: { relations: ['reviewer'], from: ['submitted'], to: 'changes_requested' },
  extendWindow: { relations: ['reviewer', 'owner'], from: ['submitted', 'approved', 'practising'], to: null },
  startPractice: { relations: ['participant'], from: ['approved'], to: 'practising' },
  // From approved too: the shareback comes at the end of the window whether or not practice was started in the app.
  startSharing: { relations: ['participant', 'owner'], from: ['approved', 'practising'], to: 'sharing' },
  // From decided: an owner's edit of the decision they were shown (it must carry expectedVersion).
  recordDecision: { relations: ['owner'], from: ['sharing', 'decided'], to: 'decided' },
  withdraw: { relations: ['participant', 'owner'], from: BEFORE_DECIDED, to: 'withdrawn' },
};

export const MAX_WINDOW_EXTENSION_DAYS = 14;

export function newExperiment(roundId: RoundId, participantId: UserId, tenantId: TenantId, now: IsoInstant): Experiment {
  const at = stamp(now);
  return {
    id: experimentIdFor(roundId, participantId),
    roundId,
    participantId,
    tenantId,
    state: 'draft',
    version: 1,
    selection: null,
    hypothesis: null,
    reviewerId: null,
    reviews: [],
    windowExtensionDays: 0,
    decision: null,
    history: [],
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * `changed: false` means the command's effect was already in place and nothing was written: the same
 * experiment comes back (same object, same version), so a second click or a retried message is harmless
 * and the caller just re-renders. This is checked before `expectedVersion`, because a second click
 * carries the version of the card it came from. No-ops:
 * - approve when this reviewer's approval is the latest review and the plan is approved or beyond;
 * - requestChanges with the same comment by the same reviewer while changes are requested;
 * - submit to the same reviewer while submitted; startPractice while practising; startSharing while sharing;
 * - withdraw while withdrawn; recordDecision with exactly the decision already recorded;
 * - saveSelection / saveHypothesis with exactly what is already saved.
 * extendWindow is additive and never a no-op: a repeated card is caught by `expectedVersion` instead.
 */
export interface CommandResult {
  readonly experiment: Experiment;
  readonly changed: boolean;
}

const STATE_WORDS: Readonly<Record<ExperimentState, string>> = {
  draft: 'a draft',
  submitted: 'waiting for review',
  changes_requested: 'waiting for changes',
  approved: 'approved',
  practising: 'in practice',
  sharing: 'at the sharing stage',
  decided: 'decided',
  withdrawn: 'withdrawn',
};

function names(command: ExperimentCommand): { person: string; whose: string } {
  const name = command.participantName?.trim();
  return name ? { person: name, whose: `${name}'s` } : { person: 'the person running this experiment', whose: "this person's" };
}

function forbidden(command: ExperimentCommand): DomainError {
  const { person, whose } = names(command);
  const message: Record<ExperimentCommandKind, string> = {
    saveSelection: `Only ${person} can edit their plan.`,
    saveHypothesis: `Only ${person} can edit their plan.`,
    submit: `Only ${person} can send their plan for review.`,
    approve: `Only ${whose} manager can approve this plan.`,
    requestChanges: `Only ${whose} manager can ask for changes to this plan.`,
    extendWindow: `Only ${whose} manager or a round owner can extend the practice window.`,
    startPractice: `Only ${person} can start their practice.`,
    startSharing: `Only ${person} or a round owner can move this experiment to sharing.`,
    recordDecision: 'Only a round owner can record the decision on this experiment.',
    withdraw: `Only ${person} or a round owner can withdraw this experiment.`,
  };
  return domainError('forbidden', message[command.kind]);
}

/** Why `kind` cannot happen in `state`, in words a person can act on. */
export function illegalTransitionMessage(kind: ExperimentCommandKind, state: ExperimentState): string {
  if (state === 'decided') return "A decision has been recorded for this experiment, so it can't change any more.";
  if (state === 'withdrawn') return "This experiment was withdrawn, so it can't change any more.";
  switch (kind) {
    case 'saveSelection':
    case 'saveHypothesis':
      return state === 'submitted'
        ? 'Your plan is with your reviewer now. Ask them to request changes if you need to edit it.'
        : 'Your plan has been approved, so it is fixed now; note anything that changes in your journal instead.';
    case 'submit':
      return state === 'submitted' ? 'Your plan is already with a reviewer.' : 'Your plan has already been approved, so there is nothing to send.';
    case 'approve':
      if (state === 'draft') return "This plan hasn't been sent for review yet, so there is nothing to approve.";
      if (state === 'changes_requested') return 'Changes were requested on this plan; you can approve it once it is sent again.';
      return 'This plan has already been approved.';
    case 'requestChanges':
      if (state === 'draft') return "This plan hasn't been sent for review yet, so there is nothing to comment on.";
      if (state === 'changes_requested') return 'Changes have already been requested; the plan comes back to you when it is sent again.';
      return 'This plan has already been approved, so changes can no longer be requested; talk it through at your next check-in instead.';
    case 'extendWindow':
      if (state === 'sharing') return 'Practice is over and sharing has started, so the window can no longer be extended.';
      return 'The practice window can be extended once the plan has been sent for review.';
    case 'startPractice':
      if (state === 'sharing') return 'Practice is over; this experiment is at the sharing stage.';
      return "You can't start practising before your manager approves your plan.";
    case 'startSharing':
      return state === 'approved'
        ? 'Sharing comes after practice: start practising first.'
        : 'Sharing comes after practice: the plan needs approving, then some practice, first.';
    case 'recordDecision':
      return "A decision is recorded after the shareback, and this experiment hasn't reached sharing yet.";
    case 'withdraw':
      return `This experiment is ${STATE_WORDS[state]} and cannot be withdrawn.`;
  }
}

/**
 * A stale form or card, said about what the person was looking at: their own plan, a plan sent for review,
 * or a decision (an owner editing a decision was told about "the plan" and its internal version).
 * The same words serve a card and a tab form, so neither is named.
 */
function outOfDate(kind: ExperimentCommandKind): DomainError {
  switch (kind) {
    case 'recordDecision':
      return domainError('conflict', 'This decision changed since you opened it. Look at the decision as it stands now, then make your edit again.');
    case 'approve':
    case 'requestChanges':
    case 'extendWindow':
      return domainError('conflict', 'This plan changed since you opened it. Look at the latest version, then review it again.');
    case 'saveSelection':
    case 'saveHypothesis':
    case 'submit':
      return domainError('conflict', 'Your plan changed since you opened it (perhaps in another window or in chat). Look at the latest version, then make your change again.');
    default:
      return domainError('conflict', 'This experiment changed since you opened it. Look at it as it stands now, then try again.');
  }
}

function actorMayAct(experiment: Experiment, command: ExperimentCommand): boolean {
  const { actor } = command;
  if (!COMMAND_RULES[command.kind].relations.includes(actor.relation)) return false;
  if (actor.relation === 'participant') return actor.userId === experiment.participantId;
  // The reviewer on record decides; before submit there is none, and the state check explains why.
  if (actor.relation === 'reviewer') return experiment.reviewerId === null || experiment.reviewerId === actor.userId;
  return true;
}

const approveCommentSchema = optionalText(1000, 'Keep your comment to 1,000 characters or fewer.');
const changesMessage = (person: string): string => `Tell ${person} what to change, in 5 to 1,000 characters.`;
const daysMessage = `Extend by a whole number of days, from 1 to ${MAX_WINDOW_EXTENSION_DAYS}.`;
const daysSchema = z.number({ required_error: daysMessage, invalid_type_error: daysMessage }).int({ message: daysMessage })
  .min(1, { message: daysMessage }).max(MAX_WINDOW_EXTENSION_DAYS, { message: daysMessage });

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isNoOp(experiment: Experiment, command: ExperimentCommand): boolean {
  const { state } = experiment;
  const lastReview = experiment.reviews.at(-1);
  switch (command.kind) {
    case 'approve':
      return (state === 'approved' || state === 'practising' || state === 'sharing' || state === 'decided') &&
        lastReview?.decision === 'approved' && lastReview.by === command.actor.userId;
    case 'requestChanges': {
      const comment = boundedText(5, 1000, '').safeParse(command.comment);
      return state === 'changes_requested' && lastReview?.decision === 'changes_requested' &&
        lastReview.by === command.actor.userId && comment.success && lastReview.comment === comment.data;
    }
    case 'submit':
      return state === 'submitted' && experiment.reviewerId === command.reviewerId;
    case 'startPractice':
      return state === 'practising';
    case 'startSharing':
      return state === 'sharing';
    case 'withdraw':
      return state === 'withdrawn';
    case 'recordDecision': {
      const decision = decisionSchema.safeParse(command.decision);
      return state === 'decided' && decision.success && experiment.decision !== null && sameJson(decision.data, decisionDetailsOf(experiment.decision));
    }
    case 'saveSelection': {
      const selection = selectionSchema.safeParse(command.selection);
      return COMMAND_RULES.saveSelection.from.includes(state) && selection.success && sameJson(selection.data, experiment.selection);
    }
    case 'saveHypothesis': {
      const hypothesis = hypothesisSchema.safeParse(command.hypothesis);
      return COMMAND_RULES.saveHypothesis.from.includes(state) && hypothesis.success && sameJson(hypothesis.data, experiment.hypothesis);
    }
    case 'extendWindow':
      return false;
  }
}

type Changes = Partial<Pick<Experiment, 'selection' | 'hypothesis' | 'reviewerId' | 'reviews' | 'windowExtensionDays' | 'decision'>>;

/** The payload checks and the fields each command changes; the state and actor are already checked. */
function decide(experiment: Experiment, command: ExperimentCommand, at: IsoInstant): Changes | DomainError {
  const { person } = names(command);
  switch (command.kind) {
    case 'saveSelection': {
      const parsed = selectionSchema.safeParse(command.selection);
      return parsed.success ? { selection: parsed.data } : invalidInput(fieldErrorsOf(parsed.error.issues));
    }
    case 'saveHypothesis': {
      const parsed = hypothesisSchema.safeParse(command.hypothesis);
      return parsed.success ? { hypothesis: parsed.data } : invalidInput(fieldErrorsOf(parsed.error.issues));
    }
    case 'submit': {
      if (experiment.selection === null || experiment.hypothesis === null) {
        const missing = experiment.selection === null && experiment.hypothesis === null
          ? 'choose your friction point and tool, and write what you expect to change'
          : experiment.selection === null ? 'choose your friction point and tool' : 'write what you expect to change and how you will know';
        return domainError('conflict', `Finish your plan before you send it: ${missing}.`);
      }
      if (!command.acknowledgedCurrentPolicy) {
        return domainError('conflict', 'Acknowledge the current safe-use policy before you send your plan.');
      }
      if (command.reviewerId === experiment.participantId) {
        return domainError('conflict', "You can't review your own plan: it goes to your manager, or to a round owner other than you.");
      }
      return { reviewerId: command.reviewerId };
    }
    case 'approve': {
      const comment = approveCommentSchema.safeParse(command.comment);
      if (!comment.success) return invalidInput({ comment: 'Keep your comment to 1,000 characters or fewer.' });
      return { reviews: [...experiment.reviews, { by: command.actor.userId, decision: 'approved', comment: comment.data ?? '', at }] };
    }
    case 'requestChanges': {
      const message = changesMessage(command.participantName?.trim() || 'them');
      const comment = boundedText(5, 1000, message).safeParse(command.comment);
      if (!comment.success) return invalidInput({ comment: message });
      return { reviews: [...experiment.reviews, { by: command.actor.userId, decision: 'changes_requested', comment: comment.data, at }] };
    }
    case 'extendWindow': {
      const days = daysSchema.safeParse(command.days);
      if (!days.success) return invalidInput({ days: daysMessage });
      const left = MAX_WINDOW_EXTENSION_DAYS - experiment.windowExtensionDays;
      if (left <= 0) {
        return domainError('conflict', `This window has already been extended by the most allowed, ${MAX_WINDOW_EXTENSION_DAYS} days.`);
      }
      if (days.data > left) {
        return invalidInput({ days: `Extensions add up to at most ${MAX_WINDOW_EXTENSION_DAYS} days; ${left} ${left === 1 ? 'day is' : 'days are'} left for ${person}.` });
      }
      return { windowExtensionDays: experiment.windowExtensionDays + days.data };
    }
    case 'startPractice':
      return command.acknowledgedCurrentPolicy
        ? {}
        : domainError('conflict', "You can't start practising before you acknowledge the current safe-use policy.");
    case 'startSharing':
    case 'withdraw':
      return {};
    case 'recordDecision': {
      const refused = decisionRefusal(experiment, command.decision, command.shareback, at);
      if (refused) return refused;
      const decision = decisionSchema.safeParse(command.decision);
      if (!decision.success) return invalidInput(fieldErrorsOf(decision.error.issues));
      const current = experiment.decision;
      // Two owners deciding at once: the second one did not see the first decision, so it is not an edit.
      if (current && command.expectedVersion === undefined) {
        return domainError('conflict', 'A decision has already been recorded for this experiment. Look at it, and edit it if it should change.');
      }
      const details = Object.fromEntries(Object.entries(decision.data).filter(([, value]) => value !== undefined)) as DecisionDetails;
      const { previous = [], ...replaced } = current ?? {};
      return {
        decision: {
          ...details, by: command.actor.userId, at, revision: (current?.revision ?? 0) + 1,
          previous: current ? [...previous, replaced as DecisionRevision] : [],
        },
      };
    }
  }
}

/**
 * Everything wrong with a decision as submitted, in one answer: its own fields, and "decide early" when it comes
 * before the shareback (a form missing its date before the shareback shows both notes at once).
 */
export function decisionRefusal(experiment: Pick<Experiment, 'decision'>, decision: DecisionInput, shareback: SharebackTime | undefined, now: IsoInstant): DomainError | null {
  const early = shareback ? earlyDecisionRefusal(experiment, decision, shareback, now) : null;
  const parsed = decisionSchema.safeParse(decision);
  if (!early && parsed.success) return null;
  return invalidInput({
    ...(parsed.success ? {} : fieldErrorsOf(parsed.error.issues)),
    ...(early && early.kind === 'invalid_input' ? early.fieldErrors : {}),
  });
}

/** The decided details of a decision, without who/when/history (what a form shows and sends back). */
export function decisionDetailsOf(decision: Decision | DecisionRevision): DecisionDetails {
  const { by: _by, at: _at, revision: _revision, ...rest } = decision;
  const { previous: _previous, ...details } = rest as DecisionDetails & { previous?: unknown };
  return details;
}

/**
 * Order of checks: who is asking → already done (no-op) → stale card → legal from this state →
 * the command's own checks. The first failure is returned as a DomainError value.
 */
export function applyCommand(experiment: Experiment, command: ExperimentCommand, now: IsoInstant): CommandResult | DomainError {
  const at = stamp(now);
  if (!actorMayAct(experiment, command)) return forbidden(command);
  if (isNoOp(experiment, command)) return { experiment, changed: false };
  if (isStaleVersion(command.expectedVersion, experiment.version)) return outOfDate(command.kind);

  const rule = COMMAND_RULES[command.kind];
  if (!rule.from.includes(experiment.state)) return domainError('conflict', illegalTransitionMessage(command.kind, experiment.state));

  const changes = decide(experiment, command, at);
  if (isDomainError(changes)) return changes;

  const to = rule.to ?? experiment.state;
  return {
    experiment: {
      ...experiment,
      ...changes,
      state: to,
      version: experiment.version + 1,
      history: [...experiment.history, { at, by: command.actor.userId, command: command.kind, from: experiment.state, to }],
      updatedAt: at,
    },
    changed: true,
  };
}

/** The bare transition of the state machine above: the next experiment (the same one for a no-op) or a DomainError. */
export function transition(experiment: Experiment, command: ExperimentCommand, now: IsoInstant): Experiment | DomainError {
  const result = applyCommand(experiment, command, now);
  return 'experiment' in result ? result.experiment : result;
}
