import {
  Badge, Body1, Button, Caption1, Card, CardHeader, Field, MessageBar, MessageBarBody, Select, Subtitle1, Textarea, makeStyles, tokens,
} from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import { ApiError, messageOf } from '../../common/api';
import { formatDateTime, formatHours, formatNumber } from '../../common/format';
import type { Session } from '../../common/session';
import { Empty, Failure, Loading } from '../../common/states';
import { useLoad } from '../../common/useLoad';
import { ForbiddenPage } from '../ExperimentPage';
import { hrefOf } from '../route';
import type { OwnerOverview as OverviewAnswer, ProblemKindAnswer, RoundProblemsPage } from '../../../../contracts/owner';
import { STATE_LABELS } from '../labels';
import { CatalogueEditor } from './CatalogueEditor';
import { CapabilityHeatMap, FunnelChart, FunnelHelp } from './charts';
import { diffLines } from './policyDiff';
import { RoundForm, type EditableRound } from './RoundForm';


const PAGE = 50;
const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  grid: { display: 'grid', gap: tokens.spacingVerticalL, gridTemplateColumns: 'minmax(0, 1fr)', '@media (min-width: 900px)': { gridTemplateColumns: 'repeat(2, minmax(0, 1fr))' } },
  card: { padding: tokens.spacingHorizontalL },
  figures: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXL },
  figure: { display: 'flex', flexDirection: 'column' },
  big: { fontSize: tokens.fontSizeHero700, fontWeight: tokens.fontWeightSemibold, lineHeight: tokens.lineHeightHero700 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL, overflowWrap: 'anywhere' },
  diff: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, whiteSpace: 'pre-wrap', margin: 0, padding: tokens.spacingHorizontalS, border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, maxHeight: '20em', overflowY: 'auto' },
  added: { background: tokens.colorPaletteGreenBackground2, display: 'block' },
  removed: { background: tokens.colorPaletteRedBackground2, display: 'block', textDecoration: 'line-through' },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

function Drill({ session, roundId, stage }: { session: Session; roundId: string; stage: string }) {
  const [page, setPage] = useState(0);
  const funnel = useLoad((signal) => session.api.get(`/rounds/${encodeURIComponent(roundId)}/funnel`, 'roundFunnel', { signal }), [session, roundId]);
  const ids = funnel.state === 'ready' ? funnel.data.value.find((r) => r.stage === stage)?.userIds ?? [] : [];
  const slice = ids.slice(page * PAGE, (page + 1) * PAGE);
  const people = useLoad(async (signal) => (slice.length === 0 ? { value: [] } : session.api.get(`/rounds/${encodeURIComponent(roundId)}/people?ids=${slice.join(',')}`, 'roundPeople', { signal })), [session, roundId, stage, page, funnel.state]);
  if (funnel.state === 'failed') return <Failure message={funnel.error} onRetry={funnel.reload} />;
  if (funnel.state === 'loading' || people.state === 'loading') return <Loading label="Loading people…" />;
  if (people.state === 'failed') return <Failure message={people.error} onRetry={people.reload} />;
  const label = funnel.data.value.find((r) => r.stage === stage)?.label ?? stage;
  return (
    <section aria-label={`People: ${label}`} data-testid="drill-down">
      <Body1><strong>{label}</strong>: {ids.length} {ids.length === 1 ? 'person' : 'people'}</Body1>
      {ids.length === 0 ? <Empty title="Nobody at this stage yet" /> : (
        <ul style={{ margin: 0 }}>
          {people.data.value.map((p) => (
            <li key={p.userId}><a href={hrefOf({ view: 'experiment', roundId, participantId: p.userId })}>{p.displayName ?? p.userId}</a>{p.department ? ` · ${p.department}` : ''} · {STATE_LABELS[p.state] ?? p.state}</li>
          ))}
        </ul>
      )}
      {ids.length > PAGE && (
        <div style={{ display: 'flex', gap: 8 }}>
          <Button size="small" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</Button>
          <Caption1>{page * PAGE + 1}–{Math.min(ids.length, (page + 1) * PAGE)} of {ids.length}</Caption1>
          <Button size="small" disabled={(page + 1) * PAGE >= ids.length} onClick={() => setPage(page + 1)}>Next</Button>
        </div>
      )}
    </section>
  );
}

type ProblemOf<K extends ProblemKindAnswer> = Extract<RoundProblemsPage, { kind: K }>['problems'][number];

