import { DateTime } from 'luxon';
import { decisionEffects, describeDecision, firstFreeSlot, FOLLOW_UP, type DecisionEffect } from '../domain/decision';
import { domainError, isDomainError, type DomainError } from '../domain/errors';
import { decidedEarly, decisionRefusal, newExperiment, type Decision, type Experiment } from '../domain/experiment';
import type { DecisionInput } from '../domain/experimentPlan';
import { parseUserId, type UserId } from '../domain/ids';
import type { WorkingHours } from '../domain/planner';
import { canManageRound, type Round } from '../domain/round';
import { experimentIdFor, type RoundId } from '../domain/roundIds';
import { instantOrThrow, parseInstant } from '../domain/time';
import { toolName } from '../domain/toolCatalogue';
import type { DecisionEffectLog, EffectOutcome } from '../ports/sharebackSessionRepo';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../ports/storageErrors';
import { PRACTICE_CATEGORY } from './booking';
import { RELEASE_JOB_KIND } from './releaseTime';
import { runExperimentCommands, type ExperimentChange } from './experiments';
import { escapeHtml } from './html';
import { effect as jobEffect, sendEffects, type Effect } from './jobKinds';
import { mayOnRound } from './access';
import { dispatchOutbox, scheduleOutboxCheck } from './outbox';
import type { Caller, UseCasePorts } from './ports';
import { personOf } from './sharebackSession';

/**
 * Step 6: an owner records the decision on an experiment (in the meeting tab, on the undecided card after
 * the meeting, or over REST: one implementation). The decision is saved on the experiment with the ETag it
 * read, with its effects job in the experiment's outbox; the effects (src/domain/decision.ts) then run in that job,
 * each idempotent on its id and logged, so a retried job books one event; what the participant and the owner are
 * told goes out as jobs of its own (`decision.notice`, `decision.needs-owner`), whose handlers render the cards.
 */
export const DECISION_EFFECTS_JOB_KIND = 'decision.effects';

/** A refused decision that lost a race carries the decision as it now stands, so the form can show it. */
export type DecisionRefusal = DomainError & { readonly current?: { readonly decision: Decision | null; readonly version: number; readonly state: Experiment['state'] } };

export async function recordDecision(
  roundId: RoundId, participantId: UserId, decision: Record<string, unknown>, expectedVersion: number | undefined, caller: Caller, ports: UseCasePorts,
): Promise<ExperimentChange | DecisionRefusal> {
  const stored = await ports.rounds.get(roundId);
  if (!stored) return domainError('not_found', 'That round does not exist any more.');
  if (!canManageRound(stored.round, caller)) return domainError('forbidden', 'Only the round’s owners can record decisions.');
  const strangers = await decisionPeopleNotInDirectory(decision, ports);
  if (strangers) return strangers;
  const before = await ports.experiments.get(roundId, participantId);
  if (!before) return domainError('not_found', 'This person has no experiment in this round.');
  const shareback = { startsAt: stored.round.shareback.startsAt, timeZone: stored.round.shareback.timeZone };
  // Asked before anything moves: an early decision needs "decide early" and a reason.
  const refused = decisionRefusal(before.experiment, decision as DecisionInput, shareback, ports.clock.now().toISOString());
  if (refused) return refused;
  // The shareback is where sharing happens: deciding on an approved or practising experiment moves it to sharing
  // and records the decision in one save, so a refused decision leaves the experiment as it was.
  // The version only guards an edit: a first decision overwrites nothing (two first decisions at once are
  // told apart in the domain: the later one finds a decision it did not see), so journal entries or a
  // summary saved since the form loaded do not refuse it.
  const outcome = await runExperimentCommands(roundId, participantId, (experiment) => [
    ...(experiment.state === 'approved' || experiment.state === 'practising' ? [{ kind: 'startSharing' as const }] : []),
    { kind: 'recordDecision' as const, decision: decision as DecisionInput, shareback, expectedVersion: experiment.decision ? expectedVersion : undefined },
  ], caller, ports, (decided) => [
    jobEffect(DECISION_EFFECTS_JOB_KIND, `effects:${decided.id}:v${decided.version}`, { roundId, participantId }),
    // Decided early: practice ends cleanly, as for a withdrawal — the future blocks leave the calendar (past ones happened).
    ...(decidedEarly(decided.decision) ? [jobEffect(RELEASE_JOB_KIND, `release:${decided.id}:decided`, { roundId, participantId })] : []),
  ]);
  if (isDomainError(outcome)) {
    if (outcome.kind !== 'conflict') return outcome;
    const now = await ports.experiments.get(roundId, participantId);
    return { ...outcome, current: now ? { decision: now.experiment.decision, version: now.experiment.version, state: now.experiment.state } : undefined };
  }
  return outcome;
}

