import { describeDecision } from '../../domain/decision';
import type { UserId } from '../../domain/ids';
import type { Round } from '../../domain/round';
import { effectiveSummary } from '../../domain/summary';
import { instantOrThrow } from '../../domain/time';
import { toolName } from '../../domain/toolCatalogue';
import { coachIsOn } from '../coach';
import { undecidedViewFor } from '../decisions';
import type { ParsedPayloadOf } from '../jobKinds';
import type { UseCasePorts } from '../ports';
import { isPresenting, personOf, refreshSummary } from '../sharebackSession';
import { buildRoundReport } from './roundReport';

/*
 * What the messages of steps 5–6 send, read when their jobs run (see notices.ts for the shape of a view): the
 * summary review, the owners' "not ready", "still undecided" and round report cards, and what a decision tells
 * the participant and, when an effect needs them, the owner.
 */

export interface SharebackNoticeSettings {
  readonly dashboardUrl: string;
}

const item = <D>(to: UserId, round: Round, data: D) => ({ to, round, data });

/** The participant hears the decision: what was decided, by whom, and any note (a revision says so). */
export async function decisionNoticeView({ roundId, participantId }: ParsedPayloadOf<'decision.notice'>, ports: UseCasePorts, settings: SharebackNoticeSettings) {
  const [round, stored] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId)]);
  const decision = stored?.experiment.decision;
  if (!round || !stored || !decision) return [];
  const names = new Map<string, string>();
  for (const id of [decision.ownerId, decision.internalOwnerId].filter(Boolean) as string[]) names.set(id, (await personOf(id, ports)).name);
  return [item(participantId, round.round, {
    roundName: round.round.name, tool: stored.experiment.selection ? toolName(stored.experiment.selection.tool) : '', revised: decision.revision > 1,
    decision: describeDecision(decision, (id) => names.get(id) ?? id), note: decision.note ?? '', dashboardUrl: settings.dashboardUrl,
  })];
}

/** An effect the app could not carry out alone: the follow-up needs a time picked, or the carry-over needs a next round. */
export async function decisionNeedsOwnerView({ roundId, participantId, effect, ownerId, reason }: ParsedPayloadOf<'decision.needs-owner'>, ports: UseCasePorts, settings: SharebackNoticeSettings) {
  const round = await ports.rounds.get(roundId);
  if (!round) return [];
  const participantName = (await personOf(participantId, ports)).name;
  if (effect === 'carry-over') return [item(ownerId, round.round, { effect, participantName, reason })];
  const timeZone = (await ports.directory.getTimeZone(ownerId)) ?? 'UTC';
  return [item(ownerId, round.round, {
    effect, roundId, participantId, participantName, timeZone, reason,
    suggestedDate: instantOrThrow(ports.clock.now().toISOString()).setZone(timeZone).plus({ days: 1 }).toISODate()!, dashboardUrl: settings.dashboardUrl,
  })];
}

/** Before the shareback: the participant reviews their drafted summary (brought up to date with their journal first). */
export async function summaryReviewView({ roundId, participantId }: ParsedPayloadOf<'shareback.summary-review'>, ports: UseCasePorts) {
  const [round, stored] = await Promise.all([ports.rounds.get(roundId), ports.experiments.get(roundId, participantId)]);
  if (!round || !stored || !isPresenting(stored.experiment) || stored.experiment.state === 'decided') return [];
  const summary = (await refreshSummary(stored.experiment, ports)).value;
  return [item(participantId, round.round, {
    roundId, roundName: round.round.name, meetingDate: instantOrThrow(round.round.shareback.startsAt).setZone(round.round.shareback.timeZone).toISODate()!,
    summary: effectiveSummary(summary.draft, summary.edits), ready: summary.ready, coach: coachIsOn(round.round),
  })];
}

/** The day before: the owners hear whose summaries are not ready. */
export async function summariesFlaggedView({ roundId, participantIds }: ParsedPayloadOf<'shareback.summaries-flagged'>, ports: UseCasePorts) {
  const round = await ports.rounds.get(roundId);
  if (!round) return [];
  const people = await Promise.all(participantIds.map(async (id) => ({ name: (await personOf(id, ports)).name })));
  return round.round.ownerIds.map((owner) => item(owner, round.round, { roundName: round.round.name, people }));
}

/** After the meeting: each owner gets one decision card per presenting experiment still undecided. */
export async function undecidedView({ roundId }: ParsedPayloadOf<'shareback.undecided'>, ports: UseCasePorts) {
  const round = await ports.rounds.get(roundId);
  if (!round) return [];
  const undecided = (await ports.experiments.listForRound(roundId)).filter((e) => isPresenting(e) && e.state !== 'decided');
  const cards: Awaited<ReturnType<typeof undecidedViewFor>>[] = [];
  for (const experiment of undecided) cards.push(await undecidedViewFor(round.round, experiment.participantId, ports));
  return round.round.ownerIds.flatMap((owner) => cards.map((card) => item(owner, round.round, card)));
}

/** Once every presenting experiment is decided: the round report to the owners. */
export async function roundReportView({ roundId }: ParsedPayloadOf<'shareback.report'>, ports: UseCasePorts, settings: SharebackNoticeSettings) {
  const round = await ports.rounds.get(roundId);
  if (!round) return [];
  const report = await buildRoundReport(round.round, ports);
  return round.round.ownerIds.map((owner) => item(owner, round.round, { report, reportUrl: settings.dashboardUrl }));
}
