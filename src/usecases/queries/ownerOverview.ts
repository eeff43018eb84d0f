import type { UserId } from '../../domain/ids';
import type { RoundId } from '../../domain/roundIds';
import { isDomainError, type DomainError } from '../../domain/errors';
import { FUNNEL_STAGE_DEFINITIONS } from '../../domain/funnel';
import type { OwnerOverview } from '../../contracts/owner';
import { roundFor } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { DRILL_DOWN_PAGE, hoursOf, namesOf, roundOutline } from './common';
import { funnelOf } from './funnel';

/** The owner's view of a round: kickoff delivery, booking problems, decision effects that failed, hours, and the funnel. */
export async function ownerOverviewQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<OwnerOverview | DomainError> {
  const round = await roundFor(roundId, 'manageRound', 'Only the round’s owners can see how the round is going.', caller, ports);
  if (isDomainError(round)) return round;
  const now = ports.clock.now().toISOString();
  const [members, experiments, bookings, acknowledgements, journalStats, summaries, shareback] = await Promise.all([
    ports.roundMembers.list(round.id), ports.experiments.listForRound(round.id), ports.bookings.listForRound(round.id),
    ports.acknowledgements.listForRound(round.id), ports.journals.statsForRound(round.id),
    ports.sharebackSessions.listSummaries(round.id), ports.sharebacks.get(round.id),
  ]);
  // Decision effects that could not run (a person who left, a mailbox that refuses): shown with the reason, retried by the owner.
  const effectProblems = (await ports.sharebackSessions.listEffects(round.id)).flatMap((log) => Object.entries(log.outcomes)
    .filter(([, outcome]) => outcome.status === 'failed').map(([effect, outcome]) => ({ userId: log.participantId, effect: effect.split(':')[0] ?? effect, reason: outcome.detail })));
  const kickoff = { queued: 0, sending: 0, sent: 0, failed: 0, uncertain: 0 };
  for (const m of members) kickoff[m.delivery] += 1;
  const kickoffFailures = members.filter((m) => m.delivery === 'failed' || m.delivery === 'uncertain')
    .map((m) => ({ userId: m.userId, state: m.delivery, reason: m.deliveryReason, attempts: m.deliveryAttempts }));
  const bookingProblems = bookings.filter((b) => b.status === 'failed').map((b) => ({ userId: b.participantId, reason: b.reason ?? 'could not book' }));
  let plannedMinutes = 0;
  let keptMinutes = 0;
  for (const booking of bookings) {
    const hours = hoursOf(booking, now);
    plannedMinutes += hours.plannedMinutes;
    keptMinutes += hours.keptMinutes;
  }
  const funnel = funnelOf(round, members, experiments, acknowledgements, journalStats, summaries, now);
  // Names only for the short problem lists; the funnel's people are named a page at a time (the people query).
  const problemIds = [...new Set([...kickoffFailures, ...bookingProblems, ...effectProblems].map((p) => p.userId))].slice(0, DRILL_DOWN_PAGE);
  const names = await namesOf(ports, problemIds);
  const named = <T extends { userId: UserId }>(rows: T[]) => rows.map((row) => ({ ...row, displayName: names.get(row.userId)?.displayName ?? null }));
  return {
    round: { ...roundOutline(round), ownerIds: round.ownerIds, participantIds: members.filter((m) => m.via === 'named').map((m) => m.userId), managerScopes: round.managerScopes, catalogue: round.catalogue, policy: round.policy, version: round.version },
    people: members.length,
    kickoff, kickoffFailures: named(kickoffFailures), bookingProblems: named(bookingProblems), effectProblems: named(effectProblems),
    hours: { plannedMinutes, keptMinutes },
    funnel: funnel.map((row) => ({ stage: row.stage, label: row.label, definition: FUNNEL_STAGE_DEFINITIONS[row.stage], count: row.count })),
    shareback: shareback ? { joinUrl: shareback.joinUrl, invited: shareback.attendeeEmails.length, tabAdded: shareback.tabAdded } : null,
  };
}
