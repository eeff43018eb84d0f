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
}
