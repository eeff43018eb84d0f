import {
  Badge, Body1, Button, Caption1, Card, CardHeader, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, DialogTrigger, Field, Input,
  Link, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Subtitle1, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Textarea, makeStyles, tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { ApiError, messageOf } from '../../common/api';
import { formatDate, formatHours } from '../../common/format';
import type { Session } from '../../common/session';
import { Empty, Failure, Loading } from '../../common/states';
import { useLoad } from '../../common/useLoad';
import { ForbiddenPage } from '../ExperimentPage';
import { hrefOf } from '../route';
import { FitNote } from '../FitNote';
import type { TeamMember as TeamRow } from '../../../../contracts/team';
import { STATE_LABELS, toolNameOf } from '../labels';

/**
 * The manager's view of a round: plans waiting for their review (approve / request changes / extend — the same
 * REST route and use case as the review card in chat), and each report's step, hours planned vs kept, journals
 * and assets, with the check-in and encouragement actions (src/api/journals.ts).
 */
const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  card: { padding: tokens.spacingHorizontalL },
  review: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, borderTop: `1px solid ${tokens.colorNeutralStroke2}`, paddingTop: tokens.spacingVerticalM },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'end' },
  tableWrap: { overflowX: 'auto' },
  dl: { display: 'grid', gridTemplateColumns: 'minmax(0, max-content) minmax(0, 1fr)', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXXS, margin: 0, '& dd': { margin: 0, overflowWrap: 'anywhere' }, '& dt': { fontWeight: tokens.fontWeightSemibold } },
});

function ReviewCard({ session, roundId, row, onDone }: { session: Session; roundId: string; row: TeamRow; onDone(message: string): void }) {
  const styles = useStyles();
  const [comment, setComment] = useState('');
  const [days, setDays] = useState('7');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  async function act(kind: 'approve' | 'requestChanges' | 'extendWindow') {
    setFailure(null);
    const local: Record<string, string> = {};
    if (kind === 'requestChanges' && comment.trim().length === 0) local.comment = 'Say what should change, so they know what to edit.';
    const dayCount = Number(days);
    if (kind === 'extendWindow' && (!Number.isInteger(dayCount) || dayCount < 1 || dayCount > 14)) local.days = 'Extend by 1 to 14 whole days.';
    setErrors(local);
    if (Object.keys(local).length) return;
    const body = kind === 'approve' ? { kind, ...(comment.trim() ? { comment } : {}) } : kind === 'requestChanges' ? { kind, comment } : { kind, days: dayCount };
    setBusy(true);
    try {
      await session.api.send('POST', `/rounds/${encodeURIComponent(roundId)}/experiments/${encodeURIComponent(row.userId)}/review`, { ...body, expectedVersion: row.version ?? undefined });
      onDone(kind === 'approve' ? `Approved ${row.displayName}’s plan.` : kind === 'requestChanges' ? `Asked ${row.displayName} for changes.` : `Extended ${row.displayName}’s window by ${dayCount} days.`);
    } catch (error) {
      if (error instanceof ApiError && error.isConflict) setStale(true);
      else {
        if (error instanceof ApiError) setErrors(error.fieldErrors);
        setFailure(messageOf(error));
      }
    } finally {
      setBusy(false);
    }
  }

  const h = row.hypothesis;
  return (
    <section className={styles.review} aria-label={`Plan from ${row.displayName}`} data-testid={`review-${row.userId}`}>
      <Body1><strong>{row.displayName}</strong>{row.jobTitle ? ` · ${row.jobTitle}` : ''}</Body1>
      <dl className={styles.dl}>
        <dt>Friction point</dt><dd>{row.selection?.frictionPoint.description ?? '—'}</dd>
        <dt>Tool</dt><dd>{toolNameOf(row.selection?.tool)}</dd>
        <dt>KPI</dt><dd>{row.selection?.kpi ?? '—'}</dd>
        <dt>Outcome</dt><dd>{h ? `${h.measure}: ${h.baseline.value} → ${h.target.value} ${h.target.unit}` : '—'}</dd>
        <dt>How they will know</dt><dd>{h?.howWeWillKnow ?? '—'}</dd>
      </dl>
      {row.fit && <FitNote assessment={row.fit} testId={`review-fit-${row.userId}`} />}
      {stale && (
        <MessageBar intent="warning" role="alert" layout="multiline">
          <MessageBarBody><MessageBarTitle>This changed since you opened it</MessageBarTitle>The plan was changed or reviewed elsewhere (perhaps on the chat card). Reload to see it as it stands; your note stays here.</MessageBarBody>
          <MessageBarActions><Button onClick={() => onDone('')}>Reload</Button></MessageBarActions>
        </MessageBar>
      )}
      <Field label="Note to them (required to ask for changes)" validationMessage={errors.comment} validationState={errors.comment ? 'error' : 'none'}>
        <Textarea value={comment} onChange={(_e, d) => setComment(d.value)} resize="vertical" />
      </Field>
      <div className={styles.actions}>
        <Button appearance="primary" disabled={busy || stale} onClick={() => void act('approve')}>Approve</Button>
        <Button disabled={busy || stale} onClick={() => void act('requestChanges')}>Request changes</Button>
        <Field label="Extra days" validationMessage={errors.days} validationState={errors.days ? 'error' : 'none'} style={{ maxWidth: '8em' }}>
          <Input value={days} onChange={(_e, d) => setDays(d.value)} inputMode="numeric" />
        </Field>
        <Button disabled={busy || stale} onClick={() => void act('extendWindow')}>Extend window</Button>
      </div>
      {failure && <MessageBar intent="error" role="alert"><MessageBarBody>{failure}</MessageBarBody></MessageBar>}
    </section>
  );
}

