import { formatDateTime, formatDay, formatMinutes } from '../cards/format';
import { renderNoticeCard } from '../cards/notice';
import { renderTimeMovedCard } from '../cards/timeMoved';
import { renderAcknowledgementCard } from '../cards/acknowledgement';
import { renderPlanStatusCard } from '../cards/planStatus';
import { reviewCardFor } from '../cards/reviewView';
import { reviewViewerFor } from '../usecases/reviewView';
import type { UserId } from '../domain/ids';
import { currentPolicyVersion } from '../domain/round';
import { experimentIdFor, type RoundId } from '../domain/roundIds';
import type { JobHandler } from '../ports/jobQueue';
import { handlerFor } from '../usecases/jobKinds';
import { personalConversationOf } from '../usecases/kickoff';
import type { UseCasePorts } from '../usecases/ports';

/**
 * Proactive messages after a plan changes hands: the review request to the manager, the outcome to the
 * participant, and "please confirm the new policy" after a new version. Each job carries ids only and
 * reads the current state, so a late or repeated job tells the truth as it is now.
 */
async function load({ roundId, participantId }: { roundId: RoundId; participantId: UserId }, ports: UseCasePorts) {
  const [round, stored] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId)]);
  return round && stored ? { round: round.round, experiment: stored.experiment } : null;
}

export function reviewRequestHandler(ports: UseCasePorts): JobHandler {
  return handlerFor('review.request', async (payload) => {
    const loaded = await load(payload, ports);
    // Withdrawn, re-submitted to someone else, or already decided: the newer job (or nobody) speaks.
    if (!loaded || loaded.experiment.state !== 'submitted' || !loaded.experiment.reviewerId) return;
    const { round, experiment } = loaded;
    const reviewer = experiment.reviewerId!;
    const card = reviewCardFor(round, experiment, await reviewViewerFor(round, experiment, { userId: reviewer, isAdmin: false }, ports), ports.clock.now().toISOString());
    await ports.messenger.sendCard(await personalConversationOf(reviewer, round, ports), card);
  });
}

export function planNoticeHandler(ports: UseCasePorts): JobHandler {
  return handlerFor('plan.notice', async (payload) => {
    const loaded = await load(payload, ports);
    if (!loaded) return;
    const { round, experiment } = loaded;
    const review = experiment.reviews.at(-1);
    if (!review) return;
    const reviewerName = (await ports.directory.getPerson(review.by))?.displayName ?? 'Your manager';
    const card = experiment.state === 'changes_requested'
      ? renderPlanStatusCard({ kind: 'changes_requested', reviewerName, comment: review.comment, roundId: round.id })
      : experiment.state === 'approved' || experiment.state === 'practising'
        ? renderPlanStatusCard({ kind: 'approved', reviewerName, comment: review.comment || undefined })
        : null;
    if (card) await ports.messenger.sendCard(await personalConversationOf(experiment.participantId, round, ports), card);
  });
}

export function reacknowledgeHandler(ports: UseCasePorts, settings: { dashboardUrl: string }): JobHandler {
  return handlerFor('policy.reacknowledge', async (payload) => {
    const { roundId, userId } = payload;
    const stored = await ports.rounds.get(roundId);
    const policy = stored ? currentPolicyVersion(stored.round) : null;
    // A newer version was published since this job was queued: that version's job asks instead.
    if (!stored || !policy || policy.version !== payload.version) return;
    const previous = await ports.acknowledgements.latest(roundId, userId);
    if (previous && previous.policyVersion >= policy.version) return;
    const card = renderAcknowledgementCard({
      roundId, roundName: stored.round.name, catalogue: stored.round.catalogue, fullPolicyUrl: settings.dashboardUrl,
      policy: { version: policy.version, text: policy.text, publishedOn: formatDay(policy.publishedAt.slice(0, 10)) },
      previousVersion: previous?.policyVersion,
      values: previous ? { toolId: previous.toolId ?? 'other', otherToolName: previous.otherToolName ?? undefined } : undefined,
    });
    await ports.messenger.sendCard(await personalConversationOf(userId, stored.round, ports), card);
  });
}

/** "Your practice time is booked": blocks per week in the person's zone, and any week that fell short (their manager hears too). */
export function bookedNoticeHandler(ports: UseCasePorts): JobHandler {
  return handlerFor('booking.notice', async ({ roundId, participantId }) => {
    const [round, booking] = await Promise.all([ports.rounds.get(roundId), ports.bookings.get(experimentIdFor(roundId, participantId))]);
    if (!round || booking?.status !== 'booked') return;
    const lines = booking.weeks.map((week) => week.shortfall ?? `Week ${week.week}: ${formatMinutes(week.plannedMinutes)} booked`);
    // The manager hears only of weeks their report's calendar could not hold, not of time that had passed (a round
    // joined late, a week already under way): rows written before causes were kept count as the calendar's.
    const shortfalls = booking.weeks.filter((week) => week.shortfall !== null && week.shortfallCause !== 'past').map((week) => week.shortfall!);
    await ports.messenger.sendCard(await personalConversationOf(participantId, round.round, ports), renderNoticeCard({
      title: 'Your practice time is in your calendar',
      message: [`${booking.blocks.length} blocks are booked as busy in Outlook, in your working hours (${booking.timeZone}). Move one if you must, but keep the time.`, ...lines, booking.reason ?? ''].filter(Boolean).join('\n\n'),
    }));
    const manager = shortfalls.length > 0 ? await ports.directory.getManager(participantId) : null;
    if (manager) {
      const person = await ports.directory.getPerson(participantId);
      await ports.messenger.sendCard(await personalConversationOf(manager.id, round.round, ports), renderNoticeCard({
        title: `${person?.displayName ?? 'Your report'}'s calendar is full in places`,
        message: [`Not all of the protected practice time fitted into ${person?.displayName ?? 'their'} calendar:`, ...shortfalls, 'Freeing an hour or moving a deadline is the most useful thing you can do for their experiment.'].join('\n\n'),
      }));
    }
  });
}

/** After the daily check moved or dropped blocks: the participant hears what moved; their manager hears when time could not be found. */
export function timeMovedNoticeHandler(ports: UseCasePorts): JobHandler {
  return handlerFor('calendar.moved', async (payload) => {
    const { roundId, participantId } = payload;
    const stored = await ports.rounds.get(roundId);
    if (!stored) return;
    const zone = (await ports.directory.getTimeZone(participantId)) ?? stored.round.shareback.timeZone;
    const when = (instant: string) => formatDateTime(instant, zone);
    await ports.messenger.sendCard(await personalConversationOf(participantId, stored.round, ports), renderTimeMovedCard({
      roundId,
      moves: payload.moved.map((m) => ({ from: when(m.from), to: when(m.to), week: m.week, index: m.index, fromStart: m.from, fromEnd: m.fromEnd })),
      unplaced: payload.unplaced.map((start) => ({ when: when(start) })),
    }));
    const manager = payload.unplaced.length > 0 ? await ports.directory.getManager(participantId) : null;
    if (manager) {
      const person = await ports.directory.getPerson(participantId);
      await ports.messenger.sendCard(await personalConversationOf(manager.id, stored.round, ports), renderNoticeCard({
        title: `${person?.displayName ?? 'Your report'} lost practice time`,
        message: [`There was no free time left to re-book ${payload.unplaced.length === 1 ? 'a practice block' : `${payload.unplaced.length} practice blocks`} this week.`, 'A word about priorities, or a deadline moved, protects the experiment.'].join('\n\n'),
      }));
    }
  });
}
