import { Badge, Body1, Button, Caption1, Card, CardHeader, Link, MessageBar, MessageBarBody, MessageBarTitle, Subtitle1, Text, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { Suspense, lazy } from 'react';
import { HoursChart } from '../../common/HoursChart';
import { formatDate, formatDateTime, formatHours, formatTimeRange } from '../../common/format';
import type { Session } from '../../common/session';
import { Failure, Loading } from '../../common/states';
import { useLoad } from '../../common/useLoad';
import { ForbiddenPage } from '../ExperimentPage';
import type { ParticipantViewAnswer, RoundOutlineAnswer } from '../../../../contracts/participant';
import { STATE_LABELS, toolNameOf } from '../labels';
import { loopPosition, LOOP_STEPS } from './loop';
import { appNow } from '../../common/appClock';

const PlanEditor = lazy(() => import('./PlanEditor').then((m) => ({ default: m.PlanEditor })));
const BlockKept = lazy(() => import('./BlockKept').then((m) => ({ default: m.BlockKept })));
const JournalsAndAssets = lazy(() => import('./JournalsAndAssets').then((m) => ({ default: m.JournalsAndAssets })));

export const useViewStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  grid: { display: 'grid', gap: tokens.spacingVerticalL, gridTemplateColumns: 'minmax(0, 1fr)', '@media (min-width: 900px)': { gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)' } },
  card: { padding: tokens.spacingHorizontalL },
  dl: { display: 'grid', gridTemplateColumns: 'minmax(0, max-content) minmax(0, 1fr)', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0, '& dt': { fontWeight: tokens.fontWeightSemibold }, '& dd': { margin: 0, overflowWrap: 'anywhere' } },
  steps: { listStyle: 'none', display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS, padding: 0, margin: 0 },
  step: {
    display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusCircular, border: `1px solid ${tokens.colorNeutralStroke1}`, color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200,
  },
  done: { background: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground1 },
  current: { background: tokens.colorBrandBackground, color: tokens.colorNeutralForegroundOnBrand, border: `1px solid ${tokens.colorBrandStroke1}`, fontWeight: tokens.fontWeightSemibold },
  blocks: { listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
});

export function ParticipantView({ session, roundId }: { session: Session; roundId: string }) {
  const styles = useViewStyles();
  const { where } = session;
  const data = useLoad(async (signal) => {
    const path = `/rounds/${encodeURIComponent(roundId)}`;
    const [me, outline] = await Promise.all([session.api.get(`${path}/me`, 'participantView', { signal }), session.api.get(`${path}/outline`, 'roundOutline', { signal })]);
    return { me, outline };
  }, [session, roundId]);

  if (data.state === 'loading') return <Loading label="Loading your experiment…" />;
  if (data.state === 'failed') return data.status === 403 ? <ForbiddenPage message={data.error} /> : <Failure message={data.error} onRetry={data.reload} />;
  const { me, outline } = data.data;
  const experiment = me.experiment;
  const position = loopPosition(me, outline);
  const editable = !experiment || experiment.state === 'draft' || experiment.state === 'changes_requested' || me.needsAcknowledgement;
  const now = appNow();
  const blocks = me.practiceTime?.blocks ?? [];
  const upcoming = blocks.filter((b) => Date.parse(b.end) > now);
  const thisWeek = upcoming.filter((b) => Date.parse(b.start) - now < 7 * 86_400_000);
  const lastReview = experiment?.reviews.at(-1);

  return (
    <div className={styles.stack}>
      <section aria-labelledby="loop-heading">
        <Subtitle1 as="h2" id="loop-heading">{outline.round.name}</Subtitle1>
        <ol className={styles.steps} aria-label="The six steps of the loop">
          {LOOP_STEPS.map((step, i) => (
            <li key={step} className={mergeClasses(styles.step, i < position.step ? styles.done : undefined, i === position.step ? styles.current : undefined)} aria-current={i === position.step ? 'step' : undefined}>
              <span aria-hidden="true">{i < position.step ? '✓' : i + 1}</span> {step}
            </li>
          ))}
        </ol>
      </section>

      <MessageBar intent={position.intent} layout="multiline" data-testid="next-action">
        <MessageBarBody>
          <MessageBarTitle>{position.title}</MessageBarTitle>
          {position.detail}
        </MessageBarBody>
      </MessageBar>

      <div className={styles.grid}>
        <div className={styles.stack}>
          {editable ? (
            <Suspense fallback={<Loading label="Loading your plan…" />}>
              <PlanEditor session={session} roundId={roundId} me={me} outline={outline} onSaved={data.reload} />
            </Suspense>
          ) : experiment && (
            <Card className={styles.card}>
              <CardHeader header={<Subtitle1 as="h3">Your experiment</Subtitle1>} action={<Badge appearance="tint">{STATE_LABELS[experiment.state] ?? experiment.state}</Badge>} />
              <dl className={styles.dl}>
                <dt>Friction point</dt><dd>{experiment.selection?.frictionPoint.description ?? '—'}</dd>
                <dt>Tool</dt><dd>{toolNameOf(experiment.selection?.tool)}</dd>
                <dt>KPI</dt><dd>{experiment.selection?.kpi ?? '—'}</dd>
                <dt>Hypothesis</dt>
                <dd>{experiment.hypothesis ? `${experiment.hypothesis.measure}: ${experiment.hypothesis.baseline.value} → ${experiment.hypothesis.target.value} ${experiment.hypothesis.target.unit}` : '—'}</dd>
                <dt>How you will know</dt><dd>{experiment.hypothesis?.howWeWillKnow ?? '—'}</dd>
                <dt>Rubric</dt>
                <dd>{experiment.selection ? `${Object.values(experiment.selection.scores).reduce((a, b) => a + b, 0)} of 25 (${Object.entries(experiment.selection.scores).map(([k, v]) => `${k} ${v}`).join(', ')})` : '—'}</dd>
              </dl>
              {lastReview?.comment && <Caption1>Reviewer’s note: {lastReview.comment}</Caption1>}
            </Card>
          )}
          {experiment && ['approved', 'practising', 'sharing', 'decided'].includes(experiment.state) && (
            <Suspense fallback={<Loading label="Loading your journal…" />}>
              <JournalsAndAssets session={session} roundId={roundId} onConfirmPolicy={data.reload} />
            </Suspense>
          )}
        </div>

        <div className={styles.stack}>
          <Card className={styles.card}>
            <CardHeader header={<Subtitle1 as="h3">Practice time</Subtitle1>} />
            {!me.practiceTime && <Body1>Your practice blocks are booked in Outlook once your plan is approved.</Body1>}
            {me.practiceTime?.status === 'failed' && (
              <MessageBar intent="warning"><MessageBarBody>Your practice time could not be booked: {me.practiceTime.reason}. The round’s owner has been told; you can also book the time yourself.</MessageBarBody></MessageBar>
            )}
            {me.practiceTime && me.practiceTime.hours.length > 0 && (
              <HoursChart title="Practice hours per week" where={where} weeks={me.practiceTime.hours.map((w) => ({ label: `Week ${w.week}`, plannedMinutes: w.plannedMinutes, keptMinutes: w.keptMinutes }))} />
            )}
            {me.practiceTime && (
              <>
                <Text weight="semibold">This week</Text>
                {thisWeek.length === 0 ? <Body1>No practice blocks in the next seven days.</Body1> : (
                  <ul className={styles.blocks}>{thisWeek.map((b) => <li key={`${b.week}-${b.index}`}>{formatTimeRange(b.start, b.end, where)}</li>)}</ul>
                )}
                <details>
                  <summary>All {blocks.length} blocks</summary>
                  <ul className={styles.blocks}>
                    {blocks.map((b) => (
                      <li key={`${b.week}-${b.index}`}>
                        {formatTimeRange(b.start, b.end, where)}{b.notKept ? ` — not kept (${b.notKept.reason || b.notKept.by})` : ''}
                        <Suspense fallback={null}><BlockKept session={session} roundId={roundId} block={b} onChanged={data.reload} /></Suspense>
                      </li>
                    ))}
                  </ul>
                </details>
                <Caption1>Kept {formatHours((me.practiceTime.hours.reduce((s, w) => s + w.keptMinutes, 0)) / 60, where)} of {formatHours(me.practiceTime.hours.reduce((s, w) => s + w.plannedMinutes, 0) / 60, where)} planned.</Caption1>
              </>
            )}
          </Card>

          <Card className={styles.card}>
            <CardHeader header={<Subtitle1 as="h3">Round</Subtitle1>} />
            <dl className={styles.dl}>
              <dt>Practice window</dt><dd>{formatDate(outline.round.window.start, where)}, {outline.round.window.weeks} weeks{experiment?.windowExtensionDays ? ` (+${experiment.windowExtensionDays} days)` : ''}</dd>
              <dt>Hours a week</dt><dd>{formatHours(outline.round.hoursPerWeek, where)}</dd>
              <dt>Shareback</dt>
              <dd>
                {formatDateTime(outline.round.shareback.startsAt, where)}
                {outline.meeting?.joinUrl ? <> · <Link href={outline.meeting.joinUrl} target="_blank" rel="noreferrer">Join the shareback meeting</Link></> : ' · the invitation is on its way'}
              </dd>
              <dt>Safe-use policy</dt>
              <dd>
                {outline.acknowledgedPolicyVersion
                  ? `Version ${outline.acknowledgedPolicyVersion} acknowledged on ${formatDate(outline.acknowledgedAt, where)}${outline.acknowledgedPolicyVersion !== outline.round.policyVersion ? ` (version ${outline.round.policyVersion} is newer: please confirm it)` : ''}`
                  : 'Not acknowledged yet'}
              </dd>
            </dl>
          </Card>
          {experiment && !editable && experiment.state !== 'withdrawn' && experiment.state !== 'decided' && (
            <Button appearance="subtle" onClick={data.reload}>Refresh</Button>
          )}
        </div>
      </div>
    </div>
  );
}
