import type { UserId } from '../domain/ids';
import type { RoundId } from '../domain/roundIds';
import { effect, queueOf, sendEffects, type Effect } from './jobKinds';
import type { UseCasePorts } from './ports';

/*
 * Effects go out through an outbox. A command that changes an experiment saves the effects of the change (the
 * jobs to queue) as rows beside it, in the same entity-group transaction, then queues them and clears the rows.
 * A crash or a failing queue between the save and the hand-off leaves the rows; a check queued (delayed) before
 * the save finds them and queues them then. Nothing is lost, and a failed save leaves no row to send. The check
 * reads one person's rows by key prefix, so its cost does not grow with the round.
 */

/** Long enough for the save and the hand-off to have finished; short enough that a lost message is late, not gone. */
export const OUTBOX_CHECK_DELAY_IN_MS = 2 * 60_000;

type OutboxPorts = Pick<UseCasePorts, 'experiments' | 'jobs' | 'bookingJobs' | 'outboxChecks' | 'clock'>;

/** Queued before a save that carries effects: the recovery of that save's outbox, whatever happens next. */
export async function scheduleOutboxCheck(roundId: RoundId, participantId: UserId, ports: OutboxPorts): Promise<void> {
  const check = effect('outbox.check', `outbox-check:${roundId}:${participantId}:${ports.clock.now().getTime()}`, { roundId, participantId });
  await sendEffects(ports, [check], { delayInMs: OUTBOX_CHECK_DELAY_IN_MS });
}

/**
 * After the save: queue the effects, then clear their rows. A failure here is not the command's failure (the
 * change is saved and its effects are kept); the scheduled check sends them. True when they went out now.
 */
export async function dispatchOutbox(roundId: RoundId, participantId: UserId, effects: readonly Effect[], ports: OutboxPorts): Promise<boolean> {
  let allSent = true;
  // Queue by queue, each cleared once it is queued (a crash between the two sends it again from the check, same id).
  for (const role of new Set(effects.map((e) => queueOf(e.kind)))) {
    const batch = effects.filter((e) => queueOf(e.kind) === role);
    try {
      await sendEffects(ports, batch);
    } catch {
      allSent = false;
      continue;
    }
    await ports.experiments.clearEffects(roundId, participantId, batch.map((e) => e.id)).catch(() => undefined);
  }
  return allSent;
}

/** The `outbox.check` job: queues whatever the experiment's outbox still holds and clears it; the count it sent. */
export async function recoverOutbox(roundId: RoundId, participantId: UserId, ports: OutboxPorts): Promise<number> {
  const pending = await ports.experiments.pendingEffects(roundId, participantId);
  if (pending.length === 0) return 0;
  // Rows were written from registered effects; a kind this version does not know goes to the jobs queue, whose worker poisons it with the reason.
  await sendEffects(ports, pending as Effect[]);
  await ports.experiments.clearEffects(roundId, participantId, pending.map((job) => job.id));
  return pending.length;
}
