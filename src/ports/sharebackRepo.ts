import type { UserId } from '../domain/ids';
import type { RoundId } from '../domain/roundIds';
import type { RepoOptions } from './roundRepo';

/** The round's shareback meeting as booked in the owner's calendar (a Teams meeting with the app's tab). */
export interface SharebackMeeting {
  readonly roundId: RoundId;
  readonly organiserId: UserId;
  readonly eventId: string;
  readonly joinUrl: string | null;
  /** The meeting chat's thread id: how the meeting tab finds its round. */
  readonly chatId: string | null;
  readonly attendeeEmails: readonly string[];
  readonly tabAdded: boolean;
  readonly updatedAt: string;
}

export interface SharebackRepo {
  get(roundId: RoundId, options?: RepoOptions): Promise<SharebackMeeting | null>;
  save(meeting: SharebackMeeting, options?: RepoOptions): Promise<void>;
}
