import { Body1, Card, CardHeader, Link, Subtitle1, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { HoursChart } from '../common/HoursChart';
import type { Session } from '../common/session';
import { Failure, Loading } from '../common/states';
import { useLoad } from '../common/useLoad';
import { FitNote } from './FitNote';
import { hrefOf } from './route';
import type { ExperimentPage as ExperimentAnswer } from '../../../contracts/experimentPage';
import { STATE_LABELS, toolNameOf } from './labels';

/** A refusal page: what happened and what to do, never someone else's data and never a stack trace. */
export function ForbiddenPage({ message }: { message: string }) {
  return (
    <section role="alert" data-testid="forbidden" style={{ display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, padding: tokens.spacingVerticalL }}>
      <Title3 as="h2">You can’t open this</Title3>
      <Body1 as="p">{message}</Body1>
      <Body1 as="p">If someone sent you this link, ask them to share what you need in a chat, or ask the round’s owner for access. <Link href="#/">Back to your dashboard</Link></Body1>
    </section>
  );
}


const useStyles = makeStyles({ card: { padding: tokens.spacingHorizontalL }, dl: { display: 'grid', gridTemplateColumns: 'minmax(0, max-content) minmax(0, 1fr)', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0, '& dd': { margin: 0, overflowWrap: 'anywhere' }, '& dt': { fontWeight: tokens.fontWeightSemibold } } });

/** A deep link to one person's experiment (#/experiments/<round>/<person>): theirs, their manager's or an owner's to see. */
export function ExperimentPage({ session, roundId, participantId, myUserId }: { session: Session; roundId: string; participantId: string; myUserId: string }) {
  const styles = useStyles();
  const data = useLoad((signal) => session.api.get(`/rounds/${encodeURIComponent(roundId)}/experiments/${encodeURIComponent(participantId)}`, 'experimentPage', { signal }), [session, roundId, participantId]);
  if (participantId.toLowerCase() === myUserId.toLowerCase()) {
    window.location.replace(hrefOf({ view: 'me', roundId }));
    return null;
  }
  if (data.state === 'loading') return <Loading label="Loading the experiment…" />;
  if (data.state === 'failed') return data.status === 403 ? <ForbiddenPage message={data.error} /> : <Failure message={data.error} onRetry={data.reload} />;
  const { experiment, participant, round, hours, fit } = data.data;
  return (
    <Card className={styles.card}>
      <CardHeader header={<Subtitle1 as="h2">{participant.displayName ?? 'Participant'} — {round.name}</Subtitle1>} description={STATE_LABELS[experiment.state] ?? experiment.state} />
      <dl className={styles.dl}>
        <dt>Friction point</dt><dd>{experiment.selection?.frictionPoint.description ?? '—'}</dd>
        <dt>Tool</dt><dd>{toolNameOf(experiment.selection?.tool)}</dd>
        <dt>KPI</dt><dd>{experiment.selection?.kpi ?? '—'}</dd>
        <dt>Hypothesis</dt><dd>{experiment.hypothesis ? `${experiment.hypothesis.measure}: ${experiment.hypothesis.baseline.value} → ${experiment.hypothesis.target.value} ${experiment.hypothesis.target.unit}` : '—'}</dd>
      </dl>
      {fit && <FitNote assessment={fit} testId="experiment-fit" />}
      {hours.weeks.length > 0 && <HoursChart title="Practice hours per week" where={session.where} weeks={hours.weeks.map((w) => ({ label: `Week ${w.week}`, plannedMinutes: w.plannedMinutes, keptMinutes: w.keptMinutes }))} />}
    </Card>
  );
}
