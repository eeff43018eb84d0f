import type { UserId } from '../../domain/ids';
import type { RoundId } from '../../domain/roundIds';
import { isDomainError, type DomainError } from '../../domain/errors';
import type { ProblemKind } from '../../domain/roundCounters';
import type { RoundProblemsPage } from '../../contracts/owner';
import type { RoundProblems } from '../../ports/roundCounters';
import { roundFor } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { DRILL_DOWN_PAGE, namesOf } from './common';

/*
 * The owner's problem lists (kickoffs not delivered, bookings that failed, decision effects that could not run), a page
 * at a time: the overview shows the first page of each with its total, and this query reads the pages after it. A page
 * is one small row-key range of the problem rows, whatever the size of the round.
 *
 * The continuation token is opaque to callers: the list's kind and the id of the last problem shown, so a token
 * given out for one list cannot be replayed against another.
 */

/** The token for the page after `after` in the list `kind` (null: there is no further page). */
export function problemsToken(kind: ProblemKind, after: string | null): string | null {
  return after === null ? null : Buffer.from(JSON.stringify({ kind, after }), 'utf8').toString('base64url');
}

/** Where the page a token asks for starts; null when the token is not one this list gave out (or is damaged). */
export function problemsAfter(kind: ProblemKind, token: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded || typeof decoded !== 'object') return null;
    const { kind: tokenKind, after } = decoded as { kind?: unknown; after?: unknown };
    return tokenKind === kind && typeof after === 'string' && after !== '' ? after : null;
  } catch {
    return null; // not JSON: not a token of ours
  }
}

/** One page of one problem list, unnamed, with the token of the page after it. */
export async function problemPage<K extends ProblemKind>(ports: Pick<UseCasePorts, 'roundCounters'>, roundId: RoundId, kind: K, after: string | null): Promise<{ problems: RoundProblems[K][]; next: string | null }> {
  const page = await ports.roundCounters.listProblems(roundId, kind, { limit: DRILL_DOWN_PAGE, after });
  return { problems: [...page.problems], next: problemsToken(kind, page.next) };
}

/** Each row with its person's display name (null when the directory does not know them). */
export function withNames<T extends { readonly userId: UserId }>(rows: readonly T[], names: ReadonlyMap<UserId, { readonly displayName: string } | null>): (T & { displayName: string | null })[] {
  return rows.map((row) => ({ ...row, displayName: names.get(row.userId)?.displayName ?? null }));
}

/**
 * A page of one of the round's problem lists, after the page a token (from the overview or an earlier page) ended;
 * `after` null: the first page. Only the round's owners see it, as they see the overview.
 */
export async function roundProblemsQuery(roundId: RoundId, kind: ProblemKind, after: string | null, caller: Caller, ports: UseCasePorts): Promise<RoundProblemsPage | DomainError> {
  const round = await roundFor(roundId, 'manageRound', 'Only the round’s owners can see how the round is going.', caller, ports);
  if (isDomainError(round)) return round;
  const page = await problemPage(ports, round.id, kind, after);
  const names = await namesOf(ports, [...new Set(page.problems.map((p) => p.userId))]);
  // `kind` decides the rows' shape (RoundProblems[kind]), which TypeScript cannot follow into the discriminated answer.
  return { kind, problems: withNames(page.problems, names), next: page.next } as RoundProblemsPage;
}
