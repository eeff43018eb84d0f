import {
  managesRound, personAllows, personRelationOf, roundAllows, roundPermissionReachesMembers, roundRelationOf,
  type AccessActor, type PersonPermission, type PersonRelation, type RoundPermission, type RoundRelation,
} from '../domain/access';
import { domainError, isDomainError, type DomainError } from '../domain/errors';
import type { UserId } from '../domain/ids';
import type { Round } from '../domain/round';
import type { RoundId } from '../domain/roundIds';
import type { UseCasePorts } from './ports';

/**
 * The one access policy: REST routes, bot card actions and refreshes, jobs that act for someone and the
 * meeting routes all ask these functions (the rules themselves are the table in src/domain/access.ts).
 * Each gathers only the facts it needs, strongest first, so an owner costs no directory call.
 */

type AccessPorts = Pick<UseCasePorts, 'rounds' | 'roundMembers' | 'directory' | 'sharebacks' | 'experiments'>;

export async function relationToRound(round: Round, caller: AccessActor, ports: AccessPorts): Promise<RoundRelation> {
  return roundRelationOf(round, caller, {
    isMember: async () => Boolean(await ports.roundMembers.get(round.id, caller.userId)),
    isInvited: async () => {
      const [meeting, person] = await Promise.all([ports.sharebacks.get(round.id), ports.directory.getPerson(caller.userId)]);
      const mail = person?.mail?.toLowerCase();
      return Boolean(meeting && mail && meeting.attendeeEmails.some((email) => email.toLowerCase() === mail));
    },
  });
}

/** The caller's relation to one person's records; pass the reviewer when the experiment is already loaded. */
export async function relationToPerson(round: Round, personId: UserId, caller: AccessActor, ports: AccessPorts, reviewerId?: UserId | null): Promise<PersonRelation> {
  return personRelationOf(round, personId, caller, {
    reviewerId: async () => (reviewerId !== undefined ? reviewerId : (await ports.experiments.get(round.id, personId))?.experiment.reviewerId ?? null),
    managerId: async () => (await ports.directory.getManager(personId))?.id ?? null,
  });
}

export async function mayOnRound(round: Round, permission: RoundPermission, caller: AccessActor, ports: AccessPorts): Promise<boolean> {
  // Owners and admins need no look-up, and a permission only they hold needs none for anyone else either.
  if (!roundPermissionReachesMembers(permission)) return managesRound(round, caller);
  return roundAllows(await relationToRound(round, caller, ports), permission);
}

export async function mayOnPerson(round: Round, personId: UserId, permission: PersonPermission, caller: AccessActor, ports: AccessPorts, reviewerId?: UserId | null): Promise<boolean> {
  return personAllows(await relationToPerson(round, personId, caller, ports, reviewerId), permission);
}

/** The round, or the error a person outside it is told (without revealing more than that it exists). */
export async function loadRound(roundId: RoundId, ports: Pick<UseCasePorts, 'rounds'>): Promise<Round | DomainError> {
  const stored = await ports.rounds.get(roundId);
  return stored ? stored.round : domainError('not_found', 'That round does not exist (any more).');
}

/** Loads the round and checks a round-wide permission in one step; `refusal` is what the person is told. */
export async function roundFor(roundId: RoundId, permission: RoundPermission, refusal: string, caller: AccessActor, ports: AccessPorts): Promise<Round | DomainError> {
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  return (await mayOnRound(round, permission, caller, ports)) ? round : domainError('forbidden', refusal);
}

export const REFUSALS = {
  manageRound: 'Only the round’s owners (or an app admin) can do this.',
  notInRound: 'You are not part of this round. Ask its programme owner if you would like to join.',
} as const;
