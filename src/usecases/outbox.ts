import type { UserId } from '../domain/ids';
import type { RoundId } from '../domain/roundIds';
import type { OutboxAddress } from '../ports/outbox';
import { effect, queueOf, sendEffects, type Effect } from './jobKinds';
import type { UseCasePorts } from './ports';

/*
 * Effects go out through an outbox. A use case that changes a record (an experiment, a booking, a round, a decision's
 * effects log, a summary, the shareback session) saves the effects of the change (the jobs to queue) as rows beside
 * the record, in the same entity-group transaction, then queues them and clears the rows. A crash or a failing queue
 * between the save and the hand-off leaves the rows; a check queued (delayed) before the save finds them and queues
 * them then. Nothing is lost, and a failed save leaves no row to send. The check reads one record's rows by key
 * prefix, so its cost does not grow with the round.
 */

/** Long enough for the save and the hand-off to have finished; short enough that a lost message is late, not gone. */
export const OUTBOX_CHECK_DELAY_IN_MS = 2 * 60_000;

type OutboxPorts = Pick<UseCasePorts, 'outbox' | 'jobs' | 'bookingJobs' | 'outboxChecks' | 'clock'>;

/** A name for the address in a check's id (the id only has to differ between checks). */
function addressKey(address: OutboxAddress): string {
  return 'participantId' in address ? `${address.record}:${address.roundId}:${address.participantId}` : `${address.record}:${address.roundId}`;
}

/** Queued before a save that carries effects: the recovery of that save's outbox, whatever happens next. */
export async function scheduleOutboxCheck(address: OutboxAddress, ports: OutboxPorts): Promise<void> {
  const check = effect('outbox.check', `outbox-check:${addressKey(address)}:${ports.clock.now().getTime()}`, address);
  await sendEffects(ports, [check], { delayInMs: OUTBOX_CHECK_DELAY_IN_MS });
}

/**
 * After the save: queue the effects, then clear their rows. A failure here is not the command's failure (the
 * change is saved and its effects are kept); the scheduled check sends them. True when they went out now.
 */
export async function dispatchOutbox(address: OutboxAddress, effects: readonly Effect[], ports: OutboxPorts): Promise<boolean> {
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
    await ports.outbox.clear(address, batch.map((e) => e.id)).catch(() => undefined);
  }
  return allSent;
}

/**
 * The whole pattern around one save: the check first (if it cannot be queued, nothing is saved), then `save` with
 * the effects to write beside the record, then the hand-off. Without effects it is just the save: no check, no
 * extra round trip. A save that throws (a lost ETag race) wrote no row, and the check finds none.
 */
export async function saveWithEffects<T>(address: OutboxAddress, effects: readonly Effect[], ports: OutboxPorts, save: (outbox: readonly Effect[]) => Promise<T>): Promise<T> {
  if (effects.length === 0) return save(effects);
  await scheduleOutboxCheck(address, ports);
  const saved = await save(effects);
  await dispatchOutbox(address, effects, ports);
  return saved;
}

/** The `outbox.check` job: queues whatever the record's outbox still holds and clears it; the count it sent. */
export async function recoverOutbox(address: OutboxAddress, ports: OutboxPorts): Promise<number> {
  const pending = await ports.outbox.pending(address);
  if (pending.length === 0) return 0;
  // Rows were written from registered effects; a kind this version does not know goes to the jobs queue, whose worker poisons it with the reason.
  await sendEffects(ports, pending as Effect[]);
  await ports.outbox.clear(address, pending.map((job) => job.id));
  return pending.length;
}

/** The outbox of one person's experiment in a round. */
export const experimentOutbox = (roundId: RoundId, participantId: UserId): OutboxAddress => ({ record: 'experiment', roundId, participantId });
