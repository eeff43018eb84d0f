import { createHash } from 'node:crypto';
import { domainError, isDomainError, type DomainError } from '../domain/errors';
import { parseUserId, type UserId } from '../domain/ids';
import { invalidInput } from '../domain/validation';
import { createRound as createRoundInDomain, peopleNamedBy, sameSettings, editRound as editRoundInDomain, openRound as openRoundInDomain, publishPolicyVersion, type CreateRoundInput, type Round, type RoundActor, type RoundChanges, type RoundWithParticipants } from '../domain/round';
import { parseRoundId, type RoundId } from '../domain/roundIds';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../ports/storageErrors';
import type { RoundMember } from '../ports/roundRepo';
import { REFUSALS, roundFor } from './access';
import { kickoffBatchJobs, resendKickoff as resendKickoffTo, type ResendOutcome } from './kickoff';
import { sharebackJob } from './shareback';
import type { Caller, UseCasePorts } from './ports';
import { effect, sendEffects, type Effect } from './jobKinds';
import { dispatchOutbox, scheduleOutboxCheck } from './outbox';
import type { OutboxAddress } from '../ports/outbox';

export const REACKNOWLEDGE_JOB_KIND = 'policy.reacknowledge';
export const POLICY_PUBLISHED_JOB_KIND = 'policy.published';

/** A round's own outbox: beside its settings row, written with each change of it. */
const roundOutbox = (roundId: RoundId): OutboxAddress => ({ record: 'round', roundId });

export type NewRoundInput = Omit<CreateRoundInput, 'id' | 'tenantId' | 'ownerIds'> & { readonly ownerIds?: readonly string[] };

const actorOf = (caller: Caller): RoundActor => ({ userId: caller.userId, isAdmin: caller.isAdmin });

/**
 * The same submission twice (a double click, a retried request) must not make two rounds, so the id
 * is derived from what identifies the request: tenant, creator, name and first day.
 */
export function roundIdFor(caller: Caller, name: string, windowStart: string): RoundId {
  const digest = createHash('sha256').update([caller.tenantId, caller.userId, name.trim().toLowerCase(), windowStart].join('\n')).digest('hex');
  const id = parseRoundId(`r-${digest.slice(0, 20)}`);
  if (!id) throw new Error('a derived round id failed its own format');
  return id;
}

export async function createRound(input: NewRoundInput, caller: Caller, ports: UseCasePorts): Promise<Round | DomainError> {
  if (!caller.mayCreateRounds && !caller.isAdmin) {
    return domainError('forbidden', 'Only programme owners and app admins can start a round. Ask your admin to add you as a programme owner.');
  }
  const id = roundIdFor(caller, typeof input.name === 'string' ? input.name : '', typeof input.window?.start === 'string' ? input.window.start : '');
  const round = createRoundInDomain({ ...input, id, tenantId: caller.tenantId, ownerIds: input.ownerIds ?? [caller.userId] }, actorOf(caller), ports.clock.now().toISOString());
  if (isDomainError(round)) return round;
  const strangers = await notInDirectory(round, ports);
  if (strangers) return strangers;
  try {
    return (await ports.rounds.create(round)).round;
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsError)) throw error;
    const existing = await ports.rounds.getWithParticipants(id);
    if (!existing) throw error;
    // The same request again (a double click, a retry): answer with what the first one made. The same name and
    // first day with other settings is another request: say so rather than drop its settings silently.
    if (sameSettings(existing.round, round)) return existing.round;
    return domainError('conflict', `You already have a round called “${existing.round.name}” starting ${existing.round.window.start}, with other settings. Edit that round, or give this one another name.`);
  }
}

/** A round may name only people in the directory: a mistyped or departed id is refused by name, never stored as a ghost. */
async function notInDirectory(round: Pick<RoundWithParticipants, 'ownerIds' | 'participantIds' | 'managerScopes'>, ports: Pick<UseCasePorts, 'directory'>): Promise<DomainError | null> {
  const named = peopleNamedBy(round);
  const missing: { field: string; id: string }[] = [];
  // A few look-ups at a time: a round of thousands must not flood the directory.
  for (let i = 0; i < named.length; i += 16) {
    const slice = named.slice(i, i + 16);
    const found = await Promise.all(slice.map((entry) => ports.directory.getPerson(entry.id)));
    slice.forEach((entry, index) => { if (!found[index]) missing.push(entry); });
  }
  if (missing.length === 0) return null;
  const idsByField = new Map<string, string[]>();
  for (const { field, id } of missing) idsByField.set(field, [...(idsByField.get(field) ?? []), id]);
  return invalidInput(Object.fromEntries([...idsByField].map(([field, ids]) => [field, ids.length === 1
    ? `No one in your organisation’s directory has the id ${ids[0]}.`
    : `No one in your organisation’s directory has these ids: ${ids.join(', ')}.`])));
}