/** A decision names people (who owns it, who owns the practice internally): each must be in the directory, or its effects could never run. */
async function decisionPeopleNotInDirectory(decision: Record<string, unknown>, ports: UseCasePorts): Promise<DomainError | null> {
  const fieldErrors: Record<string, string> = {};
  for (const field of ['ownerId', 'internalOwnerId'] as const) {
    const id = parseUserId(decision[field]);
    if (id && !(await ports.directory.getPerson(id))) fieldErrors[field] = `No one in your organisation’s directory has the id ${id}.`;
  }
  return Object.keys(fieldErrors).length > 0 ? domainError('invalid_input', Object.values(fieldErrors)[0]!, { fieldErrors }) : null;
}

/* ---------- effects ---------- */

/**
 * Writes one effect's outcome into the log. `effects` (a message the outcome causes) are saved in the log's outbox in
 * the same transaction and handed off after it: once the log says the effect was done, a retried job skips it, so a
 * message sent only after the log was written would be lost to a crash in between.
 */
async function recordOutcome(roundId: RoundId, participantId: UserId, effectId: string, outcome: EffectOutcome, ports: UseCasePorts, effects: readonly Effect[] = []): Promise<void> {
  const address = { record: 'decisionEffects', roundId, participantId } as const;
  if (effects.length > 0) await scheduleOutboxCheck(address, ports);
  for (let attempt = 1; ; attempt++) {
    const stored = await ports.sharebackSessions.getEffects(roundId, participantId);
    const log: DecisionEffectLog = { roundId, participantId, outcomes: { ...(stored?.value.outcomes ?? {}), [effectId]: outcome } };
    try {
      await ports.sharebackSessions.saveEffects(log, stored?.etag ?? null, { outbox: effects });
      await dispatchOutbox(address, effects, ports);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError) || attempt >= 5) throw error;
    }
  }
}

async function workingHoursOf(userId: UserId, ports: UseCasePorts): Promise<WorkingHours> {
  const hours = await ports.calendar.getWorkingHours(userId);
  return { daysOfWeek: hours.daysOfWeek, startTime: hours.startTime, endTime: hours.endTime, timeZone: hours.timeZoneKnown ? hours.timeZone : 'UTC' };
}

function followUpEvent(effect: Extract<DecisionEffect, { kind: 'book-follow-up' }>, round: Round, participantName: string, slot: { start: string; end: string }, attendees: { email: string; name: string }[]) {
  return {
    transactionId: effect.transactionId,
    subject: `Practice Loop follow-up: ${participantName}`,
    bodyHtml: `<p>The shareback of <b>${escapeHtml(round.name)}</b> asked for a follow-up between ${escapeHtml(participantName)} and their manager: what to keep, what support helps, what comes next.</p>`,
    start: slot.start, end: slot.end, showAs: 'busy' as const, categories: [PRACTICE_CATEGORY], reminderMinutesBeforeStart: 15, attendees, onlineMeeting: true,
  };
}

