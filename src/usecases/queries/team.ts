import { isDomainError, domainError, type DomainError } from '../../domain/errors';
import { experimentIdFor, type RoundId } from '../../domain/roundIds';
import { fitOfSelection } from '../../domain/rubric';
import type { DirectReports, ReviewQueue, Team } from '../../contracts/team';
import { loadRound, mayOnRound } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { hoursOf, roundOutline } from './common';

/** A manager's direct reports in a round: step, hours planned vs kept, journals and assets (counts; details via the journal and asset routes). */
export async function teamQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<Team | DomainError> {
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  const now = ports.clock.now().toISOString();
  const reports = await ports.directory.listDirectReports(caller.userId);
  const rows = await Promise.all(reports.map(async (person) => {
    const member = await ports.roundMembers.get(round.id, person.id);
    if (!member) return null;
    const experimentId = experimentIdFor(round.id, person.id);
    const [stored, booking, journals, assets] = await Promise.all([
      ports.experiments.get(round.id, person.id), ports.bookings.get(experimentId),
      ports.journals.listForExperiment(experimentId), ports.assets.listForAuthor(round.id, person.id),
    ]);
    const experiment = stored?.experiment ?? null;
    const hours = hoursOf(booking, now);
    return {
      userId: person.id, displayName: person.displayName, jobTitle: person.jobTitle,
      state: experiment?.state ?? 'not started' as const, version: experiment?.version ?? null,
      reviewPending: experiment?.state === 'submitted' && experiment.reviewerId === caller.userId,
      reviewerId: experiment?.reviewerId ?? null,
      selection: experiment?.selection ?? null, hypothesis: experiment?.hypothesis ?? null,
      fit: experiment?.selection ? fitOfSelection(experiment.selection, round) : null,
      windowExtensionDays: experiment?.windowExtensionDays ?? 0,
      hours: { plannedMinutes: hours.plannedMinutes, keptMinutes: hours.keptMinutes, upcomingMinutes: hours.upcomingMinutes },
      booking: booking ? { status: booking.status, reason: booking.reason } : null,
      journals: { entries: journals.length, lastWeek: journals[0]?.weekStart ?? null },
      assets: { saved: assets.length, shared: assets.filter((a) => a.shared).length },
    };
  }));
  const team = rows.filter((row) => row !== null);
  // Someone with no reports in the round (and not its owner) has nothing to see here.
  if (team.length === 0 && !(await mayOnRound(round, 'manageRound', caller, ports))) return domainError('forbidden', 'None of your direct reports take part in this round.');
  return { round: roundOutline(round), value: team };
}

/** A manager's direct reports and where each stands in each round (process, never a score of their work). */
export async function directReportsQuery(caller: Caller, ports: UseCasePorts): Promise<DirectReports> {
  const reports = await ports.directory.listDirectReports(caller.userId);
  const value = await Promise.all(reports.map(async (person) => {
    const rounds = await ports.roundMembers.roundsOf(person.id);
    const experiments = await Promise.all(rounds.map(async (roundId) => {
      const stored = await ports.experiments.get(roundId, person.id);
      return { roundId, state: stored?.experiment.state ?? 'not started' as const, updatedAt: stored?.experiment.updatedAt ?? null };
    }));
    return { userId: person.id, displayName: person.displayName, jobTitle: person.jobTitle, experiments };
  }));
  return { value };
}

/** The plans the caller is (or was) asked to review, in every round. */
export async function reviewQueueQuery(caller: Caller, ports: UseCasePorts): Promise<ReviewQueue> {
  return { value: await ports.experiments.listForReviewer(caller.userId) };
}