/**
 * Loads the round, applies a pure change, saves it on the ETag it read; a lost race is retried once from fresh state.
 * `effectsOf` names what the change hands off (from the round as it will be saved): they are saved in the round's
 * outbox in the same transaction, with a delayed check queued first, and returned unsent: the caller hands them off
 * (`dispatchOutbox`) where its work is done, so a job never runs before what it needs is written.
 */
async function changeRound<R>(
  roundId: RoundId,
  ports: UseCasePorts,
  change: (round: RoundWithParticipants) => { round: RoundWithParticipants; changed: boolean; result: R } | DomainError,
  effectsOf: (round: RoundWithParticipants) => readonly Effect[] = () => [],
): Promise<{ round: RoundWithParticipants; result: R; changed: boolean; effects: readonly Effect[] } | DomainError> {
  for (let attempt = 1; ; attempt++) {
    // An owner's command: the only place besides the owner's screens that reads the member list (the update adds named people).
    const stored = await ports.rounds.getWithParticipants(roundId);
    if (!stored) return domainError('not_found', 'That round does not exist, or it was removed.');
    const next = change(stored.round);
    if (isDomainError(next)) return next;
    if (!next.changed) return { round: stored.round, result: next.result, changed: false, effects: [] };
    const effects = effectsOf(next.round);
    // The recovery goes first: if it cannot be queued nothing is saved; if the hand-off after the save fails, it sends the effects.
    if (effects.length > 0) await scheduleOutboxCheck(roundOutbox(roundId), ports);
    try {
      const saved = await ports.rounds.update(next.round, stored.etag, { outbox: effects });
      return { round: saved.round, result: next.result, changed: true, effects };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || attempt >= 2) throw error;
    }
  }
}

export async function editRound(roundId: RoundId, changes: RoundChanges, caller: Caller, ports: UseCasePorts): Promise<Round | DomainError> {
  const named = (list: unknown) => (Array.isArray(list) ? list.map((id) => parseUserId(id)).filter((id): id is UserId => id !== null) : []);
  const strangers = await notInDirectory({ ownerIds: named(changes.ownerIds), participantIds: named(changes.participantIds), managerScopes: named(changes.managerScopes) }, ports);
  if (strangers) return strangers;
  // An owner added to an open round decides at the shareback too: bring its invite list up to date.
  const invitesToUpdate = (round: Round) => (round.status === 'open' && changes.ownerIds !== undefined ? [sharebackJob(roundId, round.version)] : []);
  const outcome = await changeRound(roundId, ports, (round) => {
    const next = editRoundInDomain(round, changes, actorOf(caller), ports.clock.now().toISOString());
    return isDomainError(next) ? next : { round: next, changed: next !== round, result: null };
  }, invitesToUpdate);
  if (isDomainError(outcome)) return outcome;
  if (outcome.changed) await dispatchOutbox(roundOutbox(roundId), outcome.effects, ports);
  // The same owners again (a repeated request): nothing was saved, and the job (idempotent) is simply queued again.
  else await sendEffects(ports, invitesToUpdate(outcome.round));
  return outcome.round;
}

export async function publishPolicy(roundId: RoundId, text: string, caller: Caller, ports: UseCasePorts): Promise<Round | DomainError> {
  const outcome = await changeRound(roundId, ports, (round) => {
    const next = publishPolicyVersion(round, text, actorOf(caller), ports.clock.now().toISOString());
    return isDomainError(next) ? next : { round: next.round, changed: next.changed, result: next.changed };
  }, (round) => {
    // A new version during the round: everyone who already acknowledged is asked again (practice waits until they do).
    // One job for the round, saved with the new version; it asks each person (they may be thousands: more than one
    // transaction holds, so the per-person jobs are queued by the job, not saved here).
    const version = round.policy.versions.at(-1)?.version ?? 0;
    return round.status === 'open' ? [effect(POLICY_PUBLISHED_JOB_KIND, `policy-published:${roundId}:${version}`, { roundId, version })] : [];
  });
  if (isDomainError(outcome)) return outcome;
  await dispatchOutbox(roundOutbox(roundId), outcome.effects, ports);
  return outcome.round;
}

/**
 * The `policy.published` job: everyone who acknowledged an earlier version is asked to confirm this one, one job each.
 * Ids derive from the person and the version, and each sends once, so running this again asks nobody twice.
 */