/** Books the follow-up in the manager's calendar with the participant invited; `at` is the owner's pick when no free time was found. */
async function bookFollowUp(effect: Extract<DecisionEffect, { kind: 'book-follow-up' }>, round: Round, experiment: Experiment, ports: UseCasePorts, at?: string): Promise<EffectOutcome> {
  const now = ports.clock.now().toISOString();
  const manager = await ports.directory.getManager(experiment.participantId);
  if (!manager) return { status: 'needs-owner', detail: 'This person has no manager in the directory, so there is nobody to follow up with.', ref: null, at: now };
  const participant = await ports.directory.getPerson(experiment.participantId);
  let slot: { start: string; end: string } | null;
  if (at) {
    slot = { start: at, end: instantOrThrow(at).plus({ minutes: FOLLOW_UP.durationMinutes }).toUTC().toISO() };
  } else {
    const [participantHours, managerHours] = await Promise.all([workingHoursOf(experiment.participantId, ports), workingHoursOf(manager.id, ports)]);
    const window = { start: now, end: instantOrThrow(now).plus({ days: 21 }).toUTC().toISO() };
    const busy = await ports.calendar.getBusy([experiment.participantId, manager.id], window);
    slot = firstFreeSlot({
      now, durationMinutes: FOLLOW_UP.durationMinutes, workingDays: FOLLOW_UP.workingDays,
      people: [{ workingHours: participantHours, busy: busy.get(experiment.participantId) ?? [] }, { workingHours: managerHours, busy: busy.get(manager.id) ?? [] }],
    });
  }
  if (!slot) return { status: 'needs-owner', detail: `${participant?.displayName ?? 'The participant'} and ${manager.displayName} have no common free half hour in the next ${FOLLOW_UP.workingDays} working days. Pick a time.`, ref: null, at: now };
  const attendees = participant?.mail ? [{ email: participant.mail, name: participant.displayName }] : [];
  const [created] = await ports.calendar.createEvents(manager.id, [followUpEvent(effect, round, participant?.displayName ?? 'your report', slot, attendees)]);
  return { status: 'done', detail: `Follow-up booked for ${slot.start} with ${manager.displayName}.`, ref: created?.eventId ?? null, mailbox: manager.id, at: now };
}

/** The next round: the owner's earliest round (not closed) whose window starts after this one's. */
async function nextRoundAfter(round: Round, ports: UseCasePorts): Promise<Round | null> {
  const listings = (await ports.rounds.listForOwner(round.ownerIds[0]!)).filter((r) => r.roundId !== round.id && r.status !== 'closed');
  const candidates: Round[] = [];
  for (const listing of listings.slice(0, 20)) {
    const stored = await ports.rounds.get(listing.roundId);
    if (stored && stored.round.window.start > round.window.start) candidates.push(stored.round);
  }
  return candidates.sort((a, b) => a.window.start.localeCompare(b.window.start))[0] ?? null;
}

async function carryOver(effect: Extract<DecisionEffect, { kind: 'carry-over' }>, round: Round, experiment: Experiment, ports: UseCasePorts): Promise<EffectOutcome> {
  const now = ports.clock.now().toISOString();
  const next = await nextRoundAfter(round, ports);
  if (!next) return { status: 'needs-owner', detail: 'There is no next round yet. Create it, then retry the carry-over from the decision.', ref: null, at: now };
  await ports.roundMembers.addQueued(next.id, [{ userId: experiment.participantId, via: 'named' }], now);
  const draft: Experiment = { ...newExperiment(next.id, experiment.participantId, experiment.tenantId, now), selection: experiment.selection, hypothesis: experiment.hypothesis };
  try {
    await ports.experiments.create(draft);
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsError)) throw error; // carried over already (a retry), or they joined it themselves
  }
  // The assets come along (same ids in the next round's partition, so a retry finds them), private until shared again.
  const assets = await ports.assets.listForAuthor(round.id, experiment.participantId);
  for (const asset of assets) {
    try {
      await ports.assets.create({ ...asset, roundId: next.id, experimentId: experimentIdFor(next.id, experiment.participantId), shared: false, sharedAt: null, createdAt: now, updatedAt: now, version: 1 });
    } catch (error) {
      if (!(error instanceof EntityAlreadyExistsError)) throw error;
    }
  }
  const scope = effect.scope ? ` Scope: ${effect.scope}` : '';
  return { status: 'done', detail: `Carried over to “${next.name}” as a draft with ${assets.length} asset${assets.length === 1 ? '' : 's'}.${scope}`, ref: experimentIdFor(next.id, experiment.participantId), at: now };
}

