import { Body1, Button, Caption1, Card, LargeTitle, Link, Subtitle1, Title2, makeStyles, tokens } from '@fluentui/react-components';
import type { LinkedSession, SummaryContent as Summary } from '../../../contracts/meeting';

/** The meeting stage: the current presenter's summary, large and readable for everyone. Owners also get next/previous. */
const useStyles = makeStyles({
  stage: { padding: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '1200px', margin: '0 auto' },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(280px, 1fr))', gap: tokens.spacingHorizontalL },
  text: { fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500, whiteSpace: 'pre-wrap' },
  controls: { display: 'flex', gap: tokens.spacingHorizontalM },
});

function Part({ title, text }: { title: string; text: string }) {
  const styles = useStyles();
  return (
    <Card>
      <Subtitle1 as="h3">{title}</Subtitle1>
      <Body1 as="p" className={styles.text}>{text.trim() === '' ? '—' : text}</Body1>
    </Card>
  );
}

function SummaryParts({ summary }: { summary: Summary }) {
  const styles = useStyles();
  const now = [summary.resultValue === null ? '' : `${summary.resultValue}${summary.target ? ` ${summary.target.unit}` : ''}`, summary.resultNow].filter(Boolean).join(' — ');
  return (
    <>
      <Title2 as="p">{summary.tool}: {summary.task}</Title2>
      <div className={styles.grid}>
        <Part title="Hypothesis" text={summary.hypothesis} />
        <Part title="Where it stands now" text={now} />
        <Part title="What worked" text={summary.worked} />
        <Part title="What failed" text={summary.failed} />
        <Part title="What I would keep testing" text={summary.keepTesting} />
        <Card>
          <Subtitle1 as="h3">Saved for others</Subtitle1>
          {summary.assets.length === 0 ? <Body1 className={styles.text}>—</Body1> : (
            <ul>{summary.assets.map((asset) => <li key={asset.title} className={styles.text}>{asset.url ? <Link href={asset.url} target="_blank" rel="noreferrer">{asset.title}</Link> : asset.title}</li>)}</ul>
          )}
          <Caption1>{summary.hoursPractised} hours practised</Caption1>
        </Card>
      </div>
    </>
  );
}

export function Stage({ session, onStep, busy }: { session: LinkedSession; onStep: (step: 1 | -1) => void; busy: boolean }) {
  const styles = useStyles();
  const current = session.current;
  return (
    <main className={styles.stage} aria-live="polite">
      <Caption1>{session.roundName} · shareback</Caption1>
      {current ? (
        <>
          <LargeTitle as="h1">{current.name}</LargeTitle>
          {current.summary ? <SummaryParts summary={current.summary} /> : <Body1>No summary yet.</Body1>}
        </>
      ) : (
        <LargeTitle as="h1">{session.order.length === 0 ? 'Nobody is presenting in this round yet' : 'The shareback starts soon'}</LargeTitle>
      )}
      {session.isOwner && (
        <div className={styles.controls}>
          <Button onClick={() => onStep(-1)} disabled={busy || !current}>Previous presenter</Button>
          <Button appearance="primary" onClick={() => onStep(1)} disabled={busy}>Next presenter</Button>
        </div>
      )}
    </main>
  );
}
