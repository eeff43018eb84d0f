import { Body1, Button, Link, Select, Subtitle2, Tab, TabList, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { Suspense, lazy, useEffect } from 'react';
import type { Session } from '../common/session';
import { Empty, Failure, Loading } from '../common/states';
import { useLoad } from '../common/useLoad';
import { ParticipantView } from './participant/ParticipantView';
import { ExperimentPage } from './ExperimentPage';
import { go, hrefOf, useRoute, type Route } from './route';
import type { DashboardHome } from '../../../contracts/home';

// The manager's and the owner's views are their own chunks: most people only ever see their own experiment.
const ManagerView = lazy(() => import('./manager/ManagerView').then((m) => ({ default: m.ManagerView })));
const OwnerView = lazy(() => import('./owner/OwnerView').then((m) => ({ default: m.OwnerView })));
const RoundForm = lazy(() => import('./owner/RoundForm').then((m) => ({ default: m.NewRoundPage })));

const useStyles = makeStyles({
  shell: { maxWidth: '1200px', margin: '0 auto', padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}`, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, boxSizing: 'border-box' },
  header: { display: 'flex', flexWrap: 'wrap', justifyContent: 'space-between', alignItems: 'baseline', gap: tokens.spacingHorizontalM },
  nav: { display: 'flex', flexWrap: 'wrap', alignItems: 'end', gap: tokens.spacingHorizontalM, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  tabs: { flexWrap: 'wrap' },
  roundPicker: { minWidth: '0', maxWidth: '100%', marginBottom: tokens.spacingVerticalS },
});

type Kind = 'me' | 'team' | 'owner';

function defaultRoute(data: DashboardHome): Route {
  if (data.participating[0]) return { view: 'me', roundId: data.participating[0].id };
  if (data.managing[0]) return { view: 'team', roundId: data.managing[0].id };
  if (data.owning[0]) return { view: 'owner', roundId: data.owning[0].id };
  if (data.me.canCreateRounds) return { view: 'new-round' };
  return { view: 'home' };
}

export function Dashboard({ session }: { session: Session }) {
  const styles = useStyles();
  const route = useRoute();
  const dashboard = useLoad((signal) => session.api.get('/dashboard', 'dashboardHome', { signal }), [session]);

  // A Teams deep link to a sub-page (subPageId "experiments/<round>/<person>") opens that view.
  useEffect(() => {
    const subPage = session.host?.context.page.subPageId;
    if (subPage && !window.location.hash) window.location.hash = `#/${subPage}`;
  }, [session]);

  useEffect(() => {
    if (dashboard.state === 'ready' && route.view === 'home') {
      const next = defaultRoute(dashboard.data);
      if (next.view !== 'home') window.location.replace(hrefOf(next));
    }
  }, [dashboard, route.view]);

  if (dashboard.state === 'loading') return <Loading label="Loading your dashboard…" />;
  if (dashboard.state === 'failed') return <main className={styles.shell}><Failure message={dashboard.error} onRetry={dashboard.reload} /></main>;
  const data = dashboard.data;
  const roundsOf: Record<Kind, readonly { id: string; name: string }[]> = { me: data.participating, team: data.managing, owner: data.owning };
  const kinds: { kind: Kind; label: string }[] = [
    ...(data.participating.length ? [{ kind: 'me' as const, label: 'My experiment' }] : []),
    ...(data.managing.length ? [{ kind: 'team' as const, label: 'My team' }] : []),
    ...(data.owning.length || data.me.canCreateRounds ? [{ kind: 'owner' as const, label: 'Rounds I run' }] : []),
  ];
  const currentKind: Kind | null = route.view === 'me' ? 'me' : route.view === 'team' ? 'team' : route.view === 'owner' || route.view === 'new-round' ? 'owner' : null;
  const currentRound = 'roundId' in route ? route.roundId : null;
  const choose = (kind: Kind, roundId?: string) => {
    const id = roundId ?? roundsOf[kind][0]?.id;
    if (id) go({ view: kind, roundId: id } as Route);
    else if (kind === 'owner') go({ view: 'new-round' });
  };

  return (
    <div className={styles.shell}>
      <header className={styles.header}>
        <Title2 as="h1">Practice Loop</Title2>
        <Body1>{data.me.displayName}</Body1>
      </header>
      {kinds.length > 0 && (
        <nav className={styles.nav} aria-label="Dashboard views">
          <TabList className={styles.tabs} selectedValue={currentKind ?? undefined} onTabSelect={(_e, d) => choose(d.value as Kind)}>
            {kinds.map((k) => <Tab key={k.kind} value={k.kind}>{k.label}</Tab>)}
          </TabList>
          {currentKind && roundsOf[currentKind].length > 1 && (
            <Select aria-label="Round" className={styles.roundPicker} value={currentRound ?? ''} onChange={(_e, d) => choose(currentKind, d.value)}>
              {roundsOf[currentKind].map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </Select>
          )}
          {currentKind === 'owner' && data.me.canCreateRounds && route.view !== 'new-round' && (
            <Button appearance="subtle" onClick={() => go({ view: 'new-round' })} style={{ marginBottom: 8 }}>New round</Button>
          )}
        </nav>
      )}
      <main>
        <Suspense fallback={<Loading />}>
          {route.view === 'me' && <ParticipantView key={route.roundId} session={session} roundId={route.roundId} />}
          {route.view === 'team' && <ManagerView key={route.roundId} session={session} roundId={route.roundId} />}
          {route.view === 'owner' && <OwnerView key={route.roundId} session={session} roundId={route.roundId} />}
          {route.view === 'new-round' && <RoundForm session={session} onCreated={(id) => { dashboard.reload(); go({ view: 'owner', roundId: id }); }} />}
          {route.view === 'experiment' && <ExperimentPage key={`${route.roundId}/${route.participantId}`} session={session} roundId={route.roundId} participantId={route.participantId} myUserId={data.me.userId} />}
          {route.view === 'home' && kinds.length === 0 && (
            <Empty title="You are not in a practice round yet">
              When a programme owner invites you, your experiment appears here and the Practice Loop bot messages you in Teams.
              {' '}<Link href="/tab/about.html">What is Practice Loop?</Link>
            </Empty>
          )}
        </Suspense>
      </main>
      <footer><Subtitle2 as="p" style={{ fontWeight: 'normal', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground3 }}>Practice Loop: time-boxed AI practice on real work.</Subtitle2></footer>
    </div>
  );
}