async function licenceReminder(effect: Extract<DecisionEffect, { kind: 'licence-reminder' }>, round: Round, experiment: Experiment, ports: UseCasePorts): Promise<EffectOutcome> {
  const now = ports.clock.now().toISOString();
  const owner = parseUserId(effect.ownerId)!;
  const zone = (await ports.directory.getTimeZone(owner)) ?? 'UTC';
  // A task-like reminder: 09:00–09:15 on the due date in the owner's zone, shown as free so it blocks nothing.
  const start = DateTime.fromISO(`${effect.dueDate}T09:00`, { zone });
  const participant = (await personOf(experiment.participantId, ports)).name;
  const [created] = await ports.calendar.createEvents(owner, [{
    transactionId: effect.transactionId,
    subject: `Due: paid licence decision — ${effect.tool} (${effect.seats} seats)`,
    bodyHtml: `<p>From the shareback of <b>${escapeHtml(round.name)}</b> (${escapeHtml(participant)}'s experiment): ${effect.seats} seats of ${escapeHtml(effect.tool)}, to be approved by ${escapeHtml(effect.approver)}. This is due today.</p>`,
    start: start.toUTC().toISO()!, end: start.plus({ minutes: 15 }).toUTC().toISO()!, showAs: 'free', categories: [PRACTICE_CATEGORY], reminderMinutesBeforeStart: 0,
  }]);
  return { status: 'done', detail: `Reminder on ${effect.dueDate} in the owner's calendar.`, ref: created?.eventId ?? null, mailbox: owner, at: now };
}

/**
 * The participant hears the decision in chat: the notice job renders it from the experiment as it then stands. Queued
 * before the log records it done (not through an outbox): a crash before the log is written leaves the effect to run
 * again when the effects job is redelivered, and the notice sends once per job id, so nothing is lost or sent twice.
 */
async function notifyParticipant(effect: Extract<DecisionEffect, { kind: 'notify-participant' }>, experiment: Experiment, ports: UseCasePorts): Promise<EffectOutcome> {
  await sendEffects(ports, [jobEffect('decision.notice', effect.id, { roundId: experiment.roundId, participantId: experiment.participantId })]);
  return { status: 'done', detail: 'Told in chat.', ref: null, at: ports.clock.now().toISOString() };
}

export type EffectsRunResult = { readonly ran: string[]; readonly skipped: string[] };

/**
 * Carries out the current decision's effects that have not succeeded yet (the log says which did), so a
 * retried or duplicated job repeats nothing; Graph creates carry deterministic transactionIds besides.
 */
