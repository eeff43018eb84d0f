import type { UserId } from '../domain/ids';
import type { Round } from '../domain/round';
import type { RoundId } from '../domain/roundIds';
import type { CardContent } from '../ports/chatMessenger';
import { DeliveryError } from '../ports/chatMessenger';
import type { PersonalConversation } from '../ports/memberRepo';
import type { RoundMember } from '../ports/roundRepo';
import { ConcurrencyConflictError } from '../ports/storageErrors';
import type { UseCasePorts } from './ports';
import { sendEffects, type Effect } from './jobKinds';

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
    const conversation = await personalConversationOf(userId, round.round, ports);
    const card = await options.renderCard(round.round, { userId, displayName: person.displayName, resent: (stored.member.resends ?? 0) > 0 });
    await ports.messenger.sendCard(conversation, card);
    sent = true;
    await settle({ delivery: 'sent', deliveryReason: null, deliveredAt: now() });
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
