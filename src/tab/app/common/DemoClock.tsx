import { Button, Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { appNow, syncAppClock } from './appClock';
import { DEV_USER_HEADER } from './api';

/**
 * AUTH_MODE=dev only, in the "Signed in as" bar: the demo clock. An owner moves the app's time forward
 * (POST /api/dev/clock) and the service runs what fell due (weekly prompts, nudges, the meeting's phases, the
 * post-meeting cards); the views then reload at the new time. Anyone else is told who may move it.
 */
const MOVES = [
  { label: '+1 hour', advanceBy: 'PT1H' },
  { label: '+1 day', advanceBy: 'P1D' },
  { label: '+1 week', advanceBy: 'P1W' },
] as const;

const useStyles = makeStyles({
  clock: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  error: { color: tokens.colorPaletteRedForeground1 },
});

export function DemoClock({ userId, onMoved }: { userId: string | null; onMoved(): void }) {
  const styles = useStyles();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [, setShown] = useState(0);
  const shown = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(appNow());

  async function move(advanceBy: string) {
    if (!userId) return;
    setBusy(true);
    setFailure(null);
    try {
      const response = await fetch('/api/dev/clock', { method: 'POST', headers: { 'content-type': 'application/json', [DEV_USER_HEADER]: userId }, body: JSON.stringify({ advanceBy }) });
      const answer = (await response.json().catch(() => ({}))) as { now?: string; error?: string };
      if (!response.ok) throw new Error(answer.error ?? 'The demo clock could not be moved. Check that the service is running.');
      syncAppClock(answer.now);
      setShown((n) => n + 1);
      onMoved();
    } catch (error) {
      setFailure((error as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className={styles.clock} role="group" aria-label="Demo clock">
      <Caption1 data-testid="demo-clock-now">App time: {shown}</Caption1>
      {MOVES.map((m) => (
        <Button key={m.advanceBy} size="small" disabled={busy || !userId} onClick={() => void move(m.advanceBy)}>{m.label}</Button>
      ))}
      {failure && <Caption1 role="alert" className={styles.error}>{failure}</Caption1>}
    </div>
  );
}