export async function runDecisionEffects(roundId: RoundId, participantId: UserId, ports: UseCasePorts): Promise<EffectsRunResult> {
  const [round, stored, log] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId), ports.sharebackSessions.getEffects(roundId, participantId)]);
  if (!round || !stored || stored.experiment.state !== 'decided') return { ran: [], skipped: [] };
  const experiment = stored.experiment;
  const ran: string[] = [];
  const skipped: string[] = [];
  const effects = decisionEffects(experiment);
  // An edit that changed the outcome (or moved the licence date): events booked for the old decision come out.
  const current = new Set(effects.map((e) => e.id));
  for (const [id, outcome] of Object.entries(log?.value.outcomes ?? {})) {
    const booked = (id.startsWith('followup:') || id.startsWith('licence:')) && outcome.status === 'done' && outcome.ref && outcome.mailbox;
    const stillWanted = current.has(id) || (id.startsWith('followup:') && experiment.decision?.outcome === 'manager-follow-up');
    if (!booked || stillWanted) continue;
    await ports.calendar.deleteEvent(parseUserId(outcome.mailbox)!, outcome.ref!);
    await recordOutcome(roundId, participantId, id, { ...outcome, status: 'cancelled', detail: `Removed from the calendar: the decision changed. (${outcome.detail})`, at: ports.clock.now().toISOString() }, ports);
    ran.push(id);
  }
  for (const effect of effects) {
    const previous = log?.value.outcomes[effect.id];
    // Done or waiting for the owner: nothing to repeat. Failed, or cancelled by an earlier edit and chosen again: run it.
    if (previous && previous.status !== 'failed' && previous.status !== 'cancelled') {
      skipped.push(effect.id);
      continue;
    }
    let outcome: EffectOutcome;
    try {
      outcome = effect.kind === 'notify-participant' ? await notifyParticipant(effect, experiment, ports)
        : effect.kind === 'book-follow-up' ? await bookFollowUp(effect, round.round, experiment, ports)
          : effect.kind === 'carry-over' ? await carryOver(effect, round.round, experiment, ports)
            : await licenceReminder(effect, round.round, experiment, ports);
    } catch (error) {
      // An effect that cannot run (its owner left the company, a mailbox is gone) is recorded with its reason, shown
      // in the meeting tab and the owner view, and tried again when an owner retries after correcting the decision;
      // it never poisons the job or the retry route.
      outcome = { status: 'failed', detail: await whyEffectFailed(error, experiment, ports), ref: null, at: ports.clock.now().toISOString() };
    }
    // The owner who decided (or the round's first owner) is asked: pick a time, or create the next round. Once per
    // outcome, saved with it (the log's outbox): a retried job skips an effect that needs the owner, so it must not be lost.
    const ownerId = parseUserId(experiment.decision!.by) ?? round.round.ownerIds[0]!;
    const askOwner = outcome.status === 'needs-owner' && (effect.kind === 'book-follow-up' || effect.kind === 'carry-over')
      ? [jobEffect('decision.needs-owner', `needs-owner:${effect.id}:${outcome.at}`, { roundId, participantId, effect: effect.kind, ownerId, reason: outcome.detail })] : [];
    await recordOutcome(roundId, participantId, effect.id, outcome, ports, askOwner);
    ran.push(effect.id);
  }
  return { ran, skipped };
}

