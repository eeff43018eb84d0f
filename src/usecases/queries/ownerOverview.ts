import type { RoundId } from '../../domain/roundIds';
import { isDomainError, type DomainError } from '../../domain/errors';
import { FUNNEL_STAGE_DEFINITIONS } from '../../domain/funnel';
import { roundWindow } from '../../domain/round';
import { funnelFromCounts, hoursFromCounts, kickoffFromCounts, problemTotalsFromCounts, type ProblemKind } from '../../domain/roundCounters';
import type { OwnerOverview } from '../../contracts/owner';
import { roundFor } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { DRILL_DOWN_PAGE, namesOf, roundOutline } from './common';
import { problemsToken, withNames } from './roundProblems';

/**
 * The owner's view of a round: kickoff delivery, booking problems, decision effects that failed, hours, and the funnel.
 * Each problem list comes as its first page, its total and the token of its next page (the problems query reads on).
 * Everything counted comes from the round's counters, kept on write in the same transaction as each change, so this is
 * a handful of small reads whatever the size of the round. The funnel from the counters equals `roundFunnel` over the
 * records (the counters count each person's copied facts by the same rules; `npm run repair-counters` checks it).
 */
export async function ownerOverviewQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<OwnerOverview | DomainError> {
  const round = await roundFor(roundId, 'manageRound', 'Only the round’s owners can see how the round is going.', caller, ports);
  if (isDomainError(round)) return round;
  const now = ports.clock.now().toISOString();
  const [counters, firstMembers, shareback] = await Promise.all([
    // The counters and the first page of each problem list (kept as problem rows beside the records they are about),
    // one small range per counted table; the totals come from the counters, further pages from the problems query.
    ports.roundCounters.readWithFirstProblems(round.id, DRILL_DOWN_PAGE),
    // The round form lists the people named in the round: those among the first page of members, not every member row.
    // Saving the form only ever adds people, so a round larger than the page loses nobody by it.
    ports.roundMembers.listPage(round.id, { limit: DRILL_DOWN_PAGE }),
    ports.sharebacks.get(round.id),
  ]);
  const { counts, firstProblems } = counters;
  const pageOf = <K extends ProblemKind>(kind: K) => ({ problems: [...firstProblems[kind].problems], next: problemsToken(kind, firstProblems[kind].next) });
  // Decision effects that could not run (a person who left, a mailbox that refuses) are the third list.
  const [kickoffPage, bookingPage, effectPage] = [pageOf('kickoff'), pageOf('booking'), pageOf('effect')];
  const totals = problemTotalsFromCounts(counts);
  const { plannedMinutes, keptMinutes } = hoursFromCounts(counts, now);
  const funnel = funnelFromCounts(counts, now >= roundWindow(round).startsAt);
  // Names only for the short problem lists; the funnel's people are named a page at a time (the people query).
  const problemIds = [...new Set([...kickoffPage.problems, ...bookingPage.problems, ...effectPage.problems].map((p) => p.userId))].slice(0, DRILL_DOWN_PAGE);
  const names = await namesOf(ports, problemIds);
  // A page can hold more rows than the counters say when rows were written before the count existed (the repair
  // command recounts them): the total is never shown below what is on screen.
  const listOf = (kind: keyof typeof totals, page: { problems: readonly unknown[]; next: string | null }) => ({
    total: Math.max(totals[kind], page.problems.length + (page.next ? 1 : 0)), next: page.next,
  });
  return {
    round: {
      ...roundOutline(round), ownerIds: round.ownerIds, participantIds: firstMembers.members.filter((m) => m.via === 'named').map((m) => m.userId),
      managerScopes: round.managerScopes, catalogue: round.catalogue, policy: round.policy, version: round.version,
    },
    people: counts.people ?? 0,
    kickoff: kickoffFromCounts(counts), kickoffFailures: withNames(kickoffPage.problems, names), bookingProblems: withNames(bookingPage.problems, names), effectProblems: withNames(effectPage.problems, names),
    problemLists: { kickoff: listOf('kickoff', kickoffPage), booking: listOf('booking', bookingPage), effect: listOf('effect', effectPage) },
    hours: { plannedMinutes, keptMinutes },
    funnel: funnel.map((row) => ({ stage: row.stage, label: row.label, definition: FUNNEL_STAGE_DEFINITIONS[row.stage], count: row.count })),
    shareback: shareback ? { joinUrl: shareback.joinUrl, invited: shareback.attendeeEmails.length, tabAdded: shareback.tabAdded } : null,
  };
}
