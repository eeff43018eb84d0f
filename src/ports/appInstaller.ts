import type { UserId } from '../domain/ids';

export interface InstallOptions {
  readonly abortSignal?: AbortSignal;
}

/**
 * Makes sure a person has the app so the bot can reach them first: installs it for them through
 * Graph if needed and returns the id of their personal chat with the app.
 */
export interface AppInstaller {
  ensureInstalledFor(userId: UserId, options?: InstallOptions): Promise<{ readonly chatId: string; readonly newlyInstalled: boolean }>;
  /**
   * The same for many people at once (Graph JSON batches: list, install where missing, list again, chat). Each
   * person gets their own answer: the chat, or the error that stopped it (a DeliveryError when retrying cannot help,
   * e.g. the install was refused), so one person's failure never holds up the others.
   */
  ensureInstalledForMany(userIds: readonly UserId[], options?: InstallOptions): Promise<Map<UserId, InstallAnswer>>;
}

export type InstallAnswer = { readonly ok: true; readonly chatId: string; readonly newlyInstalled: boolean } | { readonly ok: false; readonly error: Error };
