import type { UserId } from '../domain/ids';
import type { Round } from '../domain/round';
import type { RoundId } from '../domain/roundIds';
import type { CardContent } from '../ports/chatMessenger';
import { DeliveryError } from '../ports/chatMessenger';
import type { PersonalConversation } from '../ports/memberRepo';
import { MEMBER_ROWS_PER_UPDATE, type RoundMember, type StoredRoundMember } from '../ports/roundRepo';
import { ConcurrencyConflictError } from '../ports/storageErrors';
import type { UseCasePorts } from './ports';
import { sendEffects, type Effect, type ParsedPayloadOf } from './jobKinds';

export const KICKOFF_JOB_KIND = 'kickoff.send';

/** One job per person and send: a resend has its own id, so the queue's duplicate check does not swallow it. */
export function kickoffJob(roundId: RoundId, userId: UserId, resend = 0): Effect<'kickoff.send'> {
  return { kind: KICKOFF_JOB_KIND, id: resend === 0 ? `kickoff:${roundId}:${userId}` : `kickoff:${roundId}:${userId}:resend${resend}`, payload: { roundId, userId } };
}


export type KickoffOutcome = 'sent' | 'already-sent' | 'already-failed' | 'already-uncertain' | 'taken-by-another-worker' | 'not-in-round' | 'failed' | 'uncertain';

/**
 * Finds the person's personal chat with the app: the one they used with the bot, or, for someone who
 * never opened the app, installs it for them through Graph and uses the chat that creates.
 */
export async function personalConversationOf(userId: UserId, round: Pick<Round, 'tenantId'>, ports: UseCasePorts): Promise<PersonalConversation> {
  const member = await ports.members.get(userId);
  if (member) return member.conversation;
  const { chatId } = await ports.installer.ensureInstalledFor(userId);
  return { conversationId: chatId, serviceUrl: ports.botServiceUrl, channelId: 'msteams', botId: ports.botId, tenantId: round.tenantId };
}

export interface DeliverKickoffOptions {
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Builds the person's card (async: it may look up their time zone). */
  readonly renderCard: (round: Round, recipient: { userId: UserId; displayName: string; resent: boolean }) => Promise<CardContent>;
}

/**
 * Sends one person their kickoff card, at most once per round. The member row is the lock:
 *   queued → sending (conditional on its ETag: one worker wins) → sent | failed | back to queued (retry).
 * A row found in `sending` means a worker stopped mid-send: whether the message went out is unknown,
 * so it is marked failed for the owner to look at rather than risk a second message.
 */
export async function deliverKickoff(roundId: RoundId, userId: UserId, ports: UseCasePorts, options: DeliverKickoffOptions): Promise<KickoffOutcome> {
  const stored = await ports.roundMembers.get(roundId, userId);
  if (!stored) return 'not-in-round';
  const now = () => ports.clock.now().toISOString();
  const save = (member: RoundMember, etag: string) => ports.roundMembers.update({ ...member, updatedAt: now() }, etag);

  switch (stored.member.delivery) {
    case 'sent': return 'already-sent';
    case 'failed': return 'already-failed';
    case 'uncertain': return 'already-uncertain';
    case 'sending':
      await save({ ...stored.member, delivery: 'uncertain', deliveryReason: 'Delivery was interrupted; it is not known whether the message arrived. Resend it if the person did not get it.' }, stored.etag);
      return 'uncertain';
    case 'queued': break;
  }

  let claim;
  try {
    claim = await save({ ...stored.member, delivery: 'sending', deliveryAttempts: stored.member.deliveryAttempts + 1 }, stored.etag);
  } catch (error) {
    if (error instanceof ConcurrencyConflictError) return 'taken-by-another-worker';
    throw error;
  }

  // The claimed row's outcome. A participant's acknowledgement (copied onto this row) may change its ETag mid-send;
  // the claim still holds while the row is `sending` on our attempt, so the outcome is written on the fresh row.
  const settle = async (outcome: Partial<RoundMember>) => {
    try {
      await save({ ...claim.member, ...outcome }, claim.etag);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError)) throw error;
      const fresh = await ports.roundMembers.get(roundId, userId);
      if (fresh?.member.delivery !== 'sending' || fresh.member.deliveryAttempts !== claim.member.deliveryAttempts) throw error;
      await save({ ...fresh.member, ...outcome }, fresh.etag);
    }
  };

  let sent = false;
  try {
    const round = await ports.rounds.get(roundId);
    if (!round) throw new DeliveryError('The round no longer exists.', false);
    const person = await ports.directory.getPerson(userId);
    if (!person) throw new DeliveryError('This person is no longer in the directory.', false);
    // The chat kept on the row by an earlier kickoff (a resend) needs no lookup at all.
    const conversation = stored.member.chatId
      ? keptConversation(stored.member.chatId, round.round.tenantId, ports)
      : await personalConversationOf(userId, round.round, ports);
    const card = await options.renderCard(round.round, { userId, displayName: person.displayName, resent: (stored.member.resends ?? 0) > 0 });
    await ports.messenger.sendCard(conversation, card);
    sent = true;
    await settle({ delivery: 'sent', deliveryReason: null, deliveredAt: now(), chatId: conversation.conversationId });
    return 'sent';
  } catch (error) {
    // Delivered but not recorded: never go back to queued (that would send twice); the row stays `sending`.
    if (sent) throw error;
    const retryable = !(error instanceof DeliveryError) || error.retryable;
    const reason = error instanceof Error ? error.message : String(error);
    if (!retryable || options.attempt >= options.maxAttempts) {
      await settle({ delivery: 'failed', deliveryReason: reason });
      return 'failed';
    }
    // Not sent: back in the queue's hands, which retries with backoff.
    await settle({ delivery: 'queued', deliveryReason: reason });
    throw error;
  }
}

