import { renderDecisionNoticeCard } from '../cards/decisionNotice';
import { renderFollowUpNeedsTimeCard } from '../cards/followUpNeedsTime';
import { renderNoticeCard } from '../cards/notice';
import { renderNoteCard } from '../cards/nudge';
import { describeDecision } from '../domain/decision';
import { instantOrThrow } from '../domain/time';
import { toolName } from '../domain/toolCatalogue';
import type { JobHandler } from '../ports/jobQueue';
import { handlerFor } from '../usecases/jobKinds';
import { sendOnce } from '../usecases/journal';
import { personalConversationOf } from '../usecases/kickoff';
import type { UseCasePorts } from '../usecases/ports';
import { personOf } from '../usecases/sharebackSession';

/*
 * Messages that the decision effects and the manager's note hand off: each job carries ids (and, for the owner's
 * "needs you" card, the reason the effect gave) and renders its card from the state as it is when it runs.
 */

/** The participant hears the decision: what was decided, by whom, and any note (a revision says so). */
export function decisionNoticeHandler(ports: UseCasePorts, settings: { dashboardUrl: string }): JobHandler {
  return handlerFor('decision.notice', async ({ roundId, participantId }) => {
    const [round, stored] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId)]);
    const decision = stored?.experiment.decision;
    if (!round || !stored || !decision) return;
    const names = new Map<string, string>();
    for (const id of [decision.ownerId, decision.internalOwnerId].filter(Boolean) as string[]) names.set(id, (await personOf(id, ports)).name);
    const card = renderDecisionNoticeCard({
      roundName: round.round.name, tool: stored.experiment.selection ? toolName(stored.experiment.selection.tool) : '', revised: decision.revision > 1,
      decision: describeDecision(decision, (id) => names.get(id) ?? id), note: decision.note ?? '', dashboardUrl: settings.dashboardUrl,
    });
    await ports.messenger.sendCard(await personalConversationOf(participantId, round.round, ports), card);
  });
}

/** An effect the app could not carry out alone: the follow-up needs a time picked, or the carry-over needs a next round. */
export function decisionNeedsOwnerHandler(ports: UseCasePorts, settings: { dashboardUrl: string }): JobHandler {
  return handlerFor('decision.needs-owner', async ({ roundId, participantId, effect, ownerId, reason }) => {
    const round = await ports.rounds.get(roundId);
    if (!round) return;
    const participantName = (await personOf(participantId, ports)).name;
    const conversation = await personalConversationOf(ownerId, round.round, ports);
    if (effect === 'carry-over') {
      await ports.messenger.sendCard(conversation, renderNoticeCard({ title: `${participantName}'s next round is waiting`, message: reason }));
      return;
    }
    const timeZone = (await ports.directory.getTimeZone(ownerId)) ?? 'UTC';
    await ports.messenger.sendCard(conversation, renderFollowUpNeedsTimeCard({
      roundId, participantId, participantName, timeZone, reason,
      suggestedDate: instantOrThrow(ports.clock.now().toISOString()).setZone(timeZone).plus({ days: 1 }).toISODate()!, dashboardUrl: settings.dashboardUrl,
    }));
  });
}

/** A manager's note of encouragement to their report: its reminder row is recorded before the send, so it goes out once. */
export function checkInNoteHandler(ports: UseCasePorts): JobHandler {
  return handlerFor('checkin.note', async ({ roundId, userId, key, fromName, text }) => {
    await sendOnce(ports, { userId, kind: 'note', key }, async () => {
      const round = await ports.rounds.get(roundId);
      if (!round) return false;
      await ports.messenger.sendCard(await personalConversationOf(userId, round.round, ports), renderNoteCard({ fromName, text, roundId }));
      return true;
    });
  });
}