function ReportDetails({ session, roundId, row }: { session: Session; roundId: string; row: TeamRow }) {
  const data = useLoad(async (signal) => {
    const base = `/rounds/${encodeURIComponent(roundId)}/reports/${encodeURIComponent(row.userId)}`;
    const [journals, assets] = await Promise.all([
      session.api.get(`${base}/journals`, 'journalEntries', { signal }),
      session.api.get(`${base}/assets`, 'assets', { signal }),
    ]);
    return { journals: journals.value, assets: assets.value };
  }, [session, roundId, row.userId]);
  if (data.state === 'loading') return <Loading label="Loading journal and assets…" />;
  if (data.state === 'failed') return <Failure message={data.error} onRetry={data.reload} />;
  return (
    <div>
      {data.data.journals.length === 0 ? <Caption1>No journal entries yet.</Caption1> : data.data.journals.map((j) => (
        <Caption1 as="p" key={j.weekStart}><strong>{formatDate(j.weekStart, session.where)}</strong>: improved {j.improved || '—'}; broke {j.broke || '—'}; surprised {j.surprised || '—'}; taught {j.taught || '—'}</Caption1>
      ))}
      {data.data.assets.length > 0 && <Caption1 as="p">Assets: {data.data.assets.map((a) => a.title).join(', ')}</Caption1>}
    </div>
  );
}

