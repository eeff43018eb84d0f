import type { UserId } from '../../domain/ids';
import { currentPolicyVersion, type Round } from '../../domain/round';
import { experimentIdFor, type RoundId } from '../../domain/roundIds';
import type { ParsedPayloadOf } from '../jobKinds';
import type { UseCasePorts } from '../ports';
import { reviewViewerFor } from '../reviewView';

/*
 * What each message kind sends, read from the state as it is when its job runs: one item per card, with its
 * recipient, the round (whose tenant a new chat opens in) and the card's data; [] when nothing should go out.
 * A job carries ids, so a late or repeated job tells the truth as it is now. The cards that render these items are
 * named beside each kind in src/jobs/registry.ts; the data here has the shape each card declares (use cases do not
 * import cards: the registry, where view and card meet, checks that they fit).
 */

export interface NoticeSettings {
  readonly dashboardUrl: string;
}

const item = <D>(to: UserId, round: Round, data: D) => ({ to, round, data });

async function loadExperiment({ roundId, participantId }: { roundId: RoundId; participantId: UserId }, ports: UseCasePorts) {
  const [round, stored] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId)]);
  return round && stored ? { round: round.round, experiment: stored.experiment } : null;
}

/** The review request to the manager the plan was submitted to, as they see it now. */
export async function reviewRequestView(payload: ParsedPayloadOf<'review.request'>, ports: UseCasePorts) {
  const loaded = await loadExperiment(payload, ports);
  // Withdrawn, re-submitted to someone else, or already decided: the newer job (or nobody) speaks.
  if (!loaded || loaded.experiment.state !== 'submitted' || !loaded.experiment.reviewerId) return [];
  const { round, experiment } = loaded;
  const reviewer = experiment.reviewerId!;
  const viewer = await reviewViewerFor(round, experiment, { userId: reviewer, isAdmin: false }, ports);
  return [item(reviewer, round, { round, experiment, viewer, now: ports.clock.now().toISOString() })];
}

/** The participant hears the manager's review: changes asked for, or approved. */
export async function planNoticeView(payload: ParsedPayloadOf<'plan.notice'>, ports: UseCasePorts) {
  const loaded = await loadExperiment(payload, ports);
  if (!loaded) return [];
  const { round, experiment } = loaded;
  const review = experiment.reviews.at(-1);
  if (!review) return [];
  const reviewerName = (await ports.directory.getPerson(review.by))?.displayName ?? 'Your manager';
  if (experiment.state === 'changes_requested') {
    return [item(experiment.participantId, round, { kind: 'changes_requested' as const, reviewerName, comment: review.comment, roundId: round.id })];
  }
  if (experiment.state === 'approved' || experiment.state === 'practising') {
    return [item(experiment.participantId, round, { kind: 'approved' as const, reviewerName, comment: review.comment || undefined })];
  }
  return [];
}

/** "Please confirm the new policy", to someone who confirmed an earlier version. */
export async function reacknowledgeView(payload: ParsedPayloadOf<'policy.reacknowledge'>, ports: UseCasePorts, settings: NoticeSettings) {
  const { roundId, userId } = payload;
  const stored = await ports.rounds.get(roundId);
  const policy = stored ? currentPolicyVersion(stored.round) : null;
  // A newer version was published since this job was queued: that version's job asks instead.
  if (!stored || !policy || policy.version !== payload.version) return [];
  const previous = await ports.acknowledgements.latest(roundId, userId);
  if (previous && previous.policyVersion >= policy.version) return [];
  return [item(userId, stored.round, {
    roundId, roundName: stored.round.name, catalogue: stored.round.catalogue, fullPolicyUrl: settings.dashboardUrl,
    policy: { version: policy.version, text: policy.text, publishedAt: policy.publishedAt },
    previousVersion: previous?.policyVersion,
    values: previous ? { toolId: previous.toolId ?? 'other', otherToolName: previous.otherToolName ?? undefined } : undefined,
  })];
}

/** "Your practice time is booked" to the participant; their manager hears of weeks the calendar could not hold. */
export async function bookedNoticeView({ roundId, participantId }: ParsedPayloadOf<'booking.notice'>, ports: UseCasePorts) {
  const [round, booking] = await Promise.all([ports.rounds.get(roundId), ports.bookings.get(experimentIdFor(roundId, participantId))]);
  if (!round || booking?.status !== 'booked') return [];
  const booked = item(participantId, round.round, {
    card: 'booked' as const,
    blocks: booking.blocks.length, timeZone: booking.timeZone, reason: booking.reason,
    weeks: booking.weeks.map((week) => ({ week: week.week, plannedMinutes: week.plannedMinutes, shortfall: week.shortfall })),
  });
  // The manager hears only of weeks their report's calendar could not hold, not of time that had passed (a round
  // joined late, a week already under way): rows written before causes were kept count as the calendar's.
  const shortfalls = booking.weeks.filter((week) => week.shortfall !== null && week.shortfallCause !== 'past').map((week) => week.shortfall!);
  const manager = shortfalls.length > 0 ? await ports.directory.getManager(participantId) : null;
  if (!manager) return [booked];
  const person = await ports.directory.getPerson(participantId);
  return [booked, item(manager.id, round.round, { card: 'calendar full' as const, personName: person?.displayName ?? null, shortfalls })];
}

/** After the daily check moved or dropped blocks: the participant hears what moved; their manager hears when time could not be found. */
export async function timeMovedNoticeView(payload: ParsedPayloadOf<'calendar.moved'>, ports: UseCasePorts) {
  const { roundId, participantId } = payload;
  const stored = await ports.rounds.get(roundId);
  if (!stored) return [];
  const timeZone = (await ports.directory.getTimeZone(participantId)) ?? stored.round.shareback.timeZone;
  const moved = item(participantId, stored.round, { card: 'moved' as const, roundId, timeZone, moved: payload.moved, unplaced: payload.unplaced });
  const manager = payload.unplaced.length > 0 ? await ports.directory.getManager(participantId) : null;
  if (!manager) return [moved];
  const person = await ports.directory.getPerson(participantId);
  return [moved, item(manager.id, stored.round, { card: 'time lost' as const, personName: person?.displayName ?? null, unplaced: payload.unplaced.length })];
}