/** A sentence an owner can act on: who is missing from the directory, or what could not be reached. */
async function whyEffectFailed(error: unknown, experiment: Experiment, ports: UseCasePorts): Promise<string> {
  const decision = experiment.decision;
  for (const id of [decision?.ownerId, decision?.internalOwnerId, experiment.participantId]) {
    const userId = parseUserId(id);
    // Only a directory that answers "no such person" says they left; a directory that cannot be reached says nothing.
    if (userId && (await ports.directory.getPerson(userId).catch(() => 'unreachable' as const)) === null) {
      return `${userId === experiment.participantId ? 'The participant' : 'The person named in the decision'} (${userId}) is not in the directory any more: correct the decision, then retry.`;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return `Could not be carried out (${message.slice(0, 200)}). Retry it from the meeting tab or the owner view.`;
}

/** No free time was found: the owner picks one (from the card or the tab). Same transactionId: one event however often it is sent. */
export async function pickFollowUpTime(roundId: RoundId, participantId: UserId, start: string, caller: Caller, ports: UseCasePorts): Promise<EffectOutcome | DomainError> {
  const stored = await ports.rounds.get(roundId);
  if (!stored) return domainError('not_found', 'That round does not exist any more.');
  if (!canManageRound(stored.round, caller)) return domainError('forbidden', 'Only the round’s owners can book the follow-up.');
  const at = parseInstant(start);
  if (!at) return domainError('invalid_input', 'Give the start as a date and time.', { fieldErrors: { start: 'Give the start as a date and time.' } });
  if (at.toMillis() <= ports.clock.now().getTime()) return domainError('invalid_input', 'Pick a time in the future.', { fieldErrors: { start: 'Pick a time in the future.' } });
  const experiment = await ports.experiments.get(roundId, participantId);
  const effect = experiment ? decisionEffects(experiment.experiment).find((e) => e.kind === 'book-follow-up') : undefined;
  if (!experiment || !effect || effect.kind !== 'book-follow-up') return domainError('conflict', 'This experiment’s decision is not a manager follow-up (any more).');
  const outcome = await bookFollowUp(effect, stored.round, experiment.experiment, ports, at.toUTC().toISO()!);
  await recordOutcome(roundId, participantId, effect.id, outcome, ports);
  return outcome;
}

/** Owner: run the effects that still need doing (after creating the next round, or when one failed). */
export async function retryDecisionEffects(roundId: RoundId, participantId: UserId, caller: Caller, ports: UseCasePorts): Promise<EffectsRunResult | DomainError> {
  const stored = await ports.rounds.get(roundId);
  if (!stored) return domainError('not_found', 'That round does not exist any more.');
  if (!canManageRound(stored.round, caller)) return domainError('forbidden', 'Only the round’s owners can do this.');
  const log = await ports.sharebackSessions.getEffects(roundId, participantId);
  if (log) {
    // Forget the "needs the owner" outcomes so they are tried again.
    const outcomes = Object.fromEntries(Object.entries(log.value.outcomes).filter(([, o]) => o.status !== 'needs-owner'));
    await ports.sharebackSessions.saveEffects({ ...log.value, outcomes }, log.etag);
  }
  return runDecisionEffects(roundId, participantId, ports);
}

/**
 * What the owner's undecided card decides on: the round and the experiment, for the round's owners only (the card
 * names the person, their tool and any decision). not_found when either is gone; forbidden for anyone else.
 */
export async function undecidedDecisionContext(roundId: RoundId, participantId: UserId, caller: Caller, ports: UseCasePorts): Promise<{ round: Round; experiment: Experiment } | DomainError> {
  const [round, stored] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId)]);
  if (!round || !stored) return domainError('not_found', 'This experiment no longer exists.');
  if (!(await mayOnRound(round.round, 'manageRound', caller, ports))) return domainError('forbidden', 'Only the owners of this round can see and record its decisions.');
  return { round: round.round, experiment: stored.experiment };
}

/**
 * What the one-click decision card for an experiment left undecided (and, once decided, what was decided) shows the
 * owners: the fields the card declares (`UndecidedCardFields`, src/cards/undecided.ts), without the form's state.
 * `summary` is empty while undecided, else the recorded decision in one line.
 */
export async function undecidedViewFor(round: Round, participantId: string, ports: UseCasePorts) {
  const userId = parseUserId(participantId);
  const stored = userId ? await ports.experiments.get(round.id, userId) : null;
  const experiment = stored?.experiment;
  const names = new Map<string, string>();
  if (experiment?.decision) names.set(experiment.decision.ownerId, (await personOf(experiment.decision.ownerId, ports)).name);
  return {
    roundId: round.id, roundName: round.name, participantId, participantName: (await personOf(participantId, ports)).name,
    tool: experiment?.selection ? toolName(experiment.selection.tool) : '', expectedVersion: experiment?.version ?? 0,
    summary: experiment?.decision ? describeDecision(experiment.decision, (id) => names.get(id) ?? id) : '',
    refreshUserIds: round.ownerIds.slice(0, 60), suggestedDueDate: instantOrThrow(ports.clock.now().toISOString()).plus({ days: 14 }).toISODate()!,
  };
}
