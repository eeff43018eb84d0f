import type { Clock } from '../ports/clock';
import type { DirectoryPort } from '../ports/directory';
import type { Member, MemberRepo } from '../ports/memberRepo';

export interface WelcomeMemberInput {
  readonly member: Omit<Member, 'firstSeenAt' | 'lastSeenAt'>;
}

export interface WelcomeMemberResult {
  readonly firstName: string;
  readonly nextStep: string;
  /** True the first time the app sees this person. */
  readonly isNewMember: boolean;
}

export interface WelcomeMemberPorts {
  readonly members: MemberRepo;
  readonly clock: Clock;
  readonly directory: DirectoryPort;
}

/** "Dana Smith" → "Dana"; a name with no spaces is used whole; an empty name becomes "there" ("Hi there"). */
export function firstNameOf(displayName: string): string {
  return displayName.trim().split(/\s+/)[0] || 'there';
}

/**
 * Someone installed the app or wrote something we did not recognise: remember where to reach them
 * (for the kickoff and reminders later) and tell them what the app does and what comes next.
 */
export async function welcomeMember(input: WelcomeMemberInput, ports: WelcomeMemberPorts, options: { abortSignal?: AbortSignal } = {}): Promise<WelcomeMemberResult> {
  const now = ports.clock.now().toISOString();
  // Teams leaves `from.name` out of some activities (e.g. the install's conversationUpdate): ask the directory.
  const displayName = input.member.displayName || (await ports.directory.getPerson(input.member.userId, options))?.displayName || '';
  const saved = await ports.members.recordSeen({ ...input.member, displayName, lastSeenAt: now }, options);
  return {
    firstName: firstNameOf(displayName),
    isNewMember: saved.firstSeenAt === now,
    // Until the round features ship, everyone is at the same step: waiting for a round to open.
    nextStep: 'When your programme owner opens a round, I will message you here with the dates and the first step: choosing what to practise on.',
  };
}
