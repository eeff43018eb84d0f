import { Body1, Button, Field, Input, MessageBar, MessageBarBody, Subtitle2, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { DecisionViewAnswer as DecisionView } from '../../../contracts/meeting';
import { ApiError, messageOf, type ApiClient } from '../common/api';

/**
 * What the current decision set in motion (follow-up booked, carried over, reminder, participant told), read
 * after each decision. A follow-up that found no common free time asks the owner for a time here.
 */

const useStyles = makeStyles({ box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS } });

export function Effects({ api, roundId, participantId, revision }: { api: ApiClient; roundId: string; participantId: string; revision: number }) {
  const styles = useStyles();
  const [view, setView] = useState<DecisionView | null>(null);
  const [start, setStart] = useState('');
  const [error, setError] = useState<string | null>(null);
  const path = `/rounds/${roundId}/experiments/${participantId}/decision`;

  useEffect(() => {
    let live = true;
    // The effects run in a job a moment after the decision: look again shortly after it is recorded.
    const load = () => api.get(path, 'decisionView').then((v) => { if (live) setView(v); }).catch(() => undefined);
    void load();
    const timer = setTimeout(load, 3000);
    return () => { live = false; clearTimeout(timer); };
  }, [api, path, revision]);

  if (!view?.summary) return null;
  const outcomes = Object.entries(view.effects);
  const needsTime = outcomes.find(([id, o]) => id.startsWith('followup:') && o.status === 'needs-owner');

  async function book() {
    try {
      await api.send('POST', `${path}/follow-up`, { start: start ? new Date(start).toISOString() : '' });
      setError(null);
      setView(await api.get(path, 'decisionView'));
    } catch (caught) {
      setError(caught instanceof ApiError ? (caught.fieldErrors.start ?? caught.message) : messageOf(caught));
    }
  }

  return (
    <div className={styles.box} aria-live="polite">
      <Subtitle2 as="h3">Recorded</Subtitle2>
      <Body1>{view.summary}</Body1>
      {outcomes.map(([id, outcome]) => (
        <MessageBar key={id} intent={outcome.status === 'done' ? 'success' : outcome.status === 'needs-owner' ? 'warning' : outcome.status === 'cancelled' ? 'info' : 'error'}>
          <MessageBarBody>{outcome.detail}</MessageBarBody>
        </MessageBar>
      ))}
      {needsTime && (
        <>
          <Field label="Follow-up start (your time)" validationState={error ? 'error' : 'none'} validationMessage={error ?? undefined}>
            <Input type="datetime-local" value={start} onChange={(_, data) => setStart(data.value)} />
          </Field>
          <Button onClick={book}>Book the follow-up</Button>
        </>
      )}
    </div>
  );
}