/** People per kickoff job: one Graph JSON batch (20 requests) resolves each step for all of them at once. */
export const KICKOFF_PEOPLE_PER_JOB = 20;

export const KICKOFF_BATCH_JOB_KIND = 'kickoff.batch';

export type KickoffRound = Pick<Round, 'id' | 'tenantId' | 'name' | 'window' | 'hoursPerWeek' | 'shareback'>;
export type KickoffBatchPayload = ParsedPayloadOf<'kickoff.batch'>;

/**
 * The kickoff jobs for the people waiting at open, `KICKOFF_PEOPLE_PER_JOB` to a job. The id names the round and
 * the group's first person, so opening again for the same waiting people makes the same ids.
 */
export function kickoffBatchJobs(round: KickoffRound, people: readonly { userId: UserId; displayName: string | null }[]): Effect<'kickoff.batch'>[] {
  const snapshot = { id: round.id, tenantId: round.tenantId, name: round.name, window: round.window, hoursPerWeek: round.hoursPerWeek, shareback: round.shareback };
  // Groups of neighbours in id order (the member rows' row-key order), so the worker reads a group with one range query.
  const inIdOrder = [...people].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  const jobs: Effect<'kickoff.batch'>[] = [];
  for (let at = 0; at < inIdOrder.length; at += KICKOFF_PEOPLE_PER_JOB) {
    const group = inIdOrder.slice(at, at + KICKOFF_PEOPLE_PER_JOB);
    jobs.push({ kind: KICKOFF_BATCH_JOB_KIND, id: `kickoff:${round.id}:${group[0]!.userId}+${group.length}`, payload: { round: snapshot, people: group } });
  }
  return jobs;
}

export interface DeliverKickoffBatchOptions {
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Builds one person's card; the time zone comes from their mailbox settings (null: the round's zone applies). */
  readonly renderCard: (round: KickoffRound, recipient: { userId: UserId; displayName: string; resent: boolean; timeZone: string | null }) => CardContent;
  /**
   * Waits until this many people may be claimed for sending, and returns the release. The worker bounds how many
   * people are claimed and not yet recorded at once, because those are who a crash leaves `uncertain`.
   */
  readonly admit?: (people: number) => Promise<() => void>;
}

export interface KickoffBatchResult {
  readonly outcomes: ReadonlyMap<UserId, KickoffOutcome>;
  /** People put back to `queued` by a failure that a later attempt may not have (the job must run again for them). */
  readonly retry: readonly UserId[];
}

type Prepared =
  | { readonly kind: 'send'; readonly stored: StoredRoundMember; readonly conversation: PersonalConversation; readonly card: CardContent }
  | { readonly kind: 'not-sent'; readonly stored: StoredRoundMember; readonly reason: string; readonly retryable: boolean };

/**
 * Sends a group of people their kickoff card, at most once each, with the same per-person lock as `deliverKickoff`
 * (queued → sending on the row's ETag → sent | failed | queued). What the batch changes is the cost, not the rule:
 *  1. one read of each person's row (in parallel); rows not `queued` are left alone (`sending` → `uncertain`);
 *  2. before anything is claimed, everything the cards need is resolved for the whole group in Graph JSON batches:
 *     names for people named directly, time zones, and the personal chat — the one stored on the row, the one the
 *     bot knows, or an installation of the app (list, install, list, chat). Nothing here sends, so a crash costs nothing;
 *  3. one entity-group transaction claims everyone ready to send and records everyone who cannot be reached with
 *     their own reason (the chat id is kept on the row, so a resend asks Graph nothing);
 *  4. the cards go out together (the messenger paces them to the connector's limit), and their outcomes are written
 *     in transactions that gather what finished within a fifth of a second.
 * A person's failure never stops the others. A lost ETag race falls back to that person alone, as before.
 */
