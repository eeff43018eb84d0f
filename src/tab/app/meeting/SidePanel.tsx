import {
  Badge, Body1, Button, Caption1, Divider, MessageBar, MessageBarBody, MessageBarTitle, Subtitle1, Subtitle2, Tab, TabList, Title3, makeStyles, mergeClasses, tokens,
} from '@fluentui/react-components';
import type { ApiClient } from '../common/api';
import { DecisionForm } from './DecisionForm';
import { Effects } from './Effects';
import { Report } from './Report';
import type { BoardPerson, LinkedSession } from '../../../contracts/meeting';
import { OUTCOME_LABELS } from './labels';

/**
 * The side panel: the running order (grouped by team or tool; the owner reorders and moves the presenter),
 * who is presenting, the decision form for the current experiment (owners), and, from 10 minutes before the
 * end, the experiments still without a decision. People who are not owners see the same list, no controls.
 */
const useStyles = makeStyles({
  panel: { padding: tokens.spacingHorizontalM, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  item: { padding: tokens.spacingVerticalS, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}`, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  current: { border: `2px solid ${tokens.colorBrandStroke1}`, backgroundColor: tokens.colorBrandBackground2 },
  row: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap', alignItems: 'center' },
});

export interface PanelActions {
  step(step: 1 | -1): void;
  presentNow(participantId: string): void;
  move(participantId: string, by: -1 | 1): void;
  group(grouping: 'team' | 'tool'): void;
  refresh(): void;
}

function Person({ person, current, isOwner, index, count, busy, actions }: { person: BoardPerson; current: boolean; isOwner: boolean; index: number; count: number; busy: boolean; actions: PanelActions }) {
  const styles = useStyles();
  return (
    <li className={mergeClasses(styles.item, current && styles.current)} aria-current={current ? 'true' : undefined}>
      <div className={styles.row}>
        <Subtitle2>{person.name}</Subtitle2>
        {current && <Badge appearance="filled" color="brand">Presenting</Badge>}
        {person.decision ? <Badge appearance="tint" color="success">{OUTCOME_LABELS[person.decision.outcome]}</Badge> : <Badge appearance="filled" color="warning">No decision yet</Badge>}
      </div>
      <Caption1>{[person.team, person.tool].filter(Boolean).join(' · ')}{person.summaryReady ? ' · summary ready' : ''}</Caption1>
      {isOwner && (
        <div className={styles.row}>
          {!current && <Button size="small" onClick={() => actions.presentNow(person.participantId)} disabled={busy}>Present now</Button>}
          <Button size="small" onClick={() => actions.move(person.participantId, -1)} disabled={busy || index === 0} aria-label={`Move ${person.name} up`}>Up</Button>
          <Button size="small" onClick={() => actions.move(person.participantId, 1)} disabled={busy || index === count - 1} aria-label={`Move ${person.name} down`}>Down</Button>
        </div>
      )}
    </li>
  );
}

export function SidePanel({ session, api, me, busy, actions, actionError }: { session: LinkedSession; api: ApiClient; me: string; busy: boolean; actions: PanelActions; actionError: string | null }) {
  const styles = useStyles();
  const current = session.order.find((p) => p.participantId === session.currentParticipantId) ?? null;
  const people = [...session.owners, ...session.order.map((p) => ({ id: p.participantId, name: p.name }))]
    .filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i);
  const label = (id: string) => session.order.findIndex((p) => p.participantId === id);
  const groups = session.groups.length > 0 ? session.groups : [{ label: 'Running order', participantIds: session.order.map((p) => p.participantId) }];
  return (
    <main className={styles.panel}>
      <Title3 as="h1">{session.roundName}</Title3>
      {actionError && <MessageBar intent="error" role="alert"><MessageBarBody>{actionError}</MessageBarBody></MessageBar>}
      {session.undecided.length > 0 && (
        <MessageBar intent="warning" role="alert" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{session.meeting.phase === 'ended' ? 'The meeting has ended' : 'About 10 minutes left'}</MessageBarTitle>
            {session.undecided.length} {session.undecided.length === 1 ? 'experiment has' : 'experiments have'} no decision yet: {session.undecided.map((u) => u.name).join(', ')}.
            {session.meeting.phase === 'ended' ? ' They go to the owners in chat.' : ''}
          </MessageBarBody>
        </MessageBar>
      )}
      <section aria-labelledby="now-presenting">
        <Subtitle1 as="h2" id="now-presenting">Now presenting</Subtitle1>
        <Body1 as="p">{current ? `${current.name} — ${current.tool}` : 'Nobody yet.'}</Body1>
        {session.isOwner && (
          <div className={styles.row}>
            <Button onClick={() => actions.step(-1)} disabled={busy || !current}>Previous</Button>
            <Button appearance="primary" onClick={() => actions.step(1)} disabled={busy || session.order.length === 0}>Next presenter</Button>
          </div>
        )}
      </section>
      {session.isOwner && current && (
        <section aria-labelledby="decision-heading">
          <Divider />
          <Subtitle1 as="h2" id="decision-heading">Decision for {current.name}</Subtitle1>
          <DecisionForm api={api} roundId={session.roundId} person={current} people={people} me={me} onSaved={actions.refresh} beforeStart={session.meeting.phase === 'before'} />
          {current.decision && <Effects api={api} roundId={session.roundId} participantId={current.participantId} revision={current.decision.revision} />}
        </section>
      )}
      <section aria-labelledby="order-heading">
        <Divider />
        <Subtitle1 as="h2" id="order-heading">Running order</Subtitle1>
        {session.isOwner && (
          <TabList selectedValue={session.groups.length > 0 ? session.grouping : undefined} onTabSelect={(_, data) => actions.group(data.value as 'team' | 'tool')} aria-label="Group the running order">
            <Tab value="team">By team</Tab>
            <Tab value="tool">By tool</Tab>
          </TabList>
        )}
        {session.order.length === 0 ? <Body1>Nobody in this round has an approved plan yet.</Body1> : groups.map((group) => (
          <div key={group.label}>
            <Caption1 as="h3">{group.label}</Caption1>
            <ol className={styles.list}>
              {group.participantIds.map((id) => {
                const person = session.order.find((p) => p.participantId === id)!;
                return <Person key={id} person={person} current={id === session.currentParticipantId} isOwner={session.isOwner} index={label(id)} count={session.order.length} busy={busy} actions={actions} />;
              })}
            </ol>
          </div>
        ))}
      </section>
      {session.isOwner && <Report api={api} roundId={session.roundId} />}
    </main>
  );
}
