import type { RoundId } from '../../domain/roundIds';
import type { DashboardHome, WhoAmI } from '../../contracts/home';
import type { Caller, UseCasePorts } from '../ports';
import { roundOutline } from './common';

/**
 * Which views the caller gets: rounds they take part in, rounds where their reports take part (or a plan waits for
 * their review), rounds they own. Each list is the caller's own, so there is nothing here to refuse.
 */
export async function dashboardHomeQuery(caller: Caller, ports: UseCasePorts): Promise<DashboardHome> {
  const [person, memberOf, owned, reviews, reports] = await Promise.all([
    ports.directory.getPerson(caller.userId),
    ports.roundMembers.roundsOf(caller.userId),
    ports.rounds.listForOwner(caller.userId),
    ports.experiments.listForReviewer(caller.userId),
    ports.directory.listDirectReports(caller.userId),
  ]);
  const reportRounds = await Promise.all(reports.map(async (report) => ({ report, rounds: await ports.roundMembers.roundsOf(report.id) })));
  const managedRoundIds = new Map<RoundId, number>();
  for (const { rounds } of reportRounds) for (const roundId of rounds) managedRoundIds.set(roundId, (managedRoundIds.get(roundId) ?? 0) + 1);
  const pendingByRound = new Map<RoundId, number>();
  for (const review of reviews) if (review.state === 'submitted') pendingByRound.set(review.roundId, (pendingByRound.get(review.roundId) ?? 0) + 1);
  const roundIds = [...new Set<RoundId>([...memberOf, ...managedRoundIds.keys(), ...pendingByRound.keys()])];
  const rounds = new Map((await Promise.all(roundIds.map((id) => ports.rounds.get(id)))).flatMap((s) => (s ? [[s.round.id, s.round] as const] : [])));
  const participating = await Promise.all(memberOf.filter((id) => rounds.has(id)).map(async (id) => {
    const stored = await ports.experiments.get(id, caller.userId);
    return { ...roundOutline(rounds.get(id)!), experimentState: stored?.experiment.state ?? 'not started' as const };
  }));
  const managing = [...new Set([...managedRoundIds.keys(), ...pendingByRound.keys()])].filter((id) => rounds.has(id))
    .map((id) => ({ ...roundOutline(rounds.get(id)!), reports: managedRoundIds.get(id) ?? 0, pendingReviews: pendingByRound.get(id) ?? 0 }));
  return {
    me: { userId: caller.userId, displayName: person?.displayName ?? caller.displayName, canCreateRounds: caller.mayCreateRounds || caller.isAdmin },
    participating,
    managing,
    owning: owned.map((listing) => ({ id: listing.roundId, name: listing.name, status: listing.status, updatedAt: listing.updatedAt })),
  };
}

/** Who is signed in, as the directory names them (the token's name when the directory cannot answer). */
export async function whoAmIQuery(
  identity: Pick<Caller, 'userId' | 'tenantId' | 'displayName'> & { readonly via: WhoAmI['signedInVia'] }, ports: Pick<UseCasePorts, 'directory'>,
): Promise<WhoAmI> {
  const person = await ports.directory.getPerson(identity.userId);
  return { userId: identity.userId, tenantId: identity.tenantId, displayName: person?.displayName ?? identity.displayName, jobTitle: person?.jobTitle ?? null, department: person?.department ?? null, signedInVia: identity.via };
}
