import { journalCardFor } from '../cards/journalView';
import { renderDigestCard } from '../cards/checkInDigest';
import { renderNudgeCard } from '../cards/nudge';
import { isDomainError } from '../domain/errors';
import type { UserId } from '../domain/ids';
import type { RoundId } from '../domain/roundIds';
import { wholeDaysBetween } from '../domain/weeklyMoment';
import type { JobHandler } from '../ports/jobQueue';
import { handlerFor } from '../usecases/jobKinds';
import { managerDigest } from '../usecases/checkIns';
import { isPractisingNow, journalView, nudgeKey, promptKey, sendOnce } from '../usecases/journal';
import { personalConversationOf } from '../usecases/kickoff';
import type { UseCasePorts } from '../usecases/ports';

/**
 * The step-4 proactive messages. Each job carries ids only and reads the current state; each send is
 * guarded by a reminder row derived from what it is about (experiment + week, silence start, manager + week),
 * written before the send, so a redelivered job, a second scheduler or a retry after a crash sends once.
 */
async function stillPractising(roundId: RoundId, participantId: UserId, ports: UseCasePorts) {
  const [round, stored] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId)]);
  return round && stored && isPractisingNow(round.round, stored.experiment, ports.clock.now().toISOString()) ? round.round : null;
}

export function journalPromptHandler(ports: UseCasePorts): JobHandler {
  return handlerFor('journal.prompt', async ({ roundId, participantId, weekStart }) => {
    await sendOnce(ports, { userId: participantId, kind: 'prompt', key: promptKey(roundId, weekStart) }, async () => {
      const round = await stillPractising(roundId, participantId, ports);
      if (!round) return false;
      const view = await journalView(roundId, participantId, undefined, ports);
      // Already written this week (via `journal`): no prompt needed.
      if (isDomainError(view) || view.weekStart !== weekStart || view.entry) return false;
      await ports.messenger.sendCard(await personalConversationOf(participantId, round, ports), journalCardFor(view, ports.clock.now().toISOString(), { prompted: true }));
      return true;
    });
  });
}

export function journalNudgeHandler(ports: UseCasePorts): JobHandler {
  return handlerFor('journal.nudge', async ({ roundId, participantId, since }) => {
    await sendOnce(ports, { userId: participantId, kind: 'nudge', key: nudgeKey(roundId, since) }, async () => {
      const round = await stillPractising(roundId, participantId, ports);
      if (!round) return false;
      await ports.messenger.sendCard(await personalConversationOf(participantId, round, ports), renderNudgeCard({ roundId, days: wholeDaysBetween(since, ports.clock.now().toISOString()) }));
      return true;
    });
  });
}

export function digestHandler(ports: UseCasePorts): JobHandler {
  return handlerFor('checkin.digest', async ({ managerId, weekStart }) => {
    await sendOnce(ports, { userId: managerId, kind: 'digest', key: weekStart }, async () => {
      const lines = await managerDigest(managerId, ports);
      if (lines.length === 0) return false;
      const round = await ports.rounds.get(lines[0]!.roundId as RoundId);
      if (!round) return false;
      const manager = await ports.directory.getPerson(managerId);
      await ports.messenger.sendCard(await personalConversationOf(managerId, round.round, ports), renderDigestCard({ managerName: manager?.displayName ?? '', lines }));
      return true;
    });
  });
}
