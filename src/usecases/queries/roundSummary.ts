import { isDomainError, type DomainError } from '../../domain/errors';
import type { UserId } from '../../domain/ids';
import type { Round } from '../../domain/round';
import type { RoundId } from '../../domain/roundIds';
import { kickoffFromCounts, type KickoffState } from '../../domain/roundCounters';
import { roundFor } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { namesOf } from './common';

/** How many of the people the kickoff did not reach the chat summary names (the card lists no more). */
export const SUMMARY_FAILURES_NAMED = 10;

/** What the owner's round summary in chat shows: the round, how many take part, and how the kickoff went. */
export interface RoundSummary {
  readonly round: Round;
  /** Member rows: the people named in a draft; from opening on, everyone invited (named or through a manager's team). */
  readonly people: number;
  readonly kickoff: Readonly<Record<KickoffState, number>>;
  /** The first people the kickoff failed or may not have reached, with the directory's name (null when it has none). */
  readonly failures: readonly { readonly userId: UserId; readonly displayName: string | null; readonly state: 'failed' | 'uncertain'; readonly reason: string | null }[];
}

/**
 * The owner's round summary for the chat card. Everything counted comes from the round's counters (kept on write with
 * each member row, drafts included), so a bot turn costs a handful of small reads and a few names, never the member list.
 */
export async function roundSummaryQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<RoundSummary | DomainError> {
  const round = await roundFor(roundId, 'manageRound', 'Only the round’s owners can see its status.', caller, ports);
  return isDomainError(round) ? round : roundSummaryOf(round, ports);
}

/** The summary of a round a use case has just answered to its owner (created, opened): no second access check. */
export async function roundSummaryOf(round: Round, ports: Pick<UseCasePorts, 'roundCounters' | 'directory' | 'clock'>): Promise<RoundSummary> {
  const counters = await ports.roundCounters.readWithFirstProblems(round.id, SUMMARY_FAILURES_NAMED);
  const failing = counters.firstProblems.kickoff.problems;
  const names = await namesOf(ports, failing.map((f) => f.userId));
  return {
    round,
    people: counters.counts.people ?? 0,
    kickoff: kickoffFromCounts(counters.counts),
    failures: failing.map((f) => ({ userId: f.userId, displayName: names.get(f.userId)?.displayName ?? null, state: f.state, reason: f.reason })),
  };
}
