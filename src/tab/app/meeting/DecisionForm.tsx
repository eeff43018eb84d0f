import { Button, Checkbox, Field, Input, MessageBar, MessageBarBody, Radio, RadioGroup, Select, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, messageOf, type ApiClient } from '../common/api';
import type { DecisionDetails } from '../../../contracts/common';
import type { BoardPerson } from '../../../contracts/meeting';
import type { DecisionOutcome as Outcome } from '../../../domain/experimentPlan';
import { OUTCOME_LABELS } from './labels';

/**
 * The owner's decision for the current experiment: what happens next, who owns it, by when, and what the
 * outcome needs. Errors sit beside their fields and the values stay; a decision another owner saved first
 * comes back as 409 with the current one, which is shown (and can then be edited).
 */
const useStyles = makeStyles({ form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS } });

interface Values { outcome: Outcome | ''; ownerId: string; dueDate: string; note: string; scope: string; tool: string; seats: string; approver: string; internalOwnerId: string; learned: string; decideEarly: boolean; earlyReason: string }

function valuesOf(person: BoardPerson, me: string): Values {
  const d = person.decision;
  return {
    outcome: d?.outcome ?? '', ownerId: d?.ownerId ?? me, dueDate: d?.dueDate ?? '', note: d?.note ?? '', scope: d?.scope ?? '',
    tool: d?.tool ?? person.tool, seats: d?.seats === undefined ? '' : String(d.seats), approver: d?.approver ?? '',
    internalOwnerId: d?.internalOwnerId ?? person.participantId, learned: d?.learned ?? '',
    decideEarly: d?.decideEarly ?? false, earlyReason: d?.earlyReason ?? '',
  };
}

