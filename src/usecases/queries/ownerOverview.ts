import type { UserId } from '../../domain/ids';
import type { RoundId } from '../../domain/roundIds';
import { isDomainError, type DomainError } from '../../domain/errors';
import { FUNNEL_STAGE_DEFINITIONS } from '../../domain/funnel';
import { roundWindow } from '../../domain/round';
import { funnelFromCounts, hoursFromCounts, kickoffFromCounts } from '../../domain/roundCounters';
import type { OwnerOverview } from '../../contracts/owner';
import { roundFor } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { DRILL_DOWN_PAGE, namesOf, roundOutline } from './common';

/**
 * The owner's view of a round: kickoff delivery, booking problems, decision effects that failed, hours, and the funnel.
 * Everything counted comes from the round's counters, kept on write in the same transaction as each change, so this is
 * a handful of small reads whatever the size of the round. The funnel from the counters equals `roundFunnel` over the
 * records (the counters count each person's copied facts by the same rules; `npm run repair-counters` checks it).
 */
export async function ownerOverviewQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<OwnerOverview | DomainError> {
  const round = await roundFor(roundId, 'manageRound', 'Only the round’s owners can see how the round is going.', caller, ports);
  if (isDomainError(round)) return round;
  const now = ports.clock.now().toISOString();
  const [counters, firstMembers, shareback, failedEffects] = await Promise.all([
    ports.roundCounters.read(round.id),
    // The round form lists the people named in the round: those among the first page of members, not every member row.
    // Saving the form only ever adds people, so a round larger than the page loses nobody by it.
    ports.roundMembers.listPage(round.id, { limit: DRILL_DOWN_PAGE }),
    ports.sharebacks.get(round.id),
    // Decision effects that could not run (a person who left, a mailbox that refuses): kept as problem rows beside the
    // effects logs when they are saved, so this is a small range however many people have decided.
    ports.sharebackSessions.listEffectProblems(round.id),
  ]);
  const effectProblems = failedEffects.map((p) => ({ userId: p.participantId, effect: p.effect, reason: p.reason }));
  const { counts } = counters;
  const kickoffFailures = counters.kickoffFailures.map((f) => ({ userId: f.userId, state: f.state, reason: f.reason, attempts: f.attempts }));
  const bookingProblems = counters.bookingProblems.map((p) => ({ userId: p.userId, reason: p.reason }));
  const { plannedMinutes, keptMinutes } = hoursFromCounts(counts, now);
  const funnel = funnelFromCounts(counts, now >= roundWindow(round).startsAt);
  // Names only for the short problem lists; the funnel's people are named a page at a time (the people query).
  const problemIds = [...new Set([...kickoffFailures, ...bookingProblems, ...effectProblems].map((p) => p.userId))].slice(0, DRILL_DOWN_PAGE);
  const names = await namesOf(ports, problemIds);
  const named = <T extends { userId: UserId }>(rows: T[]) => rows.map((row) => ({ ...row, displayName: names.get(row.userId)?.displayName ?? null }));
  return {
    round: {
      ...roundOutline(round), ownerIds: round.ownerIds, participantIds: firstMembers.members.filter((m) => m.via === 'named').map((m) => m.userId),
      managerScopes: round.managerScopes, catalogue: round.catalogue, policy: round.policy, version: round.version,
    },
    people: counts.people ?? 0,
    kickoff: kickoffFromCounts(counts), kickoffFailures: named(kickoffFailures), bookingProblems: named(bookingProblems), effectProblems: named(effectProblems),
    hours: { plannedMinutes, keptMinutes },
    funnel: funnel.map((row) => ({ stage: row.stage, label: row.label, definition: FUNNEL_STAGE_DEFINITIONS[row.stage], count: row.count })),
    shareback: shareback ? { joinUrl: shareback.joinUrl, invited: shareback.attendeeEmails.length, tabAdded: shareback.tabAdded } : null,
  };
}
