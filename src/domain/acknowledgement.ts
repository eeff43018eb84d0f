import { domainError, isDomainError, type DomainError } from './errors';
import type { UserId } from './ids';
import { currentPolicyVersion, type Round } from './round';
import type { RoundId } from './roundIds';
import { stamp, type IsoInstant } from './time';
import { resolveToolChoice, toolName, type ToolChoice, type ToolChoiceInput } from './toolCatalogue';
import { invalidInput } from './validation';

/**
 * Before practice, a person agrees to two things: the company's safe-use policy (a specific version)
 * and the terms of the tool they will use. One record holds both, so "may this person practise with
 * this tool?" is one comparison.
 */
export interface PolicyAcknowledgement {
  readonly roundId: RoundId;
  readonly userId: UserId;
  readonly policyVersion: number;
  /** Set for a catalogue tool; `otherToolName` is null then. */
  readonly toolId: string | null;
  /** Set for a tool the person named themselves; `toolId` is null then. */
  readonly otherToolName: string | null;
  readonly toolTermsAccepted: true;
  readonly acknowledgedAt: IsoInstant;
}

export interface AcknowledgeInput {
  /** The person acknowledging (from the token or the activity, never from the form). */
  readonly userId: UserId;
  /** The version the person was shown; the form sends it back. */
  readonly policyVersion: number;
  readonly policyAccepted: boolean;
  readonly toolTermsAccepted: boolean;
  readonly tool: ToolChoiceInput;
}

export function acknowledge(round: Round, input: AcknowledgeInput, now: IsoInstant): PolicyAcknowledgement | DomainError {
  const acknowledgedAt = stamp(now);
  if (round.status === 'draft') {
    return domainError('conflict', "This round hasn't opened yet; you can acknowledge the policy once it opens.");
  }
  if (round.status === 'closed') {
    return domainError('conflict', 'This round has closed, so there is nothing left to acknowledge.');
  }
  const current = currentPolicyVersion(round);
  if (current === null) {
    return domainError('conflict', "This round has no safe-use policy yet; the round's owners need to publish one first.");
  }
  if (input.policyVersion !== current.version) {
    return domainError('conflict', `The policy changed while you were reading; please read version ${current.version} and confirm again.`);
  }

  const fieldErrors: Record<string, string> = {};
  if (input.policyAccepted !== true) {
    fieldErrors.policyAccepted = 'Tick the box to confirm you have read the safe-use policy and will follow it.';
  }
  const tool = resolveToolChoice(round.catalogue, input.tool);
  if (isDomainError(tool)) {
    Object.assign(fieldErrors, tool.kind === 'invalid_input' ? tool.fieldErrors : { toolId: tool.message });
  }
  if (input.toolTermsAccepted !== true) {
    const whose = isDomainError(tool) ? "the tool provider's" : `${toolName(tool)}'s`;
    fieldErrors.toolTermsAccepted = `Tick the box to confirm you accept ${whose} terms of use.`;
  }
  if (isDomainError(tool) || Object.keys(fieldErrors).length > 0) return invalidInput(fieldErrors);

  return {
    roundId: round.id,
    userId: input.userId,
    policyVersion: current.version,
    toolId: tool.kind === 'catalogue' ? tool.entry.id : null,
    otherToolName: tool.kind === 'other' ? tool.name : null,
    toolTermsAccepted: true,
    acknowledgedAt,
  };
}

export interface NeedsAcknowledgementOptions {
  /** The tool the person now plans to use: a different tool needs its terms accepted again. */
  readonly tool?: ToolChoice;
}

export function acknowledgementCovers(ack: PolicyAcknowledgement, tool: ToolChoice): boolean {
  return tool.kind === 'catalogue'
    ? ack.toolId === tool.entry.id
    : ack.otherToolName !== null && ack.otherToolName.trim().toLowerCase() === tool.name.trim().toLowerCase();
}

/**
 * True when the person must (re)acknowledge: no acknowledgement, one for another round, one for an
 * older policy version, or (with `tool`) one for a different tool. With no policy published yet it is
 * also true: "acknowledged" must never be inferred from there being nothing to read.
 */
export function needsAcknowledgement(round: Round, latestAck: PolicyAcknowledgement | null, options: NeedsAcknowledgementOptions = {}): boolean {
  const current = currentPolicyVersion(round);
  if (current === null || latestAck === null) return true;
  if (latestAck.roundId !== round.id || latestAck.policyVersion !== current.version) return true;
  return options.tool !== undefined && !acknowledgementCovers(latestAck, options.tool);
}

/** What practice holds while the current policy waits for a confirmation; sending a plan has its own refusal. */
export const PRACTICE_ACTIONS = {
  journal: 'save a journal entry',
  saveAsset: 'save an asset',
  shareAsset: 'share an asset',
  startPractice: 'start practising',
} as const;
export type PracticeAction = keyof typeof PRACTICE_ACTIONS;

/**
 * Null when the person may go on; otherwise a refusal that names what to confirm (the version, or the tool's
 * terms) and carries it as `confirmPolicy`, so the tab links to the confirmation and chat offers its card.
 * "Version 2 of the safe-use policy for “Winter round” was published after you confirmed version 1. Confirm
 * version 2 before you save a journal entry: practice waits until you do."
 */
export function practiceWaitsForPolicy(round: Round, latestAck: PolicyAcknowledgement | null, action: PracticeAction, options: NeedsAcknowledgementOptions = {}): DomainError | null {
  if (!needsAcknowledgement(round, latestAck, options)) return null;
  const current = currentPolicyVersion(round);
  if (current === null) return domainError('conflict', "This round has no safe-use policy yet; the round's owners need to publish one first.");
  const what = PRACTICE_ACTIONS[action];
  const confirmPolicy = { roundId: round.id, policyVersion: current.version };
  const ownAck = latestAck !== null && latestAck.roundId === round.id ? latestAck : null;
  if (ownAck && ownAck.policyVersion === current.version && options.tool) {
    return domainError('conflict', `Confirm ${toolName(options.tool)}'s terms of use, with version ${current.version} of the safe-use policy, before you ${what}: practice waits until you do.`, { confirmPolicy });
  }
  const since = ownAck ? ` was published after you confirmed version ${ownAck.policyVersion}` : ' has not been confirmed yet';
  return domainError('conflict', `Version ${current.version} of the safe-use policy for “${round.name}”${since}. Confirm version ${current.version} before you ${what}: practice waits until you do.`, { confirmPolicy });
}
