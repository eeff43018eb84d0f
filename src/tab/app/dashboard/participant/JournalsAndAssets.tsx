import { Badge, Body1, Button, Caption1, Card, CardHeader, Field, Input, Link, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Select, Subtitle1, Switch, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { ApiError, messageOf } from '../../common/api';
import { formatDate } from '../../common/format';
import type { Session } from '../../common/session';
import { Empty, Failure, Loading } from '../../common/states';
import { useAsk } from '../../common/useAsk';
import { useLoad } from '../../common/useLoad';
import { appNow } from '../../common/appClock';
import type { Asset, JournalEntry } from '../../../../contracts/journals';

/**
 * Step 4 in the tab: the weekly journal (one entry per week; editable for a few days) and saved assets
 * (prompts, context files, references, workflows; shared with the round when the author says so).
 * The rules live in the journal and asset API (src/api/journals.ts); this view shows its answers, including sensitive-data findings.
 */
interface Finding { readonly field: string; readonly label: string; readonly excerpt: string }

const KIND_LABELS: Record<string, string> = { prompt: 'Prompt', context_file: 'Context file', reference: 'Reference', workflow: 'Workflow' };
const useStyles = makeStyles({
  card: { padding: tokens.spacingHorizontalL },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  list: { listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  item: { borderTop: `1px solid ${tokens.colorNeutralStroke2}`, paddingTop: tokens.spacingVerticalS, overflowWrap: 'anywhere' },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
});

/** Monday of this week in the person's own calendar (the journal's identity). */
export function mondayOf(date: Date): string {
  const local = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const back = (local.getDay() + 6) % 7;
  local.setDate(local.getDate() - back);
  return `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`;
}

function SensitiveChoice({ findings, onChoose }: { findings: readonly Finding[]; onChoose(choice: 'redact' | 'confirm'): void }) {
  return (
    <MessageBar intent="warning" layout="multiline" role="alert">
      <MessageBarBody>
        <MessageBarTitle>This may contain sensitive data</MessageBarTitle>
        {findings.map((f) => `${f.label} in ${f.field} (“${f.excerpt}”)`).join('; ')}. Remove it, or choose how to save.
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={() => onChoose('redact')}>Save with it redacted</Button>
        <Button onClick={() => onChoose('confirm')}>It is fine, save as written</Button>
      </MessageBarActions>
    </MessageBar>
  );
}

/** A refusal that waits for the current policy: where to confirm it. */
interface ConfirmLink { readonly label: string; readonly href: string }
const confirmOf = (error: unknown): ConfirmLink | undefined => {
  const confirm = error instanceof ApiError ? error.body.confirm as Partial<ConfirmLink> | undefined : undefined;
  return confirm && typeof confirm.href === 'string' && typeof confirm.label === 'string' ? { label: confirm.label, href: confirm.href } : undefined;
};

export function JournalsAndAssets({ session, roundId, onConfirmPolicy }: { session: Session; roundId: string; onConfirmPolicy?: () => void }) {
  const styles = useStyles();
  const base = `/rounds/${encodeURIComponent(roundId)}/me`;
  const journals = useLoad((signal) => session.api.get(`${base}/journals`, 'journalEntries', { signal }), [session, roundId]);
  const assets = useLoad((signal) => session.api.get(`${base}/assets`, 'assets', { signal }), [session, roundId]);
  const week = mondayOf(new Date(appNow()));
  const existing = journals.state === 'ready' ? journals.data.value.find((e) => e.weekStart === week) : undefined;
  const [entry, setEntry] = useState({ improved: '', broke: '', surprised: '', taught: '', hoursPractised: '', missedBlocks: '0', missedReason: '' });
  const [entryLoaded, setEntryLoaded] = useState<string | null>(null);
  // After "this changed since you opened it", the reload takes the new version but keeps what was typed.
  const [keepText, setKeepText] = useState(false);
  const [journalStale, setJournalStale] = useState(false);
  const [journalMessage, setJournalMessage] = useState<{ intent: 'error' | 'success'; text: string; confirm?: ConfirmLink } | null>(null);
  const [journalErrors, setJournalErrors] = useState<Record<string, string>>({});
  const [journalFindings, setJournalFindings] = useState<Finding[] | null>(null);
  const [asset, setAsset] = useState({ kind: 'prompt', title: '', content: '', url: '', goodFor: '' });
  const [assetMessage, setAssetMessage] = useState<{ intent: 'error' | 'success'; text: string; confirm?: ConfirmLink } | null>(null);
  const [assetErrors, setAssetErrors] = useState<Record<string, string>>({});
  const [assetFindings, setAssetFindings] = useState<Finding[] | null>(null);
  const [submissionId, setSubmissionId] = useState(() => crypto.randomUUID());

  if (existing && entryLoaded !== `${existing.weekStart}:${existing.version}` && keepText) {
    setEntryLoaded(`${existing.weekStart}:${existing.version}`);
    setKeepText(false);
  } else if (existing && entryLoaded !== `${existing.weekStart}:${existing.version}`) {
    setEntry({ improved: existing.improved, broke: existing.broke, surprised: existing.surprised, taught: existing.taught, hoursPractised: String(existing.hoursPractised), missedBlocks: String(existing.missedBlocks), missedReason: existing.missedReason });
    setEntryLoaded(`${existing.weekStart}:${existing.version}`);
  }

  async function saveJournal(sensitiveData?: 'redact' | 'confirm') {
    setJournalMessage(null);
    const hours = entry.hoursPractised.trim() === '' ? 0 : Number(entry.hoursPractised.replace(',', '.'));
    const missed = Number(entry.missedBlocks || '0');
    const local: Record<string, string> = {};
    if (!Number.isFinite(hours) || hours < 0 || hours > 80) local.hoursPractised = 'Give the hours you practised this week as a number from 0 to 80.';
    if (!Number.isInteger(missed) || missed < 0 || missed > 50) local.missedBlocks = 'Give the number of missed blocks as a whole number.';
    setJournalErrors(local);
    if (Object.keys(local).length) return setJournalMessage({ intent: 'error', text: 'Check the fields marked in red; nothing was sent.' });
    try {
      await session.api.send('PUT', `${base}/journals/${week}`, { ...entry, hoursPractised: hours, missedBlocks: missed, expectedVersion: existing?.version, ...(sensitiveData ? { sensitiveData } : {}) });
      setJournalFindings(null);
      setJournalMessage({ intent: 'success', text: 'Journal saved.' });
      journals.reload();
    } catch (error) {
      if (error instanceof ApiError && Array.isArray(error.body.sensitiveFindings)) return setJournalFindings(error.body.sensitiveFindings as Finding[]);
      if (confirmOf(error)) return setJournalMessage({ intent: 'error', text: messageOf(error), confirm: confirmOf(error) });
      if (error instanceof ApiError && error.isConflict) return setJournalStale(true);
      if (error instanceof ApiError) setJournalErrors(error.fieldErrors);
      setJournalMessage({ intent: 'error', text: messageOf(error) });
    }
  }

  async function saveAsset(sensitiveData?: 'redact' | 'confirm') {
    setAssetMessage(null);
    const local: Record<string, string> = {};
    if (asset.title.trim().length < 3) local.title = 'Give the asset a title of at least 3 characters.';
    if (!asset.content.trim() && !asset.url.trim()) local.content = 'Paste the prompt or text, or give a link.';
    setAssetErrors(local);
    if (Object.keys(local).length) return setAssetMessage({ intent: 'error', text: 'Check the fields marked in red; nothing was sent.' });
    try {
      await session.api.send('POST', `${base}/assets`, { kind: asset.kind, title: asset.title, content: asset.content, url: asset.url || undefined, goodFor: asset.goodFor, submissionId, ...(sensitiveData ? { sensitiveData } : {}) });
      setAssetFindings(null);
      setAsset({ kind: asset.kind, title: '', content: '', url: '', goodFor: '' });
      setSubmissionId(crypto.randomUUID());
      setAssetMessage({ intent: 'success', text: 'Asset saved.' });
      assets.reload();
    } catch (error) {
      if (error instanceof ApiError && Array.isArray(error.body.sensitiveFindings)) return setAssetFindings(error.body.sensitiveFindings as Finding[]);
      if (error instanceof ApiError) setAssetErrors(error.fieldErrors);
      setAssetMessage({ intent: 'error', text: messageOf(error), confirm: confirmOf(error) });
    }
  }

  async function toggleShare(item: Asset) {
    try {
      await session.api.send('PATCH', `${base}/assets/${encodeURIComponent(item.id)}`, { shared: !item.shared, expectedVersion: item.version });
      assets.reload();
    } catch (error) {
      const confirm = confirmOf(error);
      setAssetMessage({ intent: 'error', text: error instanceof ApiError && error.isConflict && !confirm ? 'That asset changed since you opened it; the list has been reloaded.' : messageOf(error), confirm });
      assets.reload();
    }
  }

  // The server's link (/tab/#/me/<round>) is this very view: following it reloads it, which puts the confirmation first.
  const confirmAction = (confirm: ConfirmLink) => (
    <MessageBarActions>
      <Link href={confirm.href} onClick={(event) => { if (onConfirmPolicy) { event.preventDefault(); onConfirmPolicy(); } }}>{confirm.label}</Link>
    </MessageBarActions>
  );

  const field = (key: keyof typeof entry, label: string, multiline = true) => (
    <Field label={label} validationMessage={journalErrors[key]} validationState={journalErrors[key] ? 'error' : 'none'}>
      {multiline
        ? <Textarea value={entry[key]} onChange={(_e, d) => setEntry((v) => ({ ...v, [key]: d.value }))} resize="vertical" />
        : <Input value={entry[key]} onChange={(_e, d) => setEntry((v) => ({ ...v, [key]: d.value }))} inputMode="decimal" />}
    </Field>
  );

  return (
    <>
      <Card className={styles.card}>
        <CardHeader header={<Subtitle1 as="h3">Journal</Subtitle1>} description={<Caption1>Week of {formatDate(week, session.where)}</Caption1>} />
        {journals.state === 'loading' && <Loading label="Loading your journal…" />}
        {journals.state === 'failed' && <Failure message={journals.error} onRetry={journals.reload} />}
        {journals.state === 'ready' && (
          <>
            <form className={styles.form} noValidate onSubmit={(e) => { e.preventDefault(); void saveJournal(); }} aria-label="This week's journal">
              {field('improved', 'What improved')}
              {field('broke', 'What broke or disappointed')}
              {field('surprised', 'What surprised you')}
              {field('taught', 'What it taught you')}
              <div className={styles.row}>
                {field('hoursPractised', 'Hours practised', false)}
                {field('missedBlocks', 'Blocks missed', false)}
              </div>
              {Number(entry.missedBlocks) > 0 && field('missedReason', 'Why they were missed')}
              {journalStale && (
                <MessageBar intent="warning" role="alert" layout="multiline">
                  <MessageBarBody><MessageBarTitle>This changed since you opened it</MessageBarTitle>This week’s entry was saved elsewhere (perhaps from the chat card). Reload to continue from that version — what you typed here stays.</MessageBarBody>
                  <MessageBarActions><Button onClick={() => { setKeepText(true); setJournalStale(false); journals.reload(); }}>Reload and keep my text</Button></MessageBarActions>
                </MessageBar>
              )}
              {journalFindings && <SensitiveChoice findings={journalFindings} onChoose={(c) => void saveJournal(c)} />}
              {journalMessage && <MessageBar intent={journalMessage.intent} role={journalMessage.intent === 'error' ? 'alert' : 'status'}><MessageBarBody>{journalMessage.text}</MessageBarBody>{journalMessage.confirm && confirmAction(journalMessage.confirm)}</MessageBar>}
              <div><Button appearance="primary" type="submit">{existing ? 'Update this week' : 'Save this week'}</Button></div>
            </form>
            {journals.data.value.length === 0 ? <Empty title="No entries yet">Your first entry is this week’s: a few lines are enough.</Empty> : (
              <ul className={styles.list} aria-label="Earlier entries">
                {journals.data.value.filter((e) => e.weekStart !== week).map((e) => (
                  <li key={e.weekStart} className={styles.item}>
                    <Body1><strong>Week of {formatDate(e.weekStart, session.where)}</strong> · {e.hoursPractised} h</Body1>
                    <Caption1 as="p">Improved: {e.improved || '—'} · Broke: {e.broke || '—'} · Surprised: {e.surprised || '—'} · Taught: {e.taught || '—'}</Caption1>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Card>

      <Card className={styles.card}>
        <CardHeader header={<Subtitle1 as="h3">Assets</Subtitle1>} description={<Caption1>Prompts, context files, references and workflows worth reusing</Caption1>} />
        {assets.state === 'loading' && <Loading label="Loading your assets…" />}
        {assets.state === 'failed' && <Failure message={assets.error} onRetry={assets.reload} />}
        {assets.state === 'ready' && (
          <>
            {assets.data.value.length === 0 ? <Empty title="Nothing saved yet">Save a prompt or workflow that worked so others can reuse it.</Empty> : (
              <ul className={styles.list}>
                {assets.data.value.map((a) => (
                  <li key={a.id} className={styles.item}>
                    <div className={styles.row}><Badge appearance="outline">{KIND_LABELS[a.kind] ?? a.kind}</Badge><strong>{a.title}</strong></div>
                    {a.goodFor && <Caption1 as="p">Good for: {a.goodFor}</Caption1>}
                    <Switch checked={a.shared} onChange={() => void toggleShare(a)} label={a.shared ? 'Shared with the round' : 'Only you can see this'} />
                  </li>
                ))}
              </ul>
            )}
            <form className={styles.form} noValidate onSubmit={(e) => { e.preventDefault(); void saveAsset(); }} aria-label="Save an asset">
              <div className={styles.row}>
                <Field label="Kind">
                  <Select value={asset.kind} onChange={(_e, d) => setAsset((v) => ({ ...v, kind: d.value }))}>
                    {Object.entries(KIND_LABELS).map(([k, label]) => <option key={k} value={k}>{label}</option>)}
                  </Select>
                </Field>
                <Field label="Title" required validationMessage={assetErrors.title} validationState={assetErrors.title ? 'error' : 'none'} style={{ flexGrow: 1 }}>
                  <Input value={asset.title} onChange={(_e, d) => setAsset((v) => ({ ...v, title: d.value }))} />
                </Field>
              </div>
              <Field label="Text (the prompt, the steps…)" validationMessage={assetErrors.content} validationState={assetErrors.content ? 'error' : 'none'}>
                <Textarea value={asset.content} onChange={(_e, d) => setAsset((v) => ({ ...v, content: d.value }))} resize="vertical" />
              </Field>
              <Field label="Or a link" validationMessage={assetErrors.url} validationState={assetErrors.url ? 'error' : 'none'}>
                <Input value={asset.url} onChange={(_e, d) => setAsset((v) => ({ ...v, url: d.value }))} type="url" />
              </Field>
              <Field label="Good for" validationMessage={assetErrors.goodFor} validationState={assetErrors.goodFor ? 'error' : 'none'}>
                <Input value={asset.goodFor} onChange={(_e, d) => setAsset((v) => ({ ...v, goodFor: d.value }))} />
              </Field>
              {assetFindings && <SensitiveChoice findings={assetFindings} onChoose={(c) => void saveAsset(c)} />}
              {assetMessage && <MessageBar intent={assetMessage.intent} role={assetMessage.intent === 'error' ? 'alert' : 'status'}><MessageBarBody>{assetMessage.text}</MessageBarBody>{assetMessage.confirm && confirmAction(assetMessage.confirm)}</MessageBar>}
              <div><Button type="submit">Save asset</Button></div>
            </form>
          </>
        )}
      </Card>
      <AskLibrary session={session} base={base} />
    </>
  );
}

interface LibraryAnswer {
  readonly by: 'basic' | 'model'; readonly note: string; readonly redactions: number;
  readonly value: { readonly answer: string };
  readonly sources: readonly { readonly id: string; readonly title: string; readonly tool: string; readonly url: string | null }[];
}

/** "Ask the library": answered only from what colleagues shared (and summaries the person may read), with each source. */
function AskLibrary({ session, base }: { session: Session; base: string }) {
  const styles = useStyles();
  const [question, setQuestion] = useState('');
  const { answer, problem, busy, ask: send } = useAsk<LibraryAnswer>();
  const ask = () => send(() => session.api.send<LibraryAnswer>('POST', `${base}/coach/library`, { question }));
  return (
    <Card className={styles.card} data-testid="ask-library">
      <CardHeader header={<Subtitle1 as="h3">Ask the library</Subtitle1>} description={<Caption1>What did colleagues share? Answers come only from what was shared with the round.</Caption1>} />
      <form className={styles.form} noValidate onSubmit={(e) => { e.preventDefault(); void ask(); }} aria-label="Ask the library">
        <Field label="Your question">
          <Input value={question} onChange={(_e, d) => setQuestion(d.value)} placeholder="e.g. What prompts did people use for call notes?" />
        </Field>
        <div><Button type="submit" disabled={busy || question.trim().length < 3}>{busy ? 'The coach is thinking…' : 'Ask'}</Button></div>
      </form>
      {problem && <MessageBar intent="warning" role="status"><MessageBarBody>{problem}</MessageBarBody></MessageBar>}
      {answer && (
        <MessageBar intent="info" layout="multiline" role="status">
          <MessageBarBody>
            <MessageBarTitle>From the library</MessageBarTitle>
            <div style={{ whiteSpace: 'pre-wrap' }}>{answer.value.answer}</div>
            {answer.sources.length > 0 && (
              <ul aria-label="Sources">
                {answer.sources.map((s) => <li key={s.id}>{s.url ? <a href={s.url} target="_blank" rel="noreferrer">{s.title}</a> : s.title} ({s.tool})</li>)}
              </ul>
            )}
            <Caption1>{answer.note}</Caption1>
          </MessageBarBody>
        </MessageBar>
      )}
    </Card>
  );
}
