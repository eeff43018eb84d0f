import { roundWindow, type Round } from '../../domain/round';
import type { UserId } from '../../domain/ids';
import type { RoundId } from '../../domain/roundIds';
import type { Experiment } from '../../domain/experiment';
import type { DomainError } from '../../domain/errors';
import { isDomainError } from '../../domain/errors';
import { FUNNEL_STAGE_DEFINITIONS, funnelFactsOf, roundFunnel, type FunnelRow } from '../../domain/funnel';
import type { JournalStats } from '../../ports/journalRepo';
import type { SharebackSummary } from '../../ports/sharebackSessionRepo';
import type { RoundFunnelAnswer } from '../../contracts/owner';
import { roundFor } from '../access';
import type { Caller, UseCasePorts } from '../ports';

/** The funnel by the domain's one definition of each stage (the round report counts the same way). */
export function funnelOf(
  round: Round, members: readonly { userId: UserId }[], experiments: readonly Experiment[], acknowledgements: readonly { userId: UserId }[],
  journalStats: ReadonlyMap<UserId, JournalStats>, summaries: readonly SharebackSummary[], now: string,
): FunnelRow[] {
  const experimentOf = new Map(experiments.map((e) => [e.participantId, e]));
  const acknowledged = new Set(acknowledgements.map((a) => a.userId));
  const ready = new Set(summaries.filter((s) => s.ready).map((s) => s.participantId));
  const windowOpen = now >= roundWindow(round).startsAt;
  return roundFunnel(members.map((m) => funnelFactsOf({
    userId: m.userId, acknowledged: acknowledged.has(m.userId), experiment: experimentOf.get(m.userId) ?? null,
    journalEntries: journalStats.get(m.userId)?.entries ?? 0, summaryReady: ready.has(m.userId), windowOpen,
  })));
}

/** The funnel with everyone at each stage, for the owners' drill-down (names come a page at a time from the people query). */
export async function roundFunnelQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<RoundFunnelAnswer | DomainError> {
  const round = await roundFor(roundId, 'manageRound', 'Only the round’s owners can see the round’s funnel.', caller, ports);
  if (isDomainError(round)) return round;
  const [members, experiments, acknowledgements, journalStats, summaries] = await Promise.all([
    ports.roundMembers.list(round.id), ports.experiments.listForRound(round.id), ports.acknowledgements.listForRound(round.id),
    ports.journals.statsForRound(round.id), ports.sharebackSessions.listSummaries(round.id),
  ]);
  const funnel = funnelOf(round, members, experiments, acknowledgements, journalStats, summaries, ports.clock.now().toISOString());
  return { value: funnel.map((row) => ({ ...row, definition: FUNNEL_STAGE_DEFINITIONS[row.stage] })) };
}
