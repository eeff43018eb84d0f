import type { UserId } from '../domain/ids';

/** A person as the directory (Entra ID, through Graph) describes them. */
export interface DirectoryPerson {
  readonly id: UserId;
  readonly displayName: string;
  readonly mail: string | null;
  readonly jobTitle: string | null;
  readonly department: string | null;
}

export interface DirectoryOptions { readonly abortSignal?: AbortSignal }

export interface DirectoryPort {
  /** Null when the directory has no such person. */
  getPerson(userId: UserId, options?: DirectoryOptions): Promise<DirectoryPerson | null>;
  /** Everyone in the directory, page by page (the dev sign-in picker; round participant pickers). */
  listPeople(options?: DirectoryOptions): AsyncIterable<DirectoryPerson>;
  /** The person's manager in the directory; null when they have none (the top of the chain). */
  getManager(userId: UserId, options?: DirectoryOptions): Promise<DirectoryPerson | null>;
  /** The people who report directly to this person. */
  listDirectReports(userId: UserId, options?: DirectoryOptions): Promise<DirectoryPerson[]>;
  /** The person's time zone (IANA) from their mailbox settings; null when it is not set or not recognised. */
  getTimeZone(userId: UserId, options?: DirectoryOptions): Promise<string | null>;
  /** Reachability probe for /healthz: Graph answers with this app's credentials. */
  probe(options?: DirectoryOptions): Promise<void>;
}
