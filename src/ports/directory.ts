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
  /**
   * The direct reports of many people at once (Graph JSON batches of 20): each manager's reports, [] for
   * someone not in the directory. One call per level of a reporting chain instead of one per manager.
   */
  listDirectReportsOfMany(managerIds: readonly UserId[], options?: DirectoryOptions): Promise<Map<UserId, DirectoryPerson[]>>;
  /** Many people at once (JSON batches): absent from the map when the directory has no such person. */
  getPeople(userIds: readonly UserId[], options?: DirectoryOptions): Promise<Map<UserId, DirectoryPerson>>;
  /**
   * Many people's time zones at once (JSON batches of mailbox settings). Null for a person whose zone is not set,
   * not recognised or cannot be read (no mailbox, still throttled after the retries): the caller's fallback applies.
   */
  getTimeZones(userIds: readonly UserId[], options?: DirectoryOptions): Promise<Map<UserId, string | null>>;
  /** The person's time zone (IANA) from their mailbox settings; null when it is not set or not recognised. */
  getTimeZone(userId: UserId, options?: DirectoryOptions): Promise<string | null>;
  /** Reachability probe for /healthz: Graph answers with this app's credentials. */
  probe(options?: DirectoryOptions): Promise<void>;
}