export async function deliverKickoffBatch(batch: KickoffBatchPayload, ports: UseCasePorts, options: DeliverKickoffBatchOptions): Promise<KickoffBatchResult> {
  const roundId = batch.round.id;
  const now = () => ports.clock.now().toISOString();
  const outcomes = new Map<UserId, KickoffOutcome>();
  const retry: UserId[] = [];
  const rows = await ports.roundMembers.getMany(roundId, batch.people.map((person) => person.userId));

  const queued: StoredRoundMember[] = [];
  const interrupted: StoredRoundMember[] = [];
  for (const { userId } of batch.people) {
    const stored = rows.get(userId);
    if (!stored) { outcomes.set(userId, 'not-in-round'); continue; }
    switch (stored.member.delivery) {
      case 'sent': outcomes.set(userId, 'already-sent'); break;
      case 'failed': outcomes.set(userId, 'already-failed'); break;
      case 'uncertain': outcomes.set(userId, 'already-uncertain'); break;
      case 'sending': interrupted.push(stored); break;
      case 'queued': queued.push(stored); break;
    }
  }
  // A worker stopped between claiming these and recording the send: whether it went out is unknown (decision 0001).
  await writeRows(ports, roundId, interrupted.map((stored) => ({ stored, next: { ...stored.member, delivery: 'uncertain', deliveryReason: INTERRUPTED, updatedAt: now() } })), (userId, written) => { outcomes.set(userId, written ? 'uncertain' : 'taken-by-another-worker'); });
  if (queued.length === 0) return { outcomes, retry };

  const prepared = await prepare(batch, queued, ports, options);

  // One transaction: the claims of everyone ready to send, and the outcome of everyone who cannot be reached.
  const lastAttempt = options.attempt >= options.maxAttempts;
  const release = options.admit ? await options.admit(prepared.filter((item) => item.kind === 'send').length) : () => {};
  try {
    return await claimSendAndRecord(roundId, prepared, ports, lastAttempt, outcomes, retry, now);
  } finally {
    release();
  }
}

async function claimSendAndRecord(roundId: RoundId, prepared: readonly Prepared[], ports: UseCasePorts, lastAttempt: boolean, outcomes: Map<UserId, KickoffOutcome>, retry: UserId[], now: () => string): Promise<KickoffBatchResult> {
  const claimed: { stored: StoredRoundMember; conversation: PersonalConversation; card: CardContent }[] = [];
  await writeRows<Prepared>(ports, roundId, prepared.map((item): RowWrite<Prepared> => {
    const attempts = item.stored.member.deliveryAttempts + 1;
    if (item.kind === 'send') return { stored: item.stored, next: { ...item.stored.member, delivery: 'sending', deliveryAttempts: attempts, chatId: item.conversation.conversationId, updatedAt: now() }, item };
    const delivery = item.retryable && !lastAttempt ? 'queued' : 'failed';
    return { stored: item.stored, next: { ...item.stored.member, delivery, deliveryAttempts: attempts, deliveryReason: item.reason, updatedAt: now() }, item };
  }), (userId, written, entry) => {
    if (!written) { outcomes.set(userId, 'taken-by-another-worker'); return; }
    const item = entry.item!;
    if (item.kind === 'send') claimed.push({ stored: written, conversation: item.conversation, card: item.card });
    else if (written.member.delivery === 'failed') outcomes.set(userId, 'failed');
    else { outcomes.set(userId, 'failed'); retry.push(userId); }
  });

  // The sends, and their outcomes written as they come (coalesced: whatever finished while the previous write ran).
  const settler = createSettler(ports, roundId, outcomes);
  await Promise.all(claimed.map(async ({ stored, conversation, card }) => {
    const userId = stored.member.userId;
    try {
      await ports.messenger.sendCard(conversation, card);
    } catch (error) {
      const retryable = !(error instanceof DeliveryError) || error.retryable;
      const reason = error instanceof Error ? error.message : String(error);
      const giveUp = !retryable || lastAttempt;
      if (!giveUp) retry.push(userId);
      settler.add(stored, { delivery: giveUp ? 'failed' : 'queued', deliveryReason: reason }, 'failed');
      return;
    }
    settler.add(stored, { delivery: 'sent', deliveryReason: null, deliveredAt: now() }, 'sent');
  }));
  await settler.done();
  return { outcomes, retry };
}

