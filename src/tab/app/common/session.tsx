import { Body1, Link, Subtitle1, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { createApiClient, type ApiClient } from './api';
import { syncAppClock } from './appClock';
import { DevSignIn, rememberedDevUser } from './DevSignIn';
import { browserLocale, type Locale } from './format';
import { Failure, Loading } from './states';
import { connectToTeams, type TeamsHost } from './teams';
import { ThemedApp, useTeamsTheme } from './theme';
import './base.css';

/**
 * Who is looking at the tab, and how to call the API as them. In Teams: SSO. Outside Teams with AUTH_MODE=dev:
 * the "Signed in as" picker. Otherwise: a page saying to open Practice Loop in Teams (never a blank screen).
 */
export interface Session {
  readonly api: ApiClient;
  readonly host: TeamsHost | null;
  readonly mode: 'teams' | 'dev';
  /** The demo user chosen in dev mode (in Teams the API learns the caller from the token). */
  readonly devUserId: string | null;
  readonly where: Locale;
}

interface TabSettings {
  readonly authMode: 'dev' | 'entra';
  readonly clientId: string | null;
  /** The service's time (moved forward by the demo clock in AUTH_MODE=dev). */
  readonly now?: string;
}

type Boot =
  | { readonly state: 'starting' }
  | { readonly state: 'teams'; readonly host: TeamsHost }
  | { readonly state: 'dev' }
  | { readonly state: 'outside-teams' }
  | { readonly state: 'failed'; readonly message: string };

const useStyles = makeStyles({
  page: { maxWidth: '640px', margin: '0 auto', padding: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

export function OpenInTeams() {
  const styles = useStyles();
  return (
    <main className={styles.page}>
      <Title2 as="h1">Open Practice Loop in Microsoft Teams</Title2>
      <Body1 as="p">This page is the Practice Loop tab. It signs you in through Teams, so it only shows your dashboard inside Teams.</Body1>
      <Subtitle1 as="h2">What to do</Subtitle1>
      <Body1 as="p">In Teams, open <strong>Apps</strong>, find <strong>Practice Loop</strong> and choose <strong>Dashboard</strong>. If you cannot find the app, ask your Teams admin to add it.</Body1>
      <Body1 as="p"><Link href="/tab/about.html">About Practice Loop</Link></Body1>
    </main>
  );
}

export function SessionGate({ children }: { children: (session: Session) => ReactNode }) {
  const [boot, setBoot] = useState<Boot>({ state: 'starting' });
  const [devUserId, setDevUserId] = useState<string | null>(() => rememberedDevUser());
  // Bumped when the demo clock moves, so every view reloads at the new time.
  const [clockMoves, setClockMoves] = useState(0);
  const host = boot.state === 'teams' ? boot.host : null;
  const theme = useTeamsTheme(host);

  useEffect(() => {
    let live = true;
    void (async () => {
      const teams = await connectToTeams();
      if (!live) return;
      if (teams) return setBoot({ state: 'teams', host: teams });
      try {
        const response = await fetch('/tab/settings.json');
        const settings = (await response.json()) as TabSettings;
        syncAppClock(settings.now);
        if (live) setBoot(settings.authMode === 'dev' ? { state: 'dev' } : { state: 'outside-teams' });
      } catch {
        if (live) setBoot({ state: 'failed', message: 'Practice Loop could not be reached. Check your connection and reload the page.' });
      }
    })();
    return () => { live = false; };
  }, []);

  const session = useMemo<Session | null>(() => {
    if (boot.state === 'teams') {
      const context = boot.host.context;
      const fallback = browserLocale();
      return { api: createApiClient({ kind: 'teams', getToken: boot.host.getToken }), host: boot.host, mode: 'teams', devUserId: null, where: { locale: context.app.locale || fallback.locale, timeZone: fallback.timeZone } };
    }
    if (boot.state === 'dev' && devUserId) return { api: createApiClient({ kind: 'dev', userId: devUserId }), host: null, mode: 'dev', devUserId, where: browserLocale() };
    return null;
  }, [boot, devUserId]);

  return (
    <ThemedApp theme={theme}>
      {boot.state === 'starting' && <Loading label="Starting Practice Loop…" />}
      {boot.state === 'failed' && <main style={{ padding: 24 }}><Failure message={boot.message} onRetry={() => window.location.reload()} /></main>}
      {boot.state === 'outside-teams' && <OpenInTeams />}
      {boot.state === 'dev' && <DevSignIn userId={devUserId} onChange={setDevUserId} onClockMoved={() => setClockMoves((n) => n + 1)} />}
      {/* Keyed by the person so switching demo user starts every view afresh (no one else's data lingers). */}
      {session && <div key={`${session.devUserId ?? 'teams'}:${clockMoves}`}>{children(session)}</div>}
    </ThemedApp>
  );
}