function NudgeDialog({ session, roundId, row, onDone }: { session: Session; roundId: string; row: TeamRow; onDone(message: string): void }) {
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [sending, setSending] = useState(false);
  async function send() {
    if (message.trim().length === 0) return setError('Write a short message first.');
    setError(null);
    setSending(true);
    try {
      await session.api.send('POST', `/rounds/${encodeURIComponent(roundId)}/reports/${encodeURIComponent(row.userId)}/encourage`, { message });
      setOpen(false);
      onDone(`Sent your note to ${row.displayName}.`);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSending(false);
    }
  }
  return (
    <Dialog open={open} onOpenChange={(_e, d) => setOpen(d.open)}>
      <DialogTrigger disableButtonEnhancement><Button size="small">Encourage</Button></DialogTrigger>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Encourage {row.displayName}</DialogTitle>
          <DialogContent>
            <Field label="Message" validationMessage={error ?? undefined} validationState={error ? 'error' : 'none'}>
              <Textarea value={message} onChange={(_e, d) => setMessage(d.value)} />
            </Field>
          </DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement><Button>Cancel</Button></DialogTrigger>
            <Button appearance="primary" disabled={sending} onClick={() => void send()}>{sending ? 'Sending…' : 'Send'}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

export function ManagerView({ session, roundId }: { session: Session; roundId: string }) {
  const styles = useStyles();
  const team = useLoad((signal) => session.api.get(`/rounds/${encodeURIComponent(roundId)}/team`, 'team', { signal }), [session, roundId]);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  if (team.state === 'loading') return <Loading label="Loading your team…" />;
  if (team.state === 'failed') return team.status === 403 ? <ForbiddenPage message={team.error} /> : <Failure message={team.error} onRetry={team.reload} />;
  const rows = team.data.value;
  const pending = rows.filter((r) => r.reviewPending);
  const done = (message: string) => { if (message) setNotice(message); team.reload(); };
  async function checkIn(row: TeamRow) {
    setFailure(null);
    try {
      await session.api.send('POST', `/rounds/${encodeURIComponent(roundId)}/reports/${encodeURIComponent(row.userId)}/checkin`, {});
      setNotice(`Booked a 15-minute check-in with ${row.displayName}.`);
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  return (
    <div className={styles.stack}>
      <Subtitle1 as="h2">{team.data.round.name}: your team</Subtitle1>
      {notice && <MessageBar intent="success" role="status"><MessageBarBody>{notice}</MessageBarBody></MessageBar>}
      {failure && <MessageBar intent="error" role="alert"><MessageBarBody>{failure}</MessageBarBody></MessageBar>}
      <Card className={styles.card}>
        <CardHeader header={<Subtitle1 as="h3">Plans waiting for your review</Subtitle1>} action={<Badge appearance="filled">{pending.length}</Badge>} />
        {pending.length === 0 ? <Empty title="Nothing to review">When someone sends you their plan it appears here and in your Teams chat.</Empty>
          : pending.map((row) => <ReviewCard key={`${row.userId}:${row.version}`} session={session} roundId={roundId} row={row} onDone={done} />)}
      </Card>
      <Card className={styles.card}>
        <CardHeader header={<Subtitle1 as="h3">Your reports in this round</Subtitle1>} />
        {rows.length === 0 ? <Empty title="None of your reports take part in this round" /> : (
          <div className={styles.tableWrap}>
            <Table aria-label="Your reports" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Person</TableHeaderCell><TableHeaderCell>Step</TableHeaderCell><TableHeaderCell>Hours kept / planned</TableHeaderCell>
                  <TableHeaderCell>Journal</TableHeaderCell><TableHeaderCell>Assets shared</TableHeaderCell><TableHeaderCell>Actions</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((row) => (
                  <TableRow key={row.userId}>
                    <TableCell><Link href={hrefOf({ view: 'experiment', roundId, participantId: row.userId })}>{row.displayName}</Link></TableCell>
                    <TableCell>{STATE_LABELS[row.state] ?? row.state}{row.booking?.status === 'failed' ? ' · could not book' : ''}</TableCell>
                    <TableCell>{formatHours(row.hours.keptMinutes / 60, session.where)} / {formatHours(row.hours.plannedMinutes / 60, session.where)}</TableCell>
                    <TableCell>
                      <Button size="small" appearance="transparent" aria-expanded={open === row.userId} onClick={() => setOpen(open === row.userId ? null : row.userId)}>
                        {row.journals.entries} {row.journals.entries === 1 ? 'entry' : 'entries'}
                      </Button>
                      {open === row.userId && <ReportDetails session={session} roundId={roundId} row={row} />}
                    </TableCell>
                    <TableCell>{row.assets.shared} of {row.assets.saved}</TableCell>
                    <TableCell>
                      <div className={styles.actions}>
                        <NudgeDialog session={session} roundId={roundId} row={row} onDone={done} />
                        <Button size="small" onClick={() => void checkIn(row)}>Book check-in</Button>
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </Card>
    </div>
  );
}
