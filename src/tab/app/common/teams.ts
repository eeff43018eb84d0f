import type { app } from '@microsoft/teams-js';

/**
 * Teams host detection, time-boxed. Outside an iframe there is no Teams host, so we answer at once; inside a
 * foreign iframe `app.initialize()` never settles (nobody answers its postMessage), so it races a timer.
 * teams-js is imported on demand: a browser outside Teams never downloads it.
 */
export type TeamsContext = app.Context;
export type TeamsTheme = 'default' | 'dark' | 'contrast';

export interface TeamsHost {
  readonly context: TeamsContext;
  /** A Teams SSO token for this app's API (`authentication.getAuthToken()`). */
  getToken(): Promise<string>;
  /** Calls back when the person switches Teams theme. */
  onThemeChange(handler: (theme: TeamsTheme) => void): void;
  /** Opens a deep link inside Teams (meeting join links, other tabs). */
  openLink(url: string): Promise<void>;
}

export const TEAMS_INIT_TIMEOUT_MS = 4000;

function insideFrame(): boolean {
  try {
    return window.parent !== window;
  } catch {
    return true;
  }
}

let pending: Promise<TeamsHost | null> | undefined;

/** The Teams host, or null when the page is not running inside Teams (or Teams did not answer in time). */
export function connectToTeams(timeoutMs = TEAMS_INIT_TIMEOUT_MS): Promise<TeamsHost | null> {
  pending ??= connect(timeoutMs);
  return pending;
}

async function connect(timeoutMs: number): Promise<TeamsHost | null> {
  if (!insideFrame()) return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
  const attempt = (async (): Promise<TeamsHost | null> => {
    const teams = await import('@microsoft/teams-js');
    await teams.app.initialize();
    const context = await teams.app.getContext();
    // Tell Teams the tab has loaded so it removes its own loading indicator.
    teams.app.notifySuccess();
    return {
      context,
      getToken: () => teams.authentication.getAuthToken(),
      onThemeChange: (handler) => teams.app.registerOnThemeChangeHandler((theme) => handler(normaliseTheme(theme))),
      openLink: (url) => teams.app.openLink(url),
    };
  })().catch(() => null);
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function normaliseTheme(theme: string | undefined): TeamsTheme {
  return theme === 'dark' || theme === 'contrast' ? theme : 'default';
}