/** The personal chat an earlier kickoff kept on the member row: sending to it needs no lookup. */
function keptConversation(chatId: string, tenantId: Round['tenantId'], ports: Pick<UseCasePorts, 'botServiceUrl' | 'botId'>): PersonalConversation {
  return { conversationId: chatId, serviceUrl: ports.botServiceUrl, channelId: 'msteams', botId: ports.botId, tenantId };
}

const INTERRUPTED = 'Delivery was interrupted; it is not known whether the message arrived. Resend it if the person did not get it.';

/** Names, zones and chats for the whole group (Graph JSON batches), then each person's card or the reason they cannot get one. */
async function prepare(batch: KickoffBatchPayload, queued: readonly StoredRoundMember[], ports: UseCasePorts, options: DeliverKickoffBatchOptions): Promise<Prepared[]> {
  const ids = queued.map((stored) => stored.member.userId);
  const givenNames = new Map(batch.people.map((person) => [person.userId, person.displayName]));
  const unnamed = ids.filter((userId) => !givenNames.get(userId));
  const [looked, zones, known] = await Promise.all([
    unnamed.length > 0 ? ports.directory.getPeople(unnamed) : Promise.resolve(new Map<UserId, { displayName: string }>()),
    ports.directory.getTimeZones(ids),
    // A chat found before (kept on the row) or the one the bot has with the person: no Graph install needed.
    Promise.all(queued.map(async (stored) => [stored.member.userId, stored.member.chatId ? null : await ports.members.get(stored.member.userId)] as const)),
  ]);
  const conversationFor = (chatId: string) => keptConversation(chatId, batch.round.tenantId, ports);
  const conversations = new Map<UserId, PersonalConversation>();
  for (const stored of queued) if (stored.member.chatId) conversations.set(stored.member.userId, conversationFor(stored.member.chatId));
  for (const [userId, member] of known) if (member) conversations.set(userId, member.conversation);

  const named = (userId: UserId) => givenNames.get(userId) ?? looked.get(userId)?.displayName ?? null;
  const toInstall = ids.filter((userId) => !conversations.has(userId) && named(userId) !== null);
  const installs = toInstall.length > 0 ? await ports.installer.ensureInstalledForMany(toInstall) : new Map();

  return queued.map((stored): Prepared => {
    const userId = stored.member.userId;
    const displayName = named(userId);
    if (displayName === null) return { kind: 'not-sent', stored, reason: 'This person is no longer in the directory.', retryable: false };
    let conversation = conversations.get(userId);
    if (!conversation) {
      const install = installs.get(userId);
      if (!install) return { kind: 'not-sent', stored, reason: 'The app could not be installed for this person (no answer from Graph).', retryable: true };
      if (!install.ok) return { kind: 'not-sent', stored, reason: install.error.message, retryable: !(install.error instanceof DeliveryError) || install.error.retryable };
      conversation = conversationFor(install.chatId);
    }
    const card = options.renderCard(batch.round, { userId, displayName, resent: (stored.member.resends ?? 0) > 0, timeZone: zones.get(userId) ?? null });
    return { kind: 'send', stored, conversation, card };
  });
}

interface RowWrite<T> { readonly stored: StoredRoundMember; readonly next: RoundMember; readonly item?: T }

/**
 * Conditional writes of many rows of one round in transactions; when a transaction loses an ETag race (someone
 * else changed one of its rows), its rows are written one by one so only the changed person is left out.
 * `done(userId, written)` is told each row's fate: the stored row, or null when someone else changed it first.
 */
async function writeRows<T>(ports: UseCasePorts, roundId: RoundId, writes: readonly RowWrite<T>[], done: (userId: UserId, written: StoredRoundMember | null, entry: RowWrite<T>) => void | Promise<void>): Promise<void> {
  // One transaction at a time, so a conflict in one falls back for its own rows only.
  for (let at = 0; at < writes.length; at += MEMBER_ROWS_PER_UPDATE) await writeRowsOnce(ports, roundId, writes.slice(at, at + MEMBER_ROWS_PER_UPDATE), done);
}

