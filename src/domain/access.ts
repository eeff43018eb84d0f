import type { UserId } from './ids';

/**
 * Who may see and do what, decided in one place. The facts (is the caller this person's manager in the
 * directory? a member of the round? invited to its shareback?) are gathered by `src/usecases/access.ts`;
 * this file turns them into a relation and answers each question from a table, so "who may do X" is read
 * here and nowhere else.
 */

/** What the caller is to a round, strongest first. */
export type RoundRelation = 'admin' | 'owner' | 'participant' | 'invited_manager' | 'stranger';

/**
 * What the caller is to one participant's records in a round, strongest first. `manager` is the person's
 * manager in the directory; `reviewer` is whoever the plan was sent to (an owner when the person has no
 * manager, or the manager at the time it was sent).
 */
export type PersonRelation = 'self' | 'admin' | 'owner' | 'manager' | 'reviewer' | 'none';

/** Everything the app lets a person do or see, named once. */
export type RoundPermission =
  /** Edit the round, open it, publish its policy, run its shareback, record decisions, see everyone's status. */
  | 'manageRound'
  /** Open the shareback meeting tab and follow the running order. */
  | 'watchShareback'
  /** Have an experiment, journal and assets of one's own in the round. */
  | 'takePart';

export type PersonPermission =
  /** Read the plan, journal, assets not yet shared, summary, decision and practice time of the person. */
  | 'readRecords'
  /** Approve, ask for changes, extend the window (the domain's state machine still checks the state). */
  | 'reviewPlan'
  /** Encourage, book a check-in, extend from the digest. */
  | 'checkIn';

const ROUND_RULES: Readonly<Record<RoundPermission, readonly RoundRelation[]>> = {
  manageRound: ['admin', 'owner'],
  watchShareback: ['admin', 'owner', 'participant', 'invited_manager'],
  takePart: ['participant'],
};

const PERSON_RULES: Readonly<Record<PersonPermission, readonly PersonRelation[]>> = {
  readRecords: ['self', 'admin', 'owner', 'manager', 'reviewer'],
  reviewPlan: ['admin', 'owner', 'reviewer'],
  checkIn: ['admin', 'owner', 'manager', 'reviewer'],
};

export function roundAllows(relation: RoundRelation, permission: RoundPermission): boolean {
  return ROUND_RULES[permission].includes(relation);
}

/** Whether the permission can hold for anyone but an owner or admin (if not, nobody's membership needs looking up). */
export function roundPermissionReachesMembers(permission: RoundPermission): boolean {
  return ROUND_RULES[permission].some((relation) => relation !== 'admin' && relation !== 'owner');
}

export function personAllows(relation: PersonRelation, permission: PersonPermission): boolean {
  return PERSON_RULES[permission].includes(relation);
}

/** The part of a round access depends on (structural, so this file imports nothing of the round's). */
export interface RoundOwners {
  readonly ownerIds: readonly UserId[];
}

export interface AccessActor {
  readonly userId: UserId;
  readonly isAdmin: boolean;
}

/** Owner or admin: the round record and configuration say so, never anything the client sends. */
export function managesRound(round: RoundOwners, actor: AccessActor): boolean {
  return actor.isAdmin || round.ownerIds.includes(actor.userId);
}

/** The facts about the caller and a round; the lazy ones are only asked when the stronger ones do not hold. */
export interface RoundFacts {
  readonly isMember: () => Promise<boolean>;
  readonly isInvited: () => Promise<boolean>;
}

export async function roundRelationOf(round: RoundOwners, actor: AccessActor, facts: RoundFacts): Promise<RoundRelation> {
  if (actor.isAdmin) return 'admin';
  if (round.ownerIds.includes(actor.userId)) return 'owner';
  if (await facts.isMember()) return 'participant';
  if (await facts.isInvited()) return 'invited_manager';
  return 'stranger';
}

export interface PersonFacts {
  /** The person's manager in the directory (null when they have none). */
  readonly managerId: () => Promise<UserId | null>;
  /** Whom the person's plan was sent to, when they have one (asked only when the stronger relations do not hold). */
  readonly reviewerId: () => Promise<UserId | null>;
}

export async function personRelationOf(round: RoundOwners, personId: UserId, actor: AccessActor, facts: PersonFacts): Promise<PersonRelation> {
  if (actor.userId === personId) return 'self';
  if (actor.isAdmin) return 'admin';
  if (round.ownerIds.includes(actor.userId)) return 'owner';
  if ((await facts.reviewerId()) === actor.userId) return 'reviewer';
  if ((await facts.managerId()) === actor.userId) return 'manager';
  return 'none';
}

/**
 * Linking a meeting chat to a round: only an owner of the round being linked, and, when the chat already
 * belongs to another round, only if the caller owns that round too (so nobody can take over a meeting the
 * app booked for someone else's round).
 */
export function mayLinkMeeting(target: RoundOwners, currentlyLinked: RoundOwners | null, actor: AccessActor): boolean {
  if (!managesRound(target, actor)) return false;
  return currentlyLinked === null || managesRound(currentlyLinked, actor);
}