export async function askToAcknowledgeAgain(roundId: RoundId, version: number, ports: UseCasePorts): Promise<number> {
  const acknowledged = new Set((await ports.acknowledgements.listForRound(roundId)).map((ack) => ack.userId));
  const jobs = [...acknowledged].map((userId) => effect(REACKNOWLEDGE_JOB_KIND, `reack:${roundId}:${userId}:${version}`, { roundId, userId, version }));
  if (jobs.length > 0) await sendEffects(ports, jobs);
  return jobs.length;
}

/**
 * Everyone in scope: the people named, plus everyone under each manager scope (all levels down). The reporting
 * chain is walked a level at a time, each level's managers asked together (Graph JSON batches of 20), so a
 * 2,000-person organisation is a few dozen requests, not one per person. Names come with the listing, so the
 * kickoff jobs carry them.
 */
async function resolveParticipants(round: RoundWithParticipants, ports: UseCasePorts): Promise<{ userId: UserId; via: RoundMember['via']; displayName: string | null }[]> {
  const people = new Map<UserId, { via: RoundMember['via']; displayName: string | null }>(round.participantIds.map((id) => [id, { via: 'named', displayName: null }]));
  const visited = new Set<UserId>();
  let level = [...new Set(round.managerScopes)];
  while (level.length > 0) {
    for (const managerId of level) visited.add(managerId);
    const reportsOf = await ports.directory.listDirectReportsOfMany(level);
    const next: UserId[] = [];
    for (const managerId of level) {
      for (const report of reportsOf.get(managerId) ?? []) {
        const known = people.get(report.id);
        if (!known) people.set(report.id, { via: 'manager', displayName: report.displayName });
        else if (known.displayName === null) people.set(report.id, { ...known, displayName: report.displayName });
        if (!visited.has(report.id)) { visited.add(report.id); next.push(report.id); }
      }
    }
    level = next;
  }
  return [...people].map(([userId, person]) => ({ userId, ...person }));
}

export interface OpenRoundOutcome {
  readonly round: Round;
  readonly alreadyOpen: boolean;
  /** Kickoff jobs handed to the workers by this call (people still waiting for their kickoff). */
  readonly kickoffsQueued: number;
}

/**
 * Opens the round and hands the kickoffs to the workers, a group of people per job with what their cards need.
 * Opening again is safe: people already messaged (or being messaged) are skipped, and each person's delivery
 * row decides whether anything is sent, whichever job (or duplicate of one) carries them.
 */
export async function openRound(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<OpenRoundOutcome | DomainError> {
  // The shareback goes on everyone's calendar now: saved with the opening in the round's outbox.
  const outcome = await changeRound(roundId, ports, (round) => {
    const next = openRoundInDomain(round, actorOf(caller), ports.clock.now().toISOString());
    return isDomainError(next) ? next : { round: next.round, changed: !next.alreadyOpen, result: next.alreadyOpen };
  }, (round) => [sharebackJob(roundId, round.version)]);
  if (isDomainError(outcome)) return outcome;
  const participants = await resolveParticipants(outcome.round, ports);
  await ports.roundMembers.addQueued(roundId, participants, ports.clock.now().toISOString());
  const names = new Map(participants.map((person) => [person.userId, person.displayName]));
  const waiting = (await ports.roundMembers.list(roundId)).filter((member) => member.delivery === 'queued');
  // The kickoffs are not in the round's outbox: they are cut from member rows written after the round row (another
  // table), a round's hundreds of them do not fit one transaction, and they need none: a person stays `queued` on
  // their member row until a kickoff claims them, so opening again queues everyone a crash here left waiting (and
  // each member row lets one kickoff through, whichever job carries them).
  await sendEffects(ports, kickoffBatchJobs(outcome.round, waiting.map((member) => ({ userId: member.userId, displayName: names.get(member.userId) ?? null }))));
  // Handed off once the members are written, so the invite list has them; re-run on every open so people added later are invited.
  if (outcome.changed) await dispatchOutbox(roundOutbox(roundId), outcome.effects, ports);
  else await sendEffects(ports, [sharebackJob(roundId, outcome.round.version)]);
  return { round: outcome.round, alreadyOpen: outcome.result, kickoffsQueued: waiting.length };
}

/** An owner resends the kickoff to everyone whose delivery failed or is uncertain (REST, the round card and the tab). */
export async function resendKickoff(roundId: RoundId, who: 'failed' | 'uncertain', caller: Caller, ports: UseCasePorts): Promise<ResendOutcome | DomainError> {
  const round = await roundFor(roundId, 'manageRound', REFUSALS.manageRound, caller, ports);
  if (isDomainError(round)) return round;
  if (round.status !== 'open') return domainError('conflict', 'Kickoff messages go out when the round opens; open it first.');
  return resendKickoffTo(round, who, ports);
}