async function writeRowsOnce<T>(ports: UseCasePorts, roundId: RoundId, writes: readonly RowWrite<T>[], done: (userId: UserId, written: StoredRoundMember | null, entry: RowWrite<T>) => void | Promise<void>): Promise<void> {
  if (writes.length === 0) return;
  let stored: StoredRoundMember[] | null = null;
  try {
    stored = await ports.roundMembers.updateMany(roundId, writes.map((write) => ({ member: write.next, etag: write.stored.etag })));
  } catch (error) {
    if (!(error instanceof ConcurrencyConflictError)) throw error;
  }
  if (stored) {
    for (const [index, write] of writes.entries()) await done(write.next.userId, stored[index]!, write);
    return;
  }
  await Promise.all(writes.map(async (write) => {
    let written: StoredRoundMember | null;
    try {
      written = await ports.roundMembers.update(write.next, write.stored.etag);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError)) throw error;
      written = null;
    }
    await done(write.next.userId, written, write);
  }));
}

const SETTLE_GATHER_MS = 200;

/**
 * Writes send outcomes on the claimed rows, coalescing: outcomes that finish within a fifth of a second of each other
 * (or while a write runs) go together in one transaction. A claimed row whose ETag changed mid-send (a participant's
 * acknowledgement copied onto it) is written on the fresh row while it is still `sending` on our attempt.
 */
function createSettler(ports: UseCasePorts, roundId: RoundId, outcomes: Map<UserId, KickoffOutcome>) {
  let pending: { stored: StoredRoundMember; outcome: Partial<RoundMember>; result: KickoffOutcome }[] = [];
  let writing: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failure: unknown = null;
  const now = () => ports.clock.now().toISOString();

  async function flush(): Promise<void> {
    const taking = pending;
    pending = [];
    if (taking.length === 0) return;
    try {
      await writeRows(ports, roundId, taking.map((entry) => ({ stored: entry.stored, next: { ...entry.stored.member, ...entry.outcome, updatedAt: now() }, item: entry })), async (userId, written, write) => {
        outcomes.set(userId, write.item!.result);
        if (written) return;
        const fresh = await ports.roundMembers.get(roundId, userId);
        if (fresh?.member.delivery !== 'sending' || fresh.member.deliveryAttempts !== write.stored.member.deliveryAttempts) {
          throw new ConcurrencyConflictError('round member');
        }
        await ports.roundMembers.update({ ...fresh.member, ...write.item!.outcome, updatedAt: now() }, fresh.etag);
      });
    } catch (error) {
      failure ??= error;
    }
  }

  return {
    add(stored: StoredRoundMember, outcome: Partial<RoundMember>, result: KickoffOutcome) {
      pending.push({ stored, outcome, result });
      // Gather for a moment (a fifth of a second is ten sends at 50/s) so one transaction carries several outcomes.
      timer ??= setTimeout(() => { timer = undefined; writing = writing.then(flush); }, SETTLE_GATHER_MS);
    },
    /** Every outcome written; a write that failed is thrown (those rows stay `sending`: uncertain, never sent twice). */
    async done() {
      if (timer) { clearTimeout(timer); timer = undefined; }
      writing = writing.then(flush);
      await writing;
      if (failure) throw failure;
    },
  };
}

export interface ResendOutcome {
  /** People whose kickoff is queued again by this resend. */
  readonly requeued: number;
  /** People in that state who were not requeued because something else changed their row first (a concurrent resend). */
  readonly skipped: number;
}

/**
 * An owner resends the kickoff to everyone whose delivery failed, or whose delivery is uncertain (a worker
 * stopped mid-send), in one action. Each person's row goes back to `queued` on the ETag it was read with and
 * counts the resend, so two owners clicking at once requeue each person once, and the usual
 * queued → sending → sent claim still sends at most once per person per resend.
 */
export async function resendKickoff(round: Round, who: 'failed' | 'uncertain', ports: UseCasePorts): Promise<ResendOutcome> {
  const now = ports.clock.now().toISOString();
  const jobs: Effect[] = [];
  let skipped = 0;
  // An owner's action over the round's members: the one place (with the owner's screens) that lists them.
  for (const member of await ports.roundMembers.list(round.id)) {
    if (member.delivery !== who) continue;
    const stored = await ports.roundMembers.get(round.id, member.userId);
    if (!stored || stored.member.delivery !== who) { skipped++; continue; }
    const resends = (stored.member.resends ?? 0) + 1;
    try {
      await ports.roundMembers.update({ ...stored.member, delivery: 'queued', deliveryReason: null, resends, updatedAt: now }, stored.etag);
    } catch (error) {
      if (error instanceof ConcurrencyConflictError) { skipped++; continue; }
      throw error;
    }
    jobs.push(kickoffJob(round.id, member.userId, resends));
  }
  // The rows say queued before the jobs exist: a crash in between leaves them queued, and opening the round
  // again (or the next resend of "queued" people by re-opening) sends them.
  if (jobs.length > 0) await sendEffects(ports, jobs);
  return { requeued: jobs.length, skipped };
}
