import { formatDateTime, formatDay } from '../cards/format';
import { renderKickoffCard } from '../cards/kickoff';
import type { UserId } from '../domain/ids';
import { roundWindow, type Round } from '../domain/round';
import type { JobHandler } from '../ports/jobQueue';
import { handlerFor } from '../usecases/jobKinds';
import { deliverKickoff } from '../usecases/kickoff';
import type { UseCasePorts } from '../usecases/ports';
import { firstNameOf } from '../usecases/welcomeMember';

/** The kickoff card in the reader's own time zone (their mailbox settings), or the round's when theirs is unknown. */
export async function kickoffCardFor(round: Round, recipient: { userId: UserId; displayName: string; resent?: boolean }, ports: Pick<UseCasePorts, 'directory' | 'clock'>) {
  const zone = (await ports.directory.getTimeZone(recipient.userId)) ?? round.shareback.timeZone;
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
    started: ports.clock.now().toISOString() >= window.startsAt,
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
