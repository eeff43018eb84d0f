import { Button, Card, CardHeader, Field, Input, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Select, Subtitle1, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { DateTime } from 'luxon';
import { useState } from 'react';
import { ApiError, messageOf } from '../../common/api';
import type { Session } from '../../common/session';

/**
 * Create or edit a round: POST /api/rounds or PATCH /api/rounds/{id} (with the version the form showed, so a
 * concurrent edit is a 409 "this changed since you opened it" that keeps what was typed). The domain validates
 * every field and its messages are shown beside the fields.
 */
export interface EditableRound {
  readonly id: string; readonly name: string; readonly participantIds: readonly string[]; readonly managerScopes: readonly string[];
  readonly window: { readonly start: string; readonly weeks: number }; readonly hoursPerWeek: number;
  readonly shareback: { readonly startsAt: string; readonly durationMinutes: number; readonly timeZone: string }; readonly version: number;
}

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'grid', gap: tokens.spacingHorizontalM, gridTemplateColumns: 'minmax(0, 1fr)', '@media (min-width: 600px)': { gridTemplateColumns: 'repeat(2, minmax(0, 1fr))' } },
  card: { padding: tokens.spacingHorizontalL },
});

const lines = (text: string) => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);

function initial(round: EditableRound | null) {
  const zone = round?.shareback.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    name: round?.name ?? '', participants: round?.participantIds.join('\n') ?? '', managers: round?.managerScopes.join('\n') ?? '',
    start: round?.window.start ?? '', weeks: String(round?.window.weeks ?? 3), hours: String(round?.hoursPerWeek ?? 2.5),
    sharebackAt: round ? DateTime.fromISO(round.shareback.startsAt, { zone }).toFormat("yyyy-MM-dd'T'HH:mm") : '',
    timeZone: zone, duration: String(round?.shareback.durationMinutes ?? 90), policyText: '',
  };
}

