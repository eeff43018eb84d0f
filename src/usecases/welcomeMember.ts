import type { Clock } from '../ports/clock';
import type { DirectoryPort } from '../ports/directory';
import type { Member, MemberRepo } from '../ports/memberRepo';

export interface WelcomeMemberInput {
  readonly member: Omit<Member, 'firstSeenAt' | 'lastSeenAt'>;
}

export interface WelcomeMemberResult {
  readonly firstName: string;
  readonly nextStep: string;
  /** Where to reach the person, as seen now: hand it to `rememberMember` once the reply is on its way. */
  readonly seen: Omit<Member, 'firstSeenAt'>;
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
 * Someone installed the app or wrote something we did not recognise: tell them what the app does and what comes
 * next. Remembering where to reach them (for the kickoff and reminders later) is `rememberMember`, called after the
 * reply so the person does not wait for storage.
 */
export async function welcomeMember(input: WelcomeMemberInput, ports: WelcomeMemberPorts, options: { abortSignal?: AbortSignal } = {}): Promise<WelcomeMemberResult> {
  const now = ports.clock.now().toISOString();
  // Teams leaves `from.name` out of some activities (e.g. the install's conversationUpdate): ask the directory.
  const displayName = input.member.displayName || (await ports.directory.getPerson(input.member.userId, options))?.displayName || '';
  return {
    firstName: firstNameOf(displayName),
    seen: { ...input.member, displayName, lastSeenAt: now },
    // Until the round features ship, everyone is at the same step: waiting for a round to open.
    nextStep: 'When your programme owner opens a round, I will message you here with the dates and the first step: choosing what to practise on.',
  };
}

/** Stores the conversation (the repository writes only when it changed or last-seen is an hour old). */
export async function rememberMember(seen: Omit<Member, 'firstSeenAt'>, ports: Pick<WelcomeMemberPorts, 'members'>, options: { abortSignal?: AbortSignal } = {}): Promise<Member> {
  return ports.members.recordSeen(seen, options);
}
