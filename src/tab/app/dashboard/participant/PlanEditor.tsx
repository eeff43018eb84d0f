import { Body1, Button, Card, CardHeader, Checkbox, Field, Input, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Select, Subtitle1, Subtitle2, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { FREQUENCIES, PREFERRED_TIMES, hypothesisSchema, selectionSchema } from '../../../../domain/experimentPlan';
import { RUBRIC_QUESTIONS, fitOfSelection, rubricScoresSchema } from '../../../../domain/rubric';
import { OTHER_TOOL_ID, ROLES, ROLE_LABELS } from '../../../../domain/toolCatalogue';
import { fieldErrorsOf } from '../../../../domain/validation';
import { ApiError, messageOf } from '../../common/api';
import type { Session } from '../../common/session';
import { useAsk } from '../../common/useAsk';
import type { PlanAdvice } from '../../../../domain/coach';
import { FitNote } from '../FitNote';
import type { Experiment } from '../../../../contracts/common';
import type { ParticipantViewAnswer, RoundOutlineAnswer } from '../../../../contracts/participant';

/**
 * Steps 1–2 in the tab: the same fields and the same validation as the chat cards (the domain's zod schemas run
 * here before anything is sent, and again on the server). Invalid → errors beside the fields, values kept, no request.
 * A stale form (someone or something saved first) → 409: "this changed since you opened it", with a reload that
 * takes the new version number and keeps everything typed here.
 */
const FREQUENCY_LABELS: Record<string, string> = { daily: 'Daily', 'few-times-a-week': 'A few times a week', weekly: 'Weekly', monthly: 'Monthly' };
const TIME_LABELS: Record<string, string> = { mornings: 'Mornings', afternoons: 'Afternoons', 'no-preference': 'No preference' };

interface Form {
  description: string; frequency: string; minutesToday: string; role: string; toolId: string; otherName: string; otherTermsUrl: string;
  kpi: string; scores: Record<string, string>; supportNamed: string;
  measure: string; baselineValue: string; baselineUnit: string; targetValue: string; targetUnit: string; howWeWillKnow: string;
  preferredTimes: string; blockMinutes: string; deadlineConflicts: string;
  policyAccepted: boolean; toolTermsAccepted: boolean;
}

function formOf(experiment: Experiment | null): Form {
  const s = experiment?.selection;
  const h = experiment?.hypothesis;
  return {
    description: s?.frictionPoint.description ?? '', frequency: s?.frictionPoint.frequency ?? '', minutesToday: s ? String(s.frictionPoint.minutesToday) : '',
    role: s?.role ?? '', toolId: s ? (s.tool.kind === 'catalogue' ? s.tool.entry.id : OTHER_TOOL_ID) : '',
    otherName: s?.tool.kind === 'other' ? s.tool.name : '', otherTermsUrl: s?.tool.kind === 'other' ? s.tool.termsUrl ?? '' : '',
    kpi: s?.kpi ?? '', scores: Object.fromEntries(RUBRIC_QUESTIONS.map((q) => [q.id, s ? String(s.scores[q.id] ?? '') : ''])), supportNamed: s?.supportNamed ?? '',
    measure: h?.measure ?? '', baselineValue: h ? String(h.baseline.value) : '', baselineUnit: h?.baseline.unit ?? '', targetValue: h ? String(h.target.value) : '', targetUnit: h?.target.unit ?? '',
    howWeWillKnow: h?.howWeWillKnow ?? '', preferredTimes: h?.preferredTimes ?? '', blockMinutes: h ? String(h.blockMinutes) : '60', deadlineConflicts: h?.deadlineConflicts ?? '',
    policyAccepted: false, toolTermsAccepted: false,
  };
}

const numberOrUndefined = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text.replace(',', '.')));

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'grid', gap: tokens.spacingHorizontalM, gridTemplateColumns: 'minmax(0, 1fr)', '@media (min-width: 600px)': { gridTemplateColumns: 'repeat(2, minmax(0, 1fr))' } },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  policy: { whiteSpace: 'pre-wrap', maxHeight: '12em', overflowY: 'auto', padding: tokens.spacingHorizontalS, border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium },
  card: { padding: tokens.spacingHorizontalL },
});