export function DecisionForm({ api, roundId, person, people, me, onSaved, beforeStart = false }: {
  api: ApiClient; roundId: string; person: BoardPerson; people: readonly { id: string; name: string }[]; me: string; onSaved: () => void;
  /** The shareback has not started: a first decision now ends practice early, so it asks for "Decide early" and why. */
  beforeStart?: boolean;
}) {
  const styles = useStyles();
  const [values, setValues] = useState<Values>(() => valuesOf(person, me));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ intent: 'error' | 'success' | 'warning'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const [version, setVersion] = useState(person.version);
  const editing = person.decision !== null;

  // Who "me" is arrives after the first render: until then the owner field has no default.
  useEffect(() => {
    if (me) setValues((v) => (v.ownerId === '' ? { ...v, ownerId: me } : v));
  }, [me]);

  // A different presenter (or their decision changed elsewhere): start from what is recorded.
  useEffect(() => {
    setValues(valuesOf(person, me));
    setVersion(person.version);
    setErrors({});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [person.participantId, person.decision?.revision]);

  const set = (key: keyof Values) => (_: unknown, data: { value: string }) => setValues((v) => ({ ...v, [key]: data.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setMessage(null);
    const body: Record<string, unknown> = { outcome: values.outcome, ownerId: values.ownerId, dueDate: values.dueDate, note: values.note };
    if (values.outcome === 'another-round') body.scope = values.scope;
    if (values.outcome === 'paid-licence') Object.assign(body, { tool: values.tool, approver: values.approver, seats: values.seats.trim() === '' ? undefined : Number(values.seats) });
    if (values.outcome === 'internal-owner') body.internalOwnerId = values.internalOwnerId;
    if (values.outcome === 'stop') body.learned = values.learned;
    if (values.decideEarly) Object.assign(body, { decideEarly: true, earlyReason: values.earlyReason });
    if (editing) body.expectedVersion = version;
    try {
      await api.send('POST', `/rounds/${roundId}/experiments/${person.participantId}/decision`, body);
      setErrors({});
      setMessage({ intent: 'success', text: editing ? 'Decision updated. The participant is told in chat.' : 'Decision recorded. The participant is told in chat, and any follow-up is booked.' });
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        setErrors(error.fieldErrors);
        setMessage({ intent: 'error', text: error.message });
      } else if (error instanceof ApiError && error.status === 409) {
        const current = (error.body.current ?? {}) as { decision?: DecisionDetails | null; version?: number };
        if (current.decision) setValues({ ...valuesOf({ ...person, decision: { ...current.decision, by: '', at: '', revision: 0, ownerName: '' } }, me) });
        if (typeof current.version === 'number') setVersion(current.version);
        setMessage({ intent: 'warning', text: `${error.message} The form now shows the decision as it stands${current.decision ? ` (${OUTCOME_LABELS[current.decision.outcome]})` : ''}.` });
      } else {
        setMessage({ intent: 'error', text: messageOf(error) });
      }
    } finally {
      setSaving(false);
    }
  }

  const err = (key: string) => (errors[key] ? { validationState: 'error' as const, validationMessage: errors[key] } : {});
  return (
    <form className={styles.form} onSubmit={submit} aria-label={`Decision for ${person.name}`} noValidate>
      <Field label="What happens next" required {...err('outcome')}>
        <RadioGroup value={values.outcome} onChange={set('outcome')}>
          {(Object.keys(OUTCOME_LABELS) as Outcome[]).map((outcome) => <Radio key={outcome} value={outcome} label={OUTCOME_LABELS[outcome]} />)}
        </RadioGroup>
      </Field>
      <Field label="Owner" required {...err('ownerId')}>
        <Select value={values.ownerId} onChange={(e) => setValues((v) => ({ ...v, ownerId: e.target.value }))}>
          <option value="">Choose…</option>
          {people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </Select>
      </Field>
      <Field label="Due date" required {...err('dueDate')}>
        <Input type="date" value={values.dueDate} onChange={set('dueDate')} />
      </Field>
      {values.outcome === 'another-round' && <Field label="Changed scope (optional)" {...err('scope')}><Input value={values.scope} onChange={set('scope')} /></Field>}
      {values.outcome === 'paid-licence' && (
        <>
          <Field label="Tool" required {...err('tool')}><Input value={values.tool} onChange={set('tool')} /></Field>
          <Field label="Seats" required {...err('seats')}><Input type="number" min={1} value={values.seats} onChange={set('seats')} /></Field>
          <Field label="Who approves" required {...err('approver')}><Input value={values.approver} onChange={set('approver')} /></Field>
        </>
      )}
      {values.outcome === 'internal-owner' && (
        <Field label="Go-to person for this tool" required {...err('internalOwnerId')}>
          <Select value={values.internalOwnerId} onChange={(e) => setValues((v) => ({ ...v, internalOwnerId: e.target.value }))}>
            {people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </Select>
        </Field>
      )}
      {values.outcome === 'stop' && <Field label="What was learned" required {...err('learned')}><Textarea value={values.learned} onChange={set('learned')} /></Field>}
      <Field label="Note (optional)" {...err('note')}><Textarea value={values.note} onChange={set('note')} /></Field>
      {((beforeStart && !editing) || errors.decideEarly || values.decideEarly) && (
        <>
          <Field {...err('decideEarly')} hint="The shareback has not started: deciding now ends this person’s practice — their future practice blocks leave the calendar and their journal closes.">
            <Checkbox checked={values.decideEarly} onChange={(_e, data) => setValues((v) => ({ ...v, decideEarly: Boolean(data.checked) }))} label="Decide early" />
          </Field>
          {values.decideEarly && <Field label="Why decide before the shareback" required {...err('earlyReason')}><Textarea value={values.earlyReason} onChange={set('earlyReason')} /></Field>}
        </>
      )}
      {message && <MessageBar intent={message.intent} role={message.intent === 'success' ? 'status' : 'alert'}><MessageBarBody>{message.text}</MessageBarBody></MessageBar>}
      <Button type="submit" appearance="primary" disabled={saving}>{editing ? 'Update the decision' : 'Record the decision'}</Button>
    </form>
  );
}