/**
 * One of the owner's problem lists: the overview's first page, how many there are in all, and "Show more" to read the
 * next page (the problems query, from the token the last page gave). A reloaded overview starts the list again.
 */
function ProblemList<K extends ProblemKindAnswer>({ session, roundId, kind, first, list, label, testId, keyOf, render }: {
  session: Session; roundId: string; kind: K; first: readonly ProblemOf<K>[]; list: OverviewAnswer['problemLists'][K];
  label: string; testId?: string; keyOf(problem: ProblemOf<K>): string; render(problem: ProblemOf<K>): ReactNode;
}) {
  const styles = useStyles();
  const [more, setMore] = useState<{ readonly after: readonly ProblemOf<K>[]; readonly problems: readonly ProblemOf<K>[]; readonly next: string | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Pages read after this first page; none once the overview has reloaded (its first page is a new list).
  const read = more?.after === first ? more : null;
  const shown = read ? [...first, ...read.problems] : first;
  const next = read ? read.next : list.next;
  async function showMore() {
    if (!next) return;
    setLoading(true);
    setError(null);
    try {
      const page = await session.api.get(`/rounds/${encodeURIComponent(roundId)}/problems?kind=${kind}&after=${encodeURIComponent(next)}`, 'roundProblems');
      // The page answers for the kind asked (the server keeps each kind's rows apart).
      const problems = page.problems as readonly ProblemOf<K>[];
      setMore({ after: first, problems: [...(read?.problems ?? []), ...problems], next: page.next });
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setLoading(false);
    }
  }
  return (
    <>
      <ul className={styles.list} aria-label={label} data-testid={testId}>
        {shown.map((problem) => <li key={keyOf(problem)}>{render(problem)}</li>)}
      </ul>
      {(next !== null || list.total > shown.length) && (
        <div className={styles.actions} style={{ alignItems: 'center' }}>
          <Caption1>Showing {shown.length} of {Math.max(list.total, shown.length)}</Caption1>
          {next !== null && <Button size="small" disabled={loading} onClick={() => void showMore()} aria-label={`Show more: ${label}`}>{loading ? 'Loading…' : 'Show more'}</Button>}
        </div>
      )}
      {error && <MessageBar intent="error" role="alert"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
    </>
  );
}

function Capability({ session, roundId }: { session: Session; roundId: string }) {
  const map = useLoad((signal) => session.api.get(`/rounds/${encodeURIComponent(roundId)}/capability`, 'capabilityMap', { signal }), [session, roundId]);
  if (map.state === 'loading') return <Loading label="Loading the capability map…" />;
  if (map.state === 'failed') return <Failure title="The capability map could not load" message={map.error} onRetry={map.reload} />;
  if (map.data.tools.length === 0) return <Empty title="No one has practised a tool yet">The map fills in as people start practising.</Empty>;
  return <CapabilityHeatMap map={map.data} where={session.where} />;
}

function Policy({ session, round, onPublished }: { session: Session; round: OverviewAnswer['round']; onPublished(): void }) {
  const styles = useStyles();
  const versions = round.policy.versions;
  const [from, setFrom] = useState(String(Math.max(1, versions.length - 1)));
  const [text, setText] = useState(versions.at(-1)?.text ?? '');
  const [message, setMessage] = useState<{ intent: 'error' | 'success'; text: string } | null>(null);
  const older = versions.find((v) => String(v.version) === from);
  const newest = versions.at(-1);
  async function publish() {
    if (text.trim() === (newest?.text ?? '').trim()) return setMessage({ intent: 'error', text: 'The text is the same as the current version; change it before publishing.' });
    try {
      await session.api.send('POST', `/rounds/${encodeURIComponent(round.id)}/policy`, { text });
      setMessage({ intent: 'success', text: 'Published. Everyone who confirmed an older version will be asked to confirm this one.' });
      onPublished();
    } catch (error) {
      setMessage({ intent: 'error', text: messageOf(error) });
    }
  }
  return (
    <div className={styles.stack}>
      {versions.length > 1 && older && newest && (
        <>
          <Field label="Compare with version">
            <Select value={from} onChange={(_e, d) => setFrom(d.value)}>{versions.slice(0, -1).map((v) => <option key={v.version} value={String(v.version)}>Version {v.version} ({formatDateTime(v.publishedAt, session.where)})</option>)}</Select>
          </Field>
          <pre className={styles.diff} aria-label={`Changes from version ${older.version} to version ${newest.version}`}>
            {diffLines(older.text, newest.text).map((line, i) => (
              <span key={i} className={line.kind === 'added' ? styles.added : line.kind === 'removed' ? styles.removed : undefined}>
                {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '− ' : '  '}{line.text}{'\n'}
              </span>
            ))}
          </pre>
        </>
      )}
      {versions.length <= 1 && <Caption1>Version {newest?.version ?? '—'} is the only version.</Caption1>}
      <Field label="Publish a new version"><Textarea value={text} onChange={(_e, d) => setText(d.value)} resize="vertical" rows={6} /></Field>
      {message && <MessageBar intent={message.intent}><MessageBarBody>{message.text}</MessageBarBody></MessageBar>}
      <div><Button onClick={() => void publish()}>Publish version {(newest?.version ?? 0) + 1}</Button></div>
    </div>
  );
}

export function OwnerView({ session, roundId }: { session: Session; roundId: string }) {
  const styles = useStyles();
  const overview = useLoad((signal) => session.api.get(`/rounds/${encodeURIComponent(roundId)}/overview`, 'ownerOverview', { signal }), [session, roundId]);
  const [stage, setStage] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<{ intent: 'error' | 'success'; text: string } | null>(null);
  if (overview.state === 'loading') return <Loading label="Loading the round…" />;
  if (overview.state === 'failed') return overview.status === 403 ? <ForbiddenPage message={overview.error} /> : <Failure message={overview.error} onRetry={overview.reload} />;
  const data = overview.data;
  const { where } = session;

  async function download() {
    try {
      const blob = await session.api.download(`/rounds/${encodeURIComponent(roundId)}/export.csv`);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `round-${roundId}.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setNotice({ intent: 'error', text: messageOf(error) });
    }
  }
  async function resend(who: 'failed' | 'uncertain') {
    try {
      const outcome = await session.api.send<{ requeued: number }>('POST', `/rounds/${encodeURIComponent(roundId)}/kickoff/resend`, { who });
      setNotice({ intent: 'success', text: outcome.requeued === 0 ? 'Nobody was waiting for a resend.' : `Resending the kickoff to ${outcome.requeued} ${outcome.requeued === 1 ? 'person' : 'people'}; the card says “in case you missed it”.` });
      overview.reload();
    } catch (error) {
      setNotice({ intent: 'error', text: error instanceof ApiError ? error.message : messageOf(error) });
    }
  }
  async function retryEffects(participantId: string) {
    try {
      await session.api.send('POST', `/rounds/${encodeURIComponent(roundId)}/experiments/${encodeURIComponent(participantId)}/decision/effects`, {});
      setNotice({ intent: 'success', text: 'Tried again: the list shows what still could not run.' });
      overview.reload();
    } catch (error) {
      setNotice({ intent: 'error', text: error instanceof ApiError ? error.message : messageOf(error) });
    }
  }
  async function open() {
    try {
      await session.api.send('POST', `/rounds/${encodeURIComponent(roundId)}/open`, {});
      setNotice({ intent: 'success', text: 'The round is open: kickoff messages are on their way.' });
      overview.reload();
    } catch (error) {
      setNotice({ intent: 'error', text: error instanceof ApiError ? error.message : messageOf(error) });
    }
  }

  return (
    <div className={styles.stack}>
      <div className={styles.actions} style={{ alignItems: 'center', justifyContent: 'space-between' }}>
        <Subtitle1 as="h2">{data.round.name} <Badge appearance="tint">{data.round.status}</Badge></Subtitle1>
        <div className={styles.actions}>
          {data.round.status === 'draft' && <Button appearance="primary" onClick={() => void open()}>Open round</Button>}
          <Button onClick={() => setEditing(!editing)} aria-expanded={editing}>{editing ? 'Close editor' : 'Edit round'}</Button>
          <Button onClick={() => void download()}>Export CSV</Button>
        </div>
      </div>
      {notice && <MessageBar intent={notice.intent} role={notice.intent === 'error' ? 'alert' : 'status'}><MessageBarBody>{notice.text}</MessageBarBody></MessageBar>}
      {editing && (
        <Card className={styles.card}>
          <CardHeader header={<Subtitle1 as="h3">Round setup</Subtitle1>} />
          <RoundForm session={session} round={data.round} onSaved={() => overview.reload()} />
        </Card>
      )}
      <Card className={styles.card}>
        <div className={styles.figures}>
          <div className={styles.figure}><span className={styles.big}>{formatNumber(data.people, where)}</span><Caption1>people invited</Caption1></div>
          <div className={styles.figure}><span className={styles.big}>{formatNumber(data.kickoff.sent, where)}</span><Caption1>kickoffs delivered</Caption1></div>
          <div className={styles.figure}><span className={styles.big}>{formatHours(data.hours.keptMinutes / 60, where)}</span><Caption1>kept of {formatHours(data.hours.plannedMinutes / 60, where)} planned</Caption1></div>
          <div className={styles.figure}><span className={styles.big}>{formatDateTime(data.round.shareback.startsAt, where)}</span><Caption1>shareback{data.shareback?.joinUrl ? ' (meeting booked)' : ''}</Caption1></div>
        </div>
      </Card>
      <div className={styles.grid}>
        <Card className={styles.card}>
          <CardHeader header={<Subtitle1 as="h3">Funnel</Subtitle1>} description={<Caption1>Select a stage to see who reached it</Caption1>} />
          <FunnelChart rows={data.funnel} where={where} selected={stage} onDrill={(s) => setStage(stage === s ? null : s)} />
          <FunnelHelp />
          {stage && <Drill session={session} roundId={roundId} stage={stage} />}
        </Card>
        <Card className={styles.card}>
          <CardHeader header={<Subtitle1 as="h3">Kickoff delivery</Subtitle1>} />
          <Body1>{data.kickoff.sent} sent · {data.kickoff.queued + data.kickoff.sending} on the way · {data.kickoff.failed} failed · {data.kickoff.uncertain ?? 0} uncertain</Body1>
          {data.kickoffFailures.length > 0 && (
            <ProblemList
              session={session} roundId={roundId} kind="kickoff" first={data.kickoffFailures} list={data.problemLists.kickoff} label="Kickoff failures"
              keyOf={(f) => f.userId}
              render={(f) => <>{f.displayName ?? f.userId}: {f.state === 'uncertain' ? 'uncertain — ' : ''}{f.reason ?? 'not delivered'} ({f.attempts} attempts)</>}
            />
          )}
          {(data.kickoff.failed > 0 || (data.kickoff.uncertain ?? 0) > 0) && (
            <div className={styles.actions}>
              {data.kickoff.failed > 0 && <Button onClick={() => void resend('failed')}>Resend to {data.kickoff.failed} failed</Button>}
              {(data.kickoff.uncertain ?? 0) > 0 && <Button onClick={() => void resend('uncertain')}>Resend to {data.kickoff.uncertain} uncertain</Button>}
            </div>
          )}
          {data.effectProblems.length > 0 && (
            <>
              <CardHeader header={<Subtitle1 as="h3">Decisions whose effects could not run</Subtitle1>} />
              <ProblemList
                session={session} roundId={roundId} kind="effect" first={data.effectProblems} list={data.problemLists.effect} label="Decision effects that could not run"
                keyOf={(p) => `${p.userId}-${p.effect}`}
                render={(p) => <>{p.displayName ?? p.userId}: {p.reason}{' '}<Button size="small" onClick={() => void retryEffects(p.userId)}>Retry</Button></>}
              />
            </>
          )}
          <CardHeader header={<Subtitle1 as="h3">Booking problems</Subtitle1>} />
          {data.bookingProblems.length === 0 ? <Caption1>No booking problems.</Caption1> : (
            <ProblemList
              session={session} roundId={roundId} kind="booking" first={data.bookingProblems} list={data.problemLists.booking} label="Booking problems" testId="booking-problems"
              keyOf={(p) => p.userId}
              render={(p) => <>{p.displayName ?? p.userId}: {p.reason}</>}
            />
          )}
        </Card>
      </div>
      <Card className={styles.card}>
        <CardHeader header={<Subtitle1 as="h3">Capability map</Subtitle1>} description={<Caption1>People who practised each tool, by team. A tool only one person knows is a dependency risk.</Caption1>} />
        <Capability session={session} roundId={roundId} />
      </Card>
      <div className={styles.grid}>
        <Card className={styles.card}>
          <CardHeader header={<Subtitle1 as="h3">Safe-use policy</Subtitle1>} description={<Caption1>{data.round.policy.versions.length} version(s)</Caption1>} />
          <Policy session={session} round={data.round} onPublished={overview.reload} />
        </Card>
        <Card className={styles.card}>
          <CardHeader header={<Subtitle1 as="h3">Tool catalogue</Subtitle1>} description={<Caption1>{data.round.catalogue.length} tool(s). Participants pick from this list; changes apply when you save.</Caption1>} />
          <CatalogueEditor session={session} round={data.round} onSaved={overview.reload} />
        </Card>
      </div>
    </div>
  );
}
