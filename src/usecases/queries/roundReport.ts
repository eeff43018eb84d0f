import { capabilityMap, type CapabilityHolder } from '../../domain/capability';
import { isDomainError, type DomainError } from '../../domain/errors';
import type { Experiment } from '../../domain/experiment';
import { funnelFactsOf, roundFunnel } from '../../domain/funnel';
import { practiceHoursByWeek } from '../../domain/practiceHours';
import { roundWindow, type Round } from '../../domain/round';
import type { RoundId } from '../../domain/roundIds';
import { roundHolders, roundReport, type ReportExperiment, type RoundReport } from '../../domain/roundReport';
import { effectiveSummary } from '../../domain/summary';
import { toolName } from '../../domain/toolCatalogue';
import type { CapabilityMapAnswer, RoundReportAnswer } from '../../contracts/report';
import { roundFor } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { personOf } from '../sharebackSession';

/**
 * The round report (step 6) and the capability map, for the round's owners. Each figure comes from one
 * partition of this round (experiments, members, bookings, summaries, asset counts, journal stats);
 * "before" is the holders from the owner's earlier rounds (at most 10, each one partition).
 */
const PRACTISED: readonly Experiment['state'][] = ['practising', 'sharing', 'decided'];

async function holdersOf(experiments: readonly Experiment[], ports: UseCasePorts): Promise<CapabilityHolder[]> {
  const facts = await Promise.all(experiments.filter((e) => e.selection).map(async (e) => ({
    participantId: e.participantId as string, team: (await personOf(e.participantId, ports)).team, tool: toolName(e.selection!.tool), state: e.state, decision: e.decision,
  })));
  const teams = new Map<string, string>();
  for (const e of experiments) if (e.decision?.internalOwnerId) teams.set(e.decision.internalOwnerId, (await personOf(e.decision.internalOwnerId, ports)).team);
  return roundHolders(facts, (id) => teams.get(id) ?? '');
}

async function holdersBefore(round: Round, ports: UseCasePorts): Promise<CapabilityHolder[]> {
  const earlier: Round[] = [];
  for (const listing of (await ports.rounds.listForOwner(round.ownerIds[0]!)).slice(0, 30)) {
    if (listing.roundId === round.id) continue;
    const stored = await ports.rounds.get(listing.roundId);
    if (stored && stored.round.window.start < round.window.start) earlier.push(stored.round);
  }
  const holders: CapabilityHolder[] = [];
  for (const other of earlier.sort((a, b) => b.window.start.localeCompare(a.window.start)).slice(0, 10)) {
    holders.push(...(await holdersOf(await ports.experiments.listForRound(other.id), ports)));
  }
  return holders;
}

const REPORT_REFUSAL = 'Only the round’s owners can see the round report and the capability map.';

/** Tools × teams for the owners: this round's holders and those of the owner's earlier rounds. */
export async function capabilityFor(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<CapabilityMapAnswer | DomainError> {
  const round = await roundFor(roundId, 'manageRound', REPORT_REFUSAL, caller, ports);
  if (isDomainError(round)) return round;
  const experiments = (await ports.experiments.listForRound(round.id)).filter((e) => e.state !== 'withdrawn');
  return capabilityMap([...(await holdersBefore(round, ports)), ...(await holdersOf(experiments, ports))]);
}

export async function buildRoundReport(round: Round, ports: UseCasePorts): Promise<RoundReport> {
  const now = ports.clock.now().toISOString();
  const [members, experiments, bookings, summaries, assetCounts, journalStats, acks] = await Promise.all([
    ports.roundMembers.list(round.id), ports.experiments.listForRound(round.id), ports.bookings.listForRound(round.id),
    ports.sharebackSessions.listSummaries(round.id), ports.assets.countsForRound(round.id), ports.journals.statsForRound(round.id),
    ports.acknowledgements.listForRound(round.id),
  ]);
  const experimentOf = new Map(experiments.map((e) => [e.participantId as string, e]));
  const summaryOf = new Map(summaries.map((s) => [s.participantId as string, s]));
  const acknowledged = new Set(acks.map((a) => a.userId as string));
  const windowOpen = now >= roundWindow(round).startsAt;
  const funnel = roundFunnel(members.map((m) => funnelFactsOf({
    userId: m.userId, acknowledged: acknowledged.has(m.userId), experiment: experimentOf.get(m.userId) ?? null,
    journalEntries: journalStats.get(m.userId)?.entries ?? 0, summaryReady: Boolean(summaryOf.get(m.userId)?.ready), windowOpen,
  }))).map((row) => ({ stage: row.label, count: row.count }));
  const hoursOf = new Map(bookings.map((b) => {
    const weeks = practiceHoursByWeek(b.blocks, now);
    return [b.participantId as string, { planned: weeks.reduce((s, w) => s + w.plannedMinutes, 0) / 60, kept: weeks.reduce((s, w) => s + w.keptMinutes, 0) / 60 }];
  }));
  const names = new Map<string, string>();
  const nameOf = async (id: string) => { if (!names.has(id)) names.set(id, (await personOf(id, ports)).name); return names.get(id)!; };
  const rows: ReportExperiment[] = [];
  for (const e of experiments) {
    const person = await personOf(e.participantId, ports);
    names.set(e.participantId, person.name);
    if (e.decision) { await nameOf(e.decision.ownerId); if (e.decision.internalOwnerId) await nameOf(e.decision.internalOwnerId); }
    const summary = summaryOf.get(e.participantId);
    rows.push({
      participantId: e.participantId, name: person.name, team: person.team, tool: e.selection ? toolName(e.selection.tool) : '', state: e.state,
      hoursPlanned: hoursOf.get(e.participantId)?.planned ?? 0, hoursKept: hoursOf.get(e.participantId)?.kept ?? 0,
      summary: summary ? effectiveSummary(summary.draft, summary.edits) : null, decision: e.decision,
      assetsShared: assetCounts.get(e.participantId)?.shared ?? 0,
    });
  }
  const teams = new Map<string, string>();
  for (const e of experiments) if (e.decision?.internalOwnerId) teams.set(e.decision.internalOwnerId, (await personOf(e.decision.internalOwnerId, ports)).team);
  return roundReport({
    roundName: round.name, generatedAt: now, funnel, experiments: rows, capabilityBefore: await holdersBefore(round, ports), nameOf: (id) => names.get(id) ?? id,
  }, (id) => teams.get(id) ?? '');
}

/** The round report for the owners (the job that sends it when every experiment is decided builds the same one). */
export async function roundReportFor(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<RoundReportAnswer | DomainError> {
  const round = await roundFor(roundId, 'manageRound', REPORT_REFUSAL, caller, ports);
  if (isDomainError(round)) return round;
  return buildRoundReport(round, ports);
}

export const PRACTISED_STATES = PRACTISED;
