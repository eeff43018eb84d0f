import { Body1, Button, Field, Select, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { messageOf, ApiError } from '../common/api';
import type { Session } from '../common/session';
import { Failure, Loading } from '../common/states';
import { SidePanel, type PanelActions } from './SidePanel';
import { Stage } from './Stage';
import type { LinkedSession, MeetingSessionAnswer as MeetingSession, UnlinkedSession } from '../../../contracts/meeting';
import { useMeetingSession } from './useMeetingSession';

/**
 * The shareback meeting tab. It finds its round from the meeting it is in: the Teams context's chat id
 * (stored when the app booked the meeting). In the side panel it shows the running order and the owner's
 * controls; on the meeting stage the current presenter's summary, large. Outside Teams (AUTH_MODE=dev)
 * `?chatId=…&frame=sidePanel|meetingStage` stand in for the context.
 */
export type Frame = 'sidePanel' | 'meetingStage' | 'settings' | 'content';

export function whereAmI(session: Session): { chatId: string | null; frame: Frame } {
  const params = new URLSearchParams(window.location.search);
  const context = session.host?.context;
  const chatId = context?.chat?.id ?? params.get('chatId');
  const raw = context?.page.frameContext ?? params.get('frame') ?? 'content';
  const frame: Frame = raw === 'meetingStage' || raw === 'sidePanel' || raw === 'settings' ? raw : 'content';
  return { chatId: chatId || null, frame };
}

const useStyles = makeStyles({ page: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '640px' } });

function NotLinked({ session, chatId, state, onLinked }: { session: Session; chatId: string; state: UnlinkedSession; onLinked: () => void }) {
  const styles = useStyles();
  const [roundId, setRoundId] = useState(state.rounds[0]?.roundId ?? '');
  const [error, setError] = useState<string | null>(null);
  async function link() {
    try {
      await session.api.send('POST', `/meetings/${encodeURIComponent(chatId)}/link`, { roundId });
      onLinked();
    } catch (caught) {
      setError(messageOf(caught));
    }
  }
  return (
    <main className={styles.page}>
      <Title2 as="h1">This meeting is not linked to a round</Title2>
      <Body1 as="p">{state.message} The Practice Loop tab shows a round’s shareback: its running order, each person’s summary and the decisions.</Body1>
      {state.canLink ? (
        <>
          <Field label="Link it to one of your rounds">
            <Select value={roundId} onChange={(e) => setRoundId(e.target.value)}>
              {state.rounds.map((r) => <option key={r.roundId} value={r.roundId}>{r.name}</option>)}
            </Select>
          </Field>
          <Button appearance="primary" onClick={link} disabled={!roundId}>Link this meeting</Button>
        </>
      ) : <Body1 as="p">Ask the round’s programme owner to link it, or open the tab from the shareback meeting in your calendar.</Body1>}
      {error && <Failure title="The meeting could not be linked" message={error} />}
    </main>
  );
}

function Linked({ session, chatId, frame, state, accept, refresh }: { session: Session; chatId: string; frame: Frame; state: LinkedSession; accept: (s: MeetingSession) => void; refresh: () => void }) {
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [me, setMe] = useState('');
  useEffect(() => { void session.api.get('/me', 'whoAmI').then((who) => setMe(who.userId)).catch(() => undefined); }, [session.api]);
  const base = `/meetings/${encodeURIComponent(chatId)}`;

  async function run(method: 'POST' | 'PUT', path: string, body: Record<string, unknown>) {
    setBusy(true);
    try {
      accept(await session.api.send<MeetingSession>(method, `${base}${path}`, { ...body, expectedVersion: state.sessionVersion }));
      setActionError(null);
    } catch (caught) {
      // Another owner moved first: show where things stand now, and say so.
      if (caught instanceof ApiError && caught.status === 409 && caught.body.current) accept(caught.body.current as MeetingSession);
      setActionError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  const actions: PanelActions = {
    step: (step) => void run('POST', '/advance', { step }),
    presentNow: (to) => void run('POST', '/advance', { to }),
    move: (participantId, by) => {
      const order = state.order.map((p) => p.participantId);
      const from = order.indexOf(participantId);
      const to = from + by;
      if (from < 0 || to < 0 || to >= order.length) return;
      [order[from], order[to]] = [order[to]!, order[from]!];
      void run('PUT', '/order', { order });
    },
    group: (grouping) => void run('PUT', '/order', { grouping }),
    refresh,
  };
  if (frame === 'meetingStage') return <Stage session={state} onStep={actions.step} busy={busy} />;
  return <SidePanel session={state} api={session.api} me={me} busy={busy} actions={actions} actionError={actionError} />;
}

/**
 * Added by hand from Teams' "+" (the app adds it itself when it books the shareback): there is nothing to
 * choose, so the configuration says where the tab lives and is valid at once.
 */
function Configure() {
  const styles = useStyles();
  useEffect(() => {
    void (async () => {
      const { pages } = await import('@microsoft/teams-js');
      const contentUrl = `${window.location.origin}/tab/meeting.html`;
      pages.config.registerOnSaveHandler((save) => {
        pages.config.setConfig({ contentUrl, websiteUrl: contentUrl, entityId: 'practice-loop-shareback', suggestedDisplayName: 'Practice Loop' })
          .then(() => save.notifySuccess(), (error: Error) => save.notifyFailure(error.message));
      });
      pages.config.setValidityState(true);
    })();
  }, []);
  return (
    <main className={styles.page}>
      <Title2 as="h1">Practice Loop shareback</Title2>
      <Body1 as="p">This tab shows the running order, each person’s summary and the decisions of a round’s shareback. If this meeting was not booked by Practice Loop, a round owner can link it to their round once the tab is added.</Body1>
    </main>
  );
}

export function MeetingApp({ session }: { session: Session }) {
  const { chatId, frame } = whereAmI(session);
  if (frame === 'settings') return <Configure />;
  if (!chatId) {
    return <main style={{ padding: 24 }}><Failure title="No meeting here" message="Open this tab from a Teams meeting: it shows that meeting’s shareback." /></main>;
  }
  return <MeetingFor session={session} chatId={chatId} frame={frame} />;
}

function MeetingFor({ session, chatId, frame }: { session: Session; chatId: string; frame: Frame }) {
  const { session: state, error, refresh, accept } = useMeetingSession(session.api, chatId);
  if (!state) return error ? <main style={{ padding: 24 }}><Failure message={error} onRetry={() => void refresh()} /></main> : <Loading label="Loading the shareback…" />;
  if (!state.linked) return <NotLinked session={session} chatId={chatId} state={state} onLinked={() => void refresh()} />;
  return <Linked session={session} chatId={chatId} frame={frame} state={state} accept={accept} refresh={() => void refresh()} />;
}