export function RoundForm({ session, round, onSaved }: { session: Session; round: EditableRound | null; onSaved(id: string): void }) {
  const styles = useStyles();
  const [form, setForm] = useState(() => initial(round));
  const [version, setVersion] = useState(round?.version);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (_e: unknown, d: { value: string }) => { setForm((f) => ({ ...f, [key]: d.value })); setSaved(null); };
  const err = (...keys: string[]) => keys.map((k) => errors[k]).find(Boolean);
  const state = (...keys: string[]) => (err(...keys) ? 'error' as const : 'none' as const);

  async function submit() {
    setFailure(null);
    setSaved(null);
    const local: Record<string, string> = {};
    if (form.name.trim().length < 3) local.name = 'Give the round a name of 3 to 120 characters.';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.start)) local['window.start'] = 'Choose the first day of practice.';
    const startsAt = DateTime.fromISO(form.sharebackAt, { zone: form.timeZone });
    if (!form.sharebackAt || !startsAt.isValid) local['shareback.startsAt'] = 'Choose when the shareback starts.';
    if (!DateTime.local().setZone(form.timeZone).isValid) local['shareback.timeZone'] = 'Use a time zone name such as Europe/London.';
    const hours = Number(form.hours.replace(',', '.'));
    if (!Number.isFinite(hours)) local.hoursPerWeek = 'Give the hours per week as a number, such as 2.5.';
    if (!round && lines(form.participants).length === 0 && lines(form.managers).length === 0) local.participantIds = 'Name at least one participant or a manager whose team joins.';
    setErrors(local);
    if (Object.keys(local).length) return setFailure('Some answers need attention: see the messages beside the fields. Nothing was sent.');
    const body = {
      name: form.name, participantIds: lines(form.participants), managerScopes: lines(form.managers),
      window: { start: form.start, weeks: Number(form.weeks) }, hoursPerWeek: hours,
      shareback: { startsAt: startsAt.toUTC().toISO(), durationMinutes: Number(form.duration), timeZone: form.timeZone },
      ...(round ? { expectedVersion: version } : form.policyText.trim() ? { policyText: form.policyText } : {}),
    };
    try {
      const result = round
        ? await session.api.send<{ id: string; version: number }>('PATCH', `/rounds/${encodeURIComponent(round.id)}`, body)
        : await session.api.send<{ id: string; version: number }>('POST', '/rounds', body);
      setVersion(result.version);
      setSaved(round ? 'Saved.' : 'Round created.');
      onSaved(result.id);
    } catch (error) {
      if (error instanceof ApiError && error.isConflict && round) setStale(true);
      else {
        if (error instanceof ApiError) setErrors(error.fieldErrors);
        setFailure(messageOf(error));
      }
    }
  }

  async function reloadKeepingText() {
    if (!round) return;
    try {
      const latest = await session.api.get(`/rounds/${encodeURIComponent(round.id)}/overview`, 'ownerOverview');
      setVersion(latest.round.version);
      setStale(false);
      setSaved('Loaded the latest version; your changes are kept here. Check them and save again.');
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  return (
    <form className={styles.form} noValidate onSubmit={(e) => { e.preventDefault(); void submit(); }} aria-label={round ? 'Edit the round' : 'New round'}>
      {stale && (
        <MessageBar intent="warning" role="alert" layout="multiline" data-testid="stale-warning">
          <MessageBarBody><MessageBarTitle>This changed since you opened it</MessageBarTitle>Another owner saved this round after you opened the form. Reload to continue from their version — what you typed stays.</MessageBarBody>
          <MessageBarActions><Button onClick={() => void reloadKeepingText()}>Reload and keep my text</Button></MessageBarActions>
        </MessageBar>
      )}
      <Field label="Name" required validationMessage={err('name')} validationState={state('name')}><Input value={form.name} onChange={set('name')} name="name" /></Field>
      <div className={styles.row}>
        <Field label="Participants (user ids, one per line)" validationMessage={err('participantIds')} validationState={state('participantIds')}><Textarea value={form.participants} onChange={set('participants')} /></Field>
        <Field label="Everyone reporting to (manager ids)" validationMessage={err('managerScopes')} validationState={state('managerScopes')}><Textarea value={form.managers} onChange={set('managers')} /></Field>
        <Field label="First day of practice" required validationMessage={err('window.start', 'window')} validationState={state('window.start', 'window')}><Input type="date" value={form.start} onChange={set('start')} name="start" /></Field>
        <Field label="Weeks" validationMessage={err('window.weeks')} validationState={state('window.weeks')}>
          <Select value={form.weeks} onChange={set('weeks')}>{[2, 3, 4].map((w) => <option key={w} value={String(w)}>{w}</option>)}</Select>
        </Field>
        <Field label="Practice hours per week" validationMessage={err('hoursPerWeek')} validationState={state('hoursPerWeek')}><Input value={form.hours} onChange={set('hours')} inputMode="decimal" /></Field>
        <Field label="Shareback starts" required validationMessage={err('shareback.startsAt', 'shareback')} validationState={state('shareback.startsAt', 'shareback')}><Input type="datetime-local" value={form.sharebackAt} onChange={set('sharebackAt')} /></Field>
        <Field label="Shareback time zone" validationMessage={err('shareback.timeZone')} validationState={state('shareback.timeZone')}><Input value={form.timeZone} onChange={set('timeZone')} /></Field>
        <Field label="Shareback length (minutes)" validationMessage={err('shareback.durationMinutes')} validationState={state('shareback.durationMinutes')}><Input value={form.duration} onChange={set('duration')} inputMode="numeric" /></Field>
      </div>
      {!round && <Field label="Safe-use policy (first version)" validationMessage={err('policyText')} validationState={state('policyText')}><Textarea value={form.policyText} onChange={set('policyText')} resize="vertical" /></Field>}
      {failure && <MessageBar intent="error" role="alert" data-testid="form-error"><MessageBarBody>{failure}</MessageBarBody></MessageBar>}
      {saved && <MessageBar intent="success" role="status"><MessageBarBody>{saved}</MessageBarBody></MessageBar>}
      <div><Button appearance="primary" type="submit" disabled={stale}>{round ? 'Save changes' : 'Create round'}</Button></div>
    </form>
  );
}

export function NewRoundPage({ session, onCreated }: { session: Session; onCreated(id: string): void }) {
  const styles = useStyles();
  return (
    <Card className={styles.card}>
      <CardHeader header={<Subtitle1 as="h2">New round</Subtitle1>} />
      <RoundForm session={session} round={null} onSaved={onCreated} />
    </Card>
  );
}