export function PlanEditor({ session, roundId, me, outline, onSaved }: { session: Session; roundId: string; me: ParticipantViewAnswer; outline: RoundOutlineAnswer; onSaved(): void }) {
  const styles = useStyles();
  const [form, setForm] = useState<Form>(() => formOf(me.experiment));
  const [version, setVersion] = useState<number | undefined>(me.experiment?.version);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const needsAck = me.needsAcknowledgement || !me.experiment;
  const base = `/rounds/${encodeURIComponent(roundId)}/me`;
  const catalogue = outline.catalogue;
  const set = <K extends keyof Form>(key: K) => (value: Form[K]) => { setForm((f) => ({ ...f, [key]: value })); setSaved(null); };
  const errorOf = (...keys: string[]) => keys.map((k) => errors[k]).find(Boolean);

  const selectionInput = useMemo(() => {
    const entry = catalogue.find((t) => t.id === form.toolId);
    return {
      frictionPoint: { description: form.description, frequency: form.frequency, minutesToday: numberOrUndefined(form.minutesToday) },
      role: form.role,
      tool: form.toolId === OTHER_TOOL_ID ? { kind: 'other', name: form.otherName, termsUrl: form.otherTermsUrl.trim() === '' ? null : form.otherTermsUrl } : entry ? { kind: 'catalogue', entry } : undefined,
      kpi: form.kpi,
      scores: Object.fromEntries(Object.entries(form.scores).map(([k, v]) => [k, numberOrUndefined(v)])),
      supportNamed: form.supportNamed,
    };
  }, [form, catalogue]);
  const hypothesisInput = useMemo(() => ({
    measure: form.measure, baseline: { value: numberOrUndefined(form.baselineValue), unit: form.baselineUnit }, target: { value: numberOrUndefined(form.targetValue), unit: form.targetUnit },
    howWeWillKnow: form.howWeWillKnow, preferredTimes: form.preferredTimes, blockMinutes: numberOrUndefined(form.blockMinutes), deadlineConflicts: form.deadlineConflicts,
  }), [form]);

  // The fit as the person scores (the same domain function as the chat card's "Check my fit"): once all five are in.
  const fit = useMemo(() => {
    const scores = rubricScoresSchema.safeParse(selectionInput.scores);
    return scores.success ? fitOfSelection({ scores: scores.data, supportNamed: form.supportNamed }, outline.round) : null;
  }, [selectionInput.scores, form.supportNamed, outline.round]);

  function validate(withHypothesis: boolean): Record<string, string> {
    const found: Record<string, string> = {};
    const selection = selectionSchema.safeParse(selectionInput);
    if (!selection.success) Object.assign(found, fieldErrorsOf(selection.error.issues));
    if (!form.toolId) found.tool = 'Choose the tool you want to try, or “Another tool”.';
    if (withHypothesis) {
      const hypothesis = hypothesisSchema.safeParse(hypothesisInput);
      if (!hypothesis.success) for (const [k, v] of Object.entries(fieldErrorsOf(hypothesis.error.issues))) found[`hypothesis.${k}`] = v;
    }
    if (needsAck) {
      if (!form.policyAccepted) found.policyAccepted = 'Confirm that you have read and will follow the safe-use policy.';
      if (!form.toolTermsAccepted) found.toolTermsAccepted = 'Confirm that you accept the tool’s terms of use.';
    }
    return found;
  }

  async function reloadKeepingText() {
    try {
      const latest = await session.api.get(base, 'participantView');
      setVersion(latest.experiment?.version);
      setStale(false);
      setFailure(null);
      setSaved('Loaded the latest version number; your text is kept. Check it and save again.');
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  async function save(submit: boolean) {
    setSaved(null);
    setFailure(null);
    const found = validate(submit);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFailure('Some answers need attention: see the messages beside the fields. Nothing was sent.');
      return;
    }
    setBusy(true);
    try {
      let current = version;
      if (needsAck) {
        const tool = form.toolId === OTHER_TOOL_ID ? { otherToolName: form.otherName, otherToolTermsUrl: form.otherTermsUrl || undefined } : { toolId: form.toolId };
        const acked = await session.api.send<{ experiment: Experiment | null }>('POST', `${base}/acknowledgement`, { policyVersion: outline.round.policyVersion, policyAccepted: true, toolTermsAccepted: true, tool });
        current = acked.experiment?.version;
      }
      const afterSelection = await session.api.send<Experiment>('PUT', `${base}/selection`, { selection: selectionInput, expectedVersion: current });
      current = afterSelection.version;
      if (submit) {
        const afterSubmit = await session.api.send<Experiment>('POST', `${base}/submit`, { hypothesis: hypothesisInput, expectedVersion: current });
        current = afterSubmit.version;
      }
      setVersion(current);
      setSaved(submit ? 'Sent to your manager for review.' : 'Saved.');
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.isConflict) {
        setStale(true);
      } else if (error instanceof ApiError && Object.keys(error.fieldErrors).length > 0) {
        const server = error.fieldErrors;
        setErrors(submit && !('frictionPoint.description' in server) ? Object.fromEntries(Object.entries(server).map(([k, v]) => [k.startsWith('frictionPoint') || ['role', 'tool', 'kpi', 'supportNamed'].includes(k.split('.')[0]!) || k.startsWith('scores') ? k : `hypothesis.${k}`, v])) : server);
        setFailure(error.message);
      } else {
        setFailure(messageOf(error));
      }
    } finally {
      setBusy(false);
    }
  }

  // A new policy version during practice: the plan is settled, so only the confirmation is asked for;
  // journal entries and assets wait until it is given (their refusals link here).
  const settled = me.experiment !== null && !['draft', 'changes_requested'].includes(me.experiment.state);
  async function confirmPolicyOnly() {
    setFailure(null);
    const found: Record<string, string> = {};
    if (!form.policyAccepted) found.policyAccepted = 'Confirm that you have read and will follow the safe-use policy.';
    if (!form.toolTermsAccepted) found.toolTermsAccepted = 'Confirm that you accept the tool’s terms of use.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const tool = me.experiment?.selection?.tool;
    setBusy(true);
    try {
      await session.api.send('POST', `${base}/acknowledgement`, {
        policyVersion: outline.round.policyVersion, policyAccepted: true, toolTermsAccepted: true,
        tool: tool?.kind === 'other' ? { otherToolName: tool.name, otherToolTermsUrl: tool.termsUrl ?? undefined } : { toolId: tool?.entry.id },
      });
      onSaved();
    } catch (error) {
      setFailure(messageOf(error));
    } finally {
      setBusy(false);
    }
  }
  if (needsAck && settled) {
    return (
      <Card className={styles.card}>
        <CardHeader header={<Subtitle1 as="h3" id="policy-heading">Confirm version {outline.round.policyVersion ?? '—'} of the safe-use policy</Subtitle1>} />
        <div className={styles.form} data-testid="policy-confirmation">
          <Body1 as="p">The round’s owners published a new version. Journal entries and saving or sharing assets wait until you confirm it.</Body1>
          <div className={styles.policy} tabIndex={0} role="document" aria-label="Policy text">{outline.policyText ?? ''}</div>
          <Field validationMessage={errorOf('policyAccepted')} validationState={errorOf('policyAccepted') ? 'error' : 'none'}>
            <Checkbox checked={form.policyAccepted} onChange={(_e, d) => set('policyAccepted')(Boolean(d.checked))} label="I have read the safe-use policy and will follow it" />
          </Field>
          <Field validationMessage={errorOf('toolTermsAccepted')} validationState={errorOf('toolTermsAccepted') ? 'error' : 'none'}>
            <Checkbox checked={form.toolTermsAccepted} onChange={(_e, d) => set('toolTermsAccepted')(Boolean(d.checked))} label="I accept the terms of use of my tool" />
          </Field>
          {failure && <MessageBar intent="error" role="alert"><MessageBarBody>{failure}</MessageBarBody></MessageBar>}
          <div className={styles.actions}><Button appearance="primary" onClick={() => void confirmPolicyOnly()} disabled={busy}>Confirm version {outline.round.policyVersion ?? ''}</Button></div>
        </div>
      </Card>
    );
  }

  const otherTool = form.toolId === OTHER_TOOL_ID;
  return (
    <Card className={styles.card}>
      <CardHeader header={<Subtitle1 as="h3">Your plan</Subtitle1>} />
      <form className={styles.form} noValidate onSubmit={(e) => { e.preventDefault(); void save(true); }} aria-label="Your plan">
        {stale && (
          <MessageBar intent="warning" layout="multiline" role="alert" data-testid="stale-warning">
            <MessageBarBody>
              <MessageBarTitle>This changed since you opened it</MessageBarTitle>
              Your plan was saved somewhere else (another tab, or the chat card) after you opened this form. Reload to continue from the latest version — what you typed here stays.
            </MessageBarBody>
            <MessageBarActions><Button onClick={() => void reloadKeepingText()}>Reload and keep my text</Button></MessageBarActions>
          </MessageBar>
        )}
        {needsAck && (
          <section className={styles.form} aria-labelledby="policy-heading">
            <Subtitle2 as="h4" id="policy-heading">Safe-use policy (version {outline.round.policyVersion ?? '—'})</Subtitle2>
            <div className={styles.policy} tabIndex={0} role="document" aria-label="Policy text">{outline.policyText ?? 'The policy has not been published yet.'}</div>
            <Field validationMessage={errorOf('policyAccepted')} validationState={errorOf('policyAccepted') ? 'error' : 'none'}>
              <Checkbox checked={form.policyAccepted} onChange={(_e, d) => set('policyAccepted')(Boolean(d.checked))} label="I have read the safe-use policy and will follow it" />
            </Field>
            <Field validationMessage={errorOf('toolTermsAccepted')} validationState={errorOf('toolTermsAccepted') ? 'error' : 'none'}>
              <Checkbox checked={form.toolTermsAccepted} onChange={(_e, d) => set('toolTermsAccepted')(Boolean(d.checked))} label="I accept the terms of use of the tool I choose" />
            </Field>
          </section>
        )}
        <Subtitle2 as="h4">Step 1: friction point and tool</Subtitle2>
        <Field label="Friction point: a task that slows you down" required validationMessage={errorOf('frictionPoint.description', 'frictionPoint')} validationState={errorOf('frictionPoint.description', 'frictionPoint') ? 'error' : 'none'}>
          <Textarea value={form.description} onChange={(_e, d) => set('description')(d.value)} resize="vertical" name="description" />
        </Field>
        <div className={styles.row}>
          <Field label="How often" required validationMessage={errorOf('frictionPoint.frequency')} validationState={errorOf('frictionPoint.frequency') ? 'error' : 'none'}>
            <Select value={form.frequency} onChange={(_e, d) => set('frequency')(d.value)} name="frequency">
              <option value="">Choose…</option>
              {FREQUENCIES.map((f) => <option key={f} value={f}>{FREQUENCY_LABELS[f] ?? f}</option>)}
            </Select>
          </Field>
          <Field label="Minutes it takes each time today" required validationMessage={errorOf('frictionPoint.minutesToday')} validationState={errorOf('frictionPoint.minutesToday') ? 'error' : 'none'}>
            <Input value={form.minutesToday} onChange={(_e, d) => set('minutesToday')(d.value)} inputMode="numeric" name="minutesToday" />
          </Field>
          <Field label="Your role" required validationMessage={errorOf('role')} validationState={errorOf('role') ? 'error' : 'none'}>
            <Select value={form.role} onChange={(_e, d) => set('role')(d.value)} name="role">
              <option value="">Choose…</option>
              {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
            </Select>
          </Field>
          <Field label="Tool" required validationMessage={errorOf('tool', 'tool.entry')} validationState={errorOf('tool', 'tool.entry') ? 'error' : 'none'}>
            <Select value={form.toolId} onChange={(_e, d) => set('toolId')(d.value)} name="tool">
              <option value="">Choose…</option>
              {catalogue.map((t) => <option key={t.id} value={t.id}>{t.name} — {t.goodFor}</option>)}
              <option value={OTHER_TOOL_ID}>Another tool (name it)</option>
            </Select>
          </Field>
          {otherTool && (
            <>
              <Field label="Tool name" required validationMessage={errorOf('tool.name', 'otherToolName')} validationState={errorOf('tool.name', 'otherToolName') ? 'error' : 'none'}>
                <Input value={form.otherName} onChange={(_e, d) => set('otherName')(d.value)} name="otherName" />
              </Field>
              <Field label="Link to its terms (https://)" validationMessage={errorOf('tool.termsUrl', 'otherToolTermsUrl')} validationState={errorOf('tool.termsUrl', 'otherToolTermsUrl') ? 'error' : 'none'}>
                <Input value={form.otherTermsUrl} onChange={(_e, d) => set('otherTermsUrl')(d.value)} type="url" name="otherTermsUrl" />
              </Field>
            </>
          )}
        </div>
        {!needsAck && <ToolCoach session={session} base={base} form={form} names={Object.fromEntries(catalogue.map((t) => [t.id, t.name]))} onUse={(toolId, otherName) => { setForm((f) => ({ ...f, toolId, ...(otherName ? { otherName } : {}) })); setSaved(null); }} />}
        <Field label="KPI this could move" required validationMessage={errorOf('kpi')} validationState={errorOf('kpi') ? 'error' : 'none'}>
          <Input value={form.kpi} onChange={(_e, d) => set('kpi')(d.value)} name="kpi" />
        </Field>
        <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
          <legend><Subtitle2>Selection rubric (1 = low, 5 = high)</Subtitle2></legend>
          <div className={styles.row}>
            {RUBRIC_QUESTIONS.map((q) => (
              <Field key={q.id} label={`${q.label}: ${q.question}`} required validationMessage={errorOf(`scores.${q.id}`)} validationState={errorOf(`scores.${q.id}`) ? 'error' : 'none'}>
                <Select value={form.scores[q.id] ?? ''} onChange={(_e, d) => setForm((f) => ({ ...f, scores: { ...f.scores, [q.id]: d.value } }))} name={`scores.${q.id}`}>
                  <option value="">Choose…</option>
                  {[1, 2, 3, 4, 5].map((n) => <option key={n} value={String(n)}>{n}</option>)}
                </Select>
              </Field>
            ))}
          </div>
        </fieldset>
        <Field label="Who can support you (optional)" validationMessage={errorOf('supportNamed')} validationState={errorOf('supportNamed') ? 'error' : 'none'}>
          <Input value={form.supportNamed} onChange={(_e, d) => set('supportNamed')(d.value)} name="supportNamed" />
        </Field>
        {fit && <FitNote assessment={fit} testId="plan-fit" />}

        <Subtitle2 as="h4">Step 2: the outcome you expect</Subtitle2>
        <Field label="What you will measure" required validationMessage={errorOf('hypothesis.measure')} validationState={errorOf('hypothesis.measure') ? 'error' : 'none'}>
          <Input value={form.measure} onChange={(_e, d) => set('measure')(d.value)} name="measure" />
        </Field>
        <div className={styles.row}>
          <Field label="Baseline (today)" required validationMessage={errorOf('hypothesis.baseline.value', 'hypothesis.baseline')} validationState={errorOf('hypothesis.baseline.value', 'hypothesis.baseline') ? 'error' : 'none'}>
            <Input value={form.baselineValue} onChange={(_e, d) => set('baselineValue')(d.value)} inputMode="decimal" name="baselineValue" />
          </Field>
          <Field label="Baseline unit" required validationMessage={errorOf('hypothesis.baseline.unit')} validationState={errorOf('hypothesis.baseline.unit') ? 'error' : 'none'}>
            <Input value={form.baselineUnit} onChange={(_e, d) => set('baselineUnit')(d.value)} name="baselineUnit" />
          </Field>
          <Field label="Target" required validationMessage={errorOf('hypothesis.target.value', 'hypothesis.target')} validationState={errorOf('hypothesis.target.value', 'hypothesis.target') ? 'error' : 'none'}>
            <Input value={form.targetValue} onChange={(_e, d) => set('targetValue')(d.value)} inputMode="decimal" name="targetValue" />
          </Field>
          <Field label="Target unit" required validationMessage={errorOf('hypothesis.target.unit')} validationState={errorOf('hypothesis.target.unit') ? 'error' : 'none'}>
            <Input value={form.targetUnit} onChange={(_e, d) => set('targetUnit')(d.value)} name="targetUnit" />
          </Field>
        </div>
        <Field label="How you will know it worked" required validationMessage={errorOf('hypothesis.howWeWillKnow')} validationState={errorOf('hypothesis.howWeWillKnow') ? 'error' : 'none'}>
          <Textarea value={form.howWeWillKnow} onChange={(_e, d) => set('howWeWillKnow')(d.value)} resize="vertical" name="howWeWillKnow" />
        </Field>
        {!needsAck && <PlanCoach session={session} base={base} form={form} onUse={(changes) => { setForm((f) => ({ ...f, ...changes })); setSaved(null); }} />}
        <div className={styles.row}>
          <Field label="Preferred practice times" required validationMessage={errorOf('hypothesis.preferredTimes')} validationState={errorOf('hypothesis.preferredTimes') ? 'error' : 'none'}>
            <Select value={form.preferredTimes} onChange={(_e, d) => set('preferredTimes')(d.value)} name="preferredTimes">
              <option value="">Choose…</option>
              {PREFERRED_TIMES.map((t) => <option key={t} value={t}>{TIME_LABELS[t] ?? t}</option>)}
            </Select>
          </Field>
          <Field label="Block length (minutes)" required validationMessage={errorOf('hypothesis.blockMinutes')} validationState={errorOf('hypothesis.blockMinutes') ? 'error' : 'none'}>
            <Select value={form.blockMinutes} onChange={(_e, d) => set('blockMinutes')(d.value)} name="blockMinutes">
              {[30, 45, 60, 75, 90, 105, 120].map((m) => <option key={m} value={String(m)}>{m}</option>)}
            </Select>
          </Field>
        </div>
        <Field label="Deadlines to keep clear of (optional)" validationMessage={errorOf('hypothesis.deadlineConflicts')} validationState={errorOf('hypothesis.deadlineConflicts') ? 'error' : 'none'}>
          <Input value={form.deadlineConflicts} onChange={(_e, d) => set('deadlineConflicts')(d.value)} name="deadlineConflicts" />
        </Field>

        {failure && <MessageBar intent="error" role="alert" data-testid="form-error"><MessageBarBody>{failure}</MessageBarBody></MessageBar>}
        {saved && <MessageBar intent="success" role="status"><MessageBarBody>{saved}</MessageBarBody></MessageBar>}
        <div className={styles.actions}>
          <Button appearance="primary" type="submit" disabled={busy || stale}>Send to my manager</Button>
          <Button type="button" onClick={() => void save(false)} disabled={busy || stale}>Save draft</Button>
        </div>
      </form>
    </Card>
  );
}

interface CoachAnswer { readonly by: 'basic' | 'model'; readonly note: string; readonly redactions: number; readonly value: PlanAdvice }

/**
 * "Help me sharpen this": the coach reads the plan as typed (unsaved), and its suggestion is shown beside it.
 * Nothing changes in the form until the person chooses "Use this"; nothing is saved until they save or send.
 */
function PlanCoach({ session, base, form, onUse }: { session: Session; base: string; form: Form; onUse(changes: Partial<Form>): void }) {
  const { answer, problem, busy, ask: send, dismiss } = useAsk<CoachAnswer>();
  const value = (text: string): number | null => (text.trim() === '' || !Number.isFinite(Number(text)) ? null : Number(text));
  const ask = () => send(() => session.api.send<CoachAnswer>('POST', `${base}/coach/plan`, {
    frictionPoint: form.description, kpi: form.kpi, minutesToday: value(form.minutesToday), supportNamed: form.supportNamed,
    scores: Object.fromEntries(Object.entries(form.scores).map(([k, v]) => [k, value(v)])),
    measure: form.measure, baseline: { value: value(form.baselineValue), unit: form.baselineUnit }, target: { value: value(form.targetValue), unit: form.targetUnit },
    howWeWillKnow: form.howWeWillKnow,
  }));
  const advice = answer?.value;
  return (
    <div data-testid="plan-coach">
      <Button type="button" onClick={() => void ask()} disabled={busy}>{busy ? 'The coach is thinking…' : 'Help me sharpen this'}</Button>
      {problem && <MessageBar intent="warning" role="status"><MessageBarBody>{problem}</MessageBarBody></MessageBar>}
      {answer && advice && (
        <MessageBar intent="info" layout="multiline" role="status">
          <MessageBarBody>
            <MessageBarTitle>Sharpen your plan</MessageBarTitle>
            <div>{answer.note}</div>
            {answer.redactions > 0 && <div>{answer.redactions} thing(s) that looked sensitive were replaced before the coach read your text.</div>}
            <ul>
              {advice.vague.map((v) => <li key={v}>{v}</li>)}
              {advice.suggestedMeasure && <li>Measure: {advice.suggestedMeasure}</li>}
              {advice.baseline && advice.target && <li>Baseline → target: {advice.baseline.value} {advice.baseline.unit} → {advice.target.value} {advice.target.unit}</li>}
              {advice.howYouWillKnow && <li>How you will know: {advice.howYouWillKnow}</li>}
              {advice.riskyAnswers.map((r) => <li key={r.question}>{r.why}</li>)}
            </ul>
          </MessageBarBody>
          <MessageBarActions>
            <Button type="button" appearance="primary" onClick={() => {
              onUse({
                ...(advice.suggestedMeasure ? { measure: advice.suggestedMeasure } : {}),
                ...(advice.baseline ? { baselineValue: String(advice.baseline.value), baselineUnit: advice.baseline.unit } : {}),
                ...(advice.target ? { targetValue: String(advice.target.value), targetUnit: advice.target.unit } : {}),
                ...(advice.howYouWillKnow ? { howWeWillKnow: advice.howYouWillKnow } : {}),
              });
              dismiss();
            }}>Use this</Button>
            <Button type="button" onClick={() => dismiss()}>Dismiss</Button>
          </MessageBarActions>
        </MessageBar>
      )}
    </div>
  );
}

interface ToolsAnswer { readonly by: 'basic' | 'model'; readonly note: string; readonly value: { readonly suggestions: readonly { readonly toolId: string; readonly otherName?: string; readonly why: string }[] } }

/** "Suggest tools": up to three from the round's catalogue for the friction point and role as typed; "Use" picks one. */
function ToolCoach({ session, base, form, names, onUse }: { session: Session; base: string; form: Form; names: Record<string, string>; onUse(toolId: string, otherName?: string): void }) {
  const { answer, problem, busy, ask: send, dismiss } = useAsk<ToolsAnswer>();
  const ask = () => send(() => session.api.send<ToolsAnswer>('POST', `${base}/coach/tools`, { frictionPoint: form.description, role: form.role || undefined, otherToolName: form.otherName || undefined }));
  return (
    <div data-testid="tool-coach">
      <Button type="button" onClick={() => void ask()} disabled={busy}>{busy ? 'The coach is thinking…' : 'Suggest tools'}</Button>
      {problem && <MessageBar intent="warning" role="status"><MessageBarBody>{problem}</MessageBarBody></MessageBar>}
      {answer && (
        <MessageBar intent="info" layout="multiline" role="status">
          <MessageBarBody>
            <MessageBarTitle>Tools that could fit</MessageBarTitle>
            <div>{answer.note}</div>
            <ul>
              {answer.value.suggestions.map((s) => {
                const name = s.toolId === OTHER_TOOL_ID ? s.otherName ?? 'Your own tool' : names[s.toolId] ?? s.toolId;
                return <li key={s.toolId}>{name}: {s.why} <Button size="small" type="button" onClick={() => { onUse(s.toolId, s.otherName); dismiss(); }}>Use {name}</Button></li>;
              })}
            </ul>
          </MessageBarBody>
          <MessageBarActions><Button type="button" onClick={() => dismiss()}>Dismiss</Button></MessageBarActions>
        </MessageBar>
      )}
    </div>
  );
}
