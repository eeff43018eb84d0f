import { isDomainError, type DomainError } from '../../domain/errors';
import type { UserId } from '../../domain/ids';
import type { RoundId } from '../../domain/roundIds';
import { toolName } from '../../domain/toolCatalogue';
import { roundFor } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { hoursOf } from './common';

/** A table to download: the edge writes it as CSV under `fileName`. */
export interface ExportTable {
  readonly fileName: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** Names for many people, a few at a time: an export of a large round should not flood the directory. */
async function displayNames(ids: readonly UserId[], ports: Pick<UseCasePorts, 'directory'>): Promise<Map<UserId, string>> {
  const names = new Map<UserId, string>();
  for (let i = 0; i < ids.length; i += 8) {
    const slice = ids.slice(i, i + 8);
    const people = await Promise.all(slice.map((id) => ports.directory.getPerson(id)));
    slice.forEach((id, j) => names.set(id, people[j]?.displayName ?? ''));
  }
  return names;
}

/** The round for its owners: one row per person, process facts only (no rating of anyone's work). */
export async function roundExportQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<ExportTable | DomainError> {
  const round = await roundFor(roundId, 'manageRound', 'Only the round’s owners can see the round export.', caller, ports);
  if (isDomainError(round)) return round;
  const now = ports.clock.now().toISOString();
  const [members, experiments, bookings, acknowledgements, journalStats, assetCounts] = await Promise.all([
    ports.roundMembers.list(round.id), ports.experiments.listForRound(round.id), ports.bookings.listForRound(round.id),
    ports.acknowledgements.listForRound(round.id), ports.journals.statsForRound(round.id), ports.assets.countsForRound(round.id),
  ]);
  const experimentOf = new Map(experiments.map((e) => [e.participantId, e]));
  const bookingOf = new Map(bookings.map((b) => [b.participantId, b]));
  const ackOf = new Map(acknowledgements.map((a) => [a.userId, a]));
  const names = await displayNames(members.map((m) => m.userId), ports);
  const rows = members.map((m) => {
    const experiment = experimentOf.get(m.userId);
    const booking = bookingOf.get(m.userId);
    const hours = hoursOf(booking, now);
    const tool = experiment?.selection?.tool;
    return [
      m.userId, names.get(m.userId) ?? '', m.via, m.delivery, m.deliveryReason ?? '', ackOf.get(m.userId)?.policyVersion ?? '',
      experiment?.state ?? 'not started', experiment?.selection?.frictionPoint.description ?? '', tool ? toolName(tool) : '',
      booking?.status ?? '', booking?.status === 'failed' ? booking.reason ?? '' : '',
      (hours.plannedMinutes / 60).toFixed(2), (hours.keptMinutes / 60).toFixed(2),
      journalStats.get(m.userId)?.entries ?? 0, assetCounts.get(m.userId)?.saved ?? 0, assetCounts.get(m.userId)?.shared ?? 0,
      experiment?.decision?.outcome ?? '',
    ];
  });
  return {
    fileName: `round-${round.id}.csv`,
    columns: ['userId', 'name', 'joinedVia', 'kickoff', 'kickoffReason', 'policyVersionAcknowledged', 'state', 'frictionPoint', 'tool', 'booking', 'bookingProblem', 'hoursPlanned', 'hoursKept', 'journalEntries', 'assetsSaved', 'assetsShared', 'decision'],
    rows,
  };
}

/** Every policy acknowledgement in the round, for its owners (who confirmed which version, for which tool, when). */
export async function acknowledgementsExportQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<ExportTable | DomainError> {
  const round = await roundFor(roundId, 'manageRound', 'Only the round’s owners can export acknowledgements.', caller, ports);
  if (isDomainError(round)) return round;
  const acks = await ports.acknowledgements.listForRound(roundId);
  const names = new Map<string, string>();
  for (const ack of acks) if (!names.has(ack.userId)) names.set(ack.userId, (await ports.directory.getPerson(ack.userId))?.displayName ?? '');
  return {
    fileName: `acknowledgements-${roundId}.csv`,
    columns: ['userId', 'name', 'policyVersion', 'toolId', 'otherTool', 'acknowledgedAt'],
    rows: acks.map((a) => [a.userId, names.get(a.userId) ?? '', a.policyVersion, a.toolId ?? '', a.otherToolName ?? '', a.acknowledgedAt]),
  };
}
