import { formatDateTime, formatDay } from '../cards/format';
import { renderKickoffCard } from '../cards/kickoff';
import type { UserId } from '../domain/ids';
import { roundWindow } from '../domain/round';
import type { JobHandler } from '../ports/jobQueue';
import { handlerFor } from '../usecases/jobKinds';
import { deliverKickoff, deliverKickoffBatch, type KickoffRound } from '../usecases/kickoff';
import type { UseCasePorts } from '../usecases/ports';
import { firstNameOf } from '../usecases/welcomeMember';

/** The kickoff card in the reader's own time zone (their mailbox settings), or the round's when theirs is unknown. */
export async function kickoffCardFor(round: KickoffRound, recipient: { userId: UserId; displayName: string; resent?: boolean }, ports: Pick<UseCasePorts, 'directory' | 'clock'>) {
  return kickoffCardIn(round, { ...recipient, timeZone: await ports.directory.getTimeZone(recipient.userId) }, ports.clock.now().toISOString());
}

/** The kickoff card for a reader whose zone is already known (null: the round's zone). */
export function kickoffCardIn(round: KickoffRound, recipient: { displayName: string; resent?: boolean; timeZone: string | null }, now: string) {
  const zone = recipient.timeZone ?? round.shareback.timeZone;
  const window = roundWindow(round);
  return renderKickoffCard({
    roundId: round.id,
    roundName: round.name,
    firstName: firstNameOf(recipient.displayName),
    windowStart: formatDay(window.start),
    windowEnd: formatDay(window.end),
    weeks: round.window.weeks,
    hoursPerWeek: round.hoursPerWeek,
    shareback: formatDateTime(round.shareback.startsAt, zone),
    resent: recipient.resent ?? false,
    started: now >= window.startsAt,
  });
}

export function kickoffHandler(ports: UseCasePorts, maxAttempts: number): JobHandler {
  return handlerFor('kickoff.send', async ({ roundId, userId }, _job, context) => {
    await deliverKickoff(roundId, userId, ports, {
      attempt: context.attempt,
      maxAttempts,
      renderCard: (round, recipient) => kickoffCardFor(round, recipient, ports),
    });
  });
}

/**
 * A group of people's kickoffs (see deliverKickoffBatch). People left `queued` by a failure a later attempt may not
 * have (Graph or the connector still busy after their own retries) make the job fail, so the queue runs it again
 * after its backoff: everyone already sent or failed is skipped then, so only they are tried again.
 */
export function kickoffBatchHandler(ports: UseCasePorts, maxAttempts: number, claimedAtMost = KICKOFF_CLAIMED_AT_MOST): JobHandler {
  const admit = sendWindow(claimedAtMost);
  return handlerFor('kickoff.batch', async (batch, _job, context) => {
    const result = await deliverKickoffBatch(batch, ports, {
      attempt: context.attempt,
      maxAttempts,
      admit,
      renderCard: (round, recipient) => kickoffCardIn(round, recipient, ports.clock.now().toISOString()),
    });
    if (result.retry.length > 0) throw new Error(`${result.retry.length} of ${batch.people.length} kickoffs could not be sent yet; the job runs again for them`);
  });
}

/**
 * People claimed (`sending`) and not yet recorded, per worker process: 40 is 0.8 s of sends at the connector's
 * 50/s, enough to keep it busy while the next group is claimed, and the most a crash can leave `uncertain`.
 */
export const KICKOFF_CLAIMED_AT_MOST = 40;

/** A counting gate: `admit(n)` waits until n more fit under `limit` (a group larger than the limit waits for an empty window). */
function sendWindow(limit: number): (people: number) => Promise<() => void> {
  let inWindow = 0;
  const waiting: { people: number; admit: () => void }[] = [];
  const wake = () => {
    while (waiting.length > 0 && (inWindow === 0 || inWindow + waiting[0]!.people <= limit)) {
      const next = waiting.shift()!;
      inWindow += next.people;
      next.admit();
    }
  };
  return (people) => new Promise((resolve) => {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inWindow -= people;
      wake();
    };
    waiting.push({ people, admit: () => resolve(release) });
    wake();
  });
}
