import {
  mayLinkMeeting, personAllows, personRelationOf, roundAllows, roundPermissionReachesMembers, roundRelationOf,
  type PersonPermission, type PersonRelation, type RoundPermission, type RoundRelation,
} from '../../src/domain/access';
import type { UserId } from '../../src/domain/ids';

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}` as UserId;
const OWNER = id(1);
const PERSON = id(2);
const MANAGER = id(3);
const REVIEWER = id(4);
const STRANGER = id(5);
const round = { ownerIds: [OWNER] };

/** Facts that record whether they were asked, so a test can hold that strong relations cost no look-up. */
function facts(values: { member?: boolean; invited?: boolean; managerId?: UserId | null; reviewerId?: UserId | null }) {
  const asked: string[] = [];
  return {
    asked,
    round: {
      isMember: async () => { asked.push('member'); return values.member ?? false; },
      isInvited: async () => { asked.push('invited'); return values.invited ?? false; },
    },
    person: {
      managerId: async () => { asked.push('manager'); return values.managerId ?? null; },
      reviewerId: async () => { asked.push('reviewer'); return values.reviewerId ?? null; },
    },
  };
}

describe('roundRelationOf', () => {
  it.each<[string, { userId: UserId; isAdmin: boolean }, Parameters<typeof facts>[0], RoundRelation, string[]]>([
    ['an admin, without asking anything', { userId: STRANGER, isAdmin: true }, { member: true }, 'admin', []],
    ['an owner, without asking anything', { userId: OWNER, isAdmin: false }, { member: true }, 'owner', []],
    ['a member', { userId: PERSON, isAdmin: false }, { member: true }, 'participant', ['member']],
    ['an invited manager', { userId: MANAGER, isAdmin: false }, { invited: true }, 'invited_manager', ['member', 'invited']],
    ['anyone else', { userId: STRANGER, isAdmin: false }, {}, 'stranger', ['member', 'invited']],
  ])('finds %s', async (_case, actor, values, relation, asked) => {
    const f = facts(values);
    expect(await roundRelationOf(round, actor, f.round)).toBe(relation);
    expect(f.asked).toEqual(asked);
  });
});

describe('personRelationOf', () => {
  it.each<[string, UserId, boolean, Parameters<typeof facts>[0], PersonRelation, string[]]>([
    ['the person themself (even an owner taking part)', OWNER, false, {}, 'self', []],
    ['an owner, without asking anything', OWNER, false, { reviewerId: REVIEWER }, 'owner', []],
    ['an admin, without asking anything', STRANGER, true, {}, 'admin', []],
    ['the reviewer the plan was sent to', REVIEWER, false, { reviewerId: REVIEWER, managerId: MANAGER }, 'reviewer', ['reviewer']],
    ['the manager in the directory', MANAGER, false, { reviewerId: REVIEWER, managerId: MANAGER }, 'manager', ['reviewer', 'manager']],
    ['nobody to them', STRANGER, false, { reviewerId: REVIEWER, managerId: MANAGER }, 'none', ['reviewer', 'manager']],
  ])('finds %s', async (_case, userId, isAdmin, values, relation, asked) => {
    const f = facts(values);
    const person = userId === OWNER && relation === 'self' ? OWNER : PERSON;
    expect(await personRelationOf(round, person, { userId, isAdmin }, f.person)).toBe(relation);
    expect(f.asked).toEqual(asked);
  });
});

describe('the permission table', () => {
  it.each<[RoundPermission, RoundRelation[]]>([
    ['manageRound', ['admin', 'owner']],
    ['watchShareback', ['admin', 'owner', 'participant', 'invited_manager']],
    ['takePart', ['participant']],
  ])('%s is held by exactly %p', (permission, holders) => {
    const all: RoundRelation[] = ['admin', 'owner', 'participant', 'invited_manager', 'stranger'];
    expect(all.filter((relation) => roundAllows(relation, permission))).toEqual(holders);
    expect(roundPermissionReachesMembers(permission)).toBe(holders.some((r) => r !== 'admin' && r !== 'owner'));
  });

  it.each<[PersonPermission, PersonRelation[]]>([
    ['readRecords', ['self', 'admin', 'owner', 'manager', 'reviewer']],
    ['reviewPlan', ['admin', 'owner', 'reviewer']],
    ['checkIn', ['admin', 'owner', 'manager', 'reviewer']],
  ])('%s is held by exactly %p (never by a stranger; a plan is never reviewed by its author)', (permission, holders) => {
    const all: PersonRelation[] = ['self', 'admin', 'owner', 'manager', 'reviewer', 'none'];
    expect(all.filter((relation) => personAllows(relation, permission))).toEqual(holders);
  });
});

describe('mayLinkMeeting', () => {
  const other = { ownerIds: [STRANGER] };
  it('lets an owner link a chat nobody linked, or one linked to a round they also own', () => {
    expect(mayLinkMeeting(round, null, { userId: OWNER, isAdmin: false })).toBe(true);
    expect(mayLinkMeeting(round, { ownerIds: [OWNER, STRANGER] }, { userId: OWNER, isAdmin: false })).toBe(true);
  });
  it('refuses the owner of another round taking over a linked chat, and anyone who does not own the target', () => {
    expect(mayLinkMeeting(round, other, { userId: OWNER, isAdmin: false })).toBe(false);
    expect(mayLinkMeeting(round, null, { userId: STRANGER, isAdmin: false })).toBe(false);
    expect(mayLinkMeeting(round, other, { userId: PERSON, isAdmin: true })).toBe(true);
  });
});
