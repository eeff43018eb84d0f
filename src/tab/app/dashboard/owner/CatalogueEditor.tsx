import {
  Badge, Button, Caption1, Checkbox, Field, Input, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Textarea, makeStyles, tokens,
} from '@fluentui/react-components';
import { useEffect, useId, useRef, useState } from 'react';
import { MAX_CATALOGUE_ENTRIES, ROLES, ROLE_LABELS, toolCatalogueSchema, type Role } from '../../../../domain/toolCatalogue';
import { fieldErrorsOf } from '../../../../domain/validation';
import { ApiError, messageOf } from '../../common/api';
import type { Session } from '../../common/session';
import type { ToolEntry } from '../../../../contracts/common';

/**
 * Add, edit and remove the round's tools: the whole list goes in one PATCH /api/rounds/{id} with the version
 * the editor showed, so another owner's save in between is a 409 "this changed since you opened it" that keeps
 * the edits. The browser checks the list with the domain's own schema first (nothing is sent when it fails);
 * the server checks it again and its 422 field errors ("catalogue.3.termsUrl") land beside the same fields.
 */
export interface CatalogueRound {
  readonly id: string;
  readonly version: number;
  readonly catalogue: readonly (ToolEntry & { readonly vendor?: string })[];
}

interface Draft {
  /** React's key: stable while the id itself is being edited. */
  readonly key: string;
  /** Added in this editor and not saved yet: only then does typing a name suggest the id (a saved id stays put). */
  readonly fresh: boolean;
  readonly id: string; readonly name: string; readonly vendor: string; readonly termsUrl: string; readonly roles: readonly string[]; readonly goodFor: string;
}
type TextField = 'id' | 'name' | 'vendor' | 'termsUrl' | 'goodFor';

const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  item: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalS, paddingBottom: tokens.spacingVerticalS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  summary: { display: 'flex', flexDirection: 'column', minWidth: 0, flexGrow: 1, flexBasis: '12em', overflowWrap: 'anywhere' },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  entry: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, flexBasis: '100%', minWidth: 0, margin: 0, padding: tokens.spacingHorizontalM, border: `1px solid ${tokens.colorNeutralStroke1}`, borderRadius: tokens.borderRadiusMedium },
  roles: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, margin: 0, padding: 0, border: 'none', minWidth: 0 },
  legend: { padding: 0, fontWeight: tokens.fontWeightSemibold },
  roleError: { color: tokens.colorPaletteRedForeground1, flexBasis: '100%' },
});

let nextKey = 0;
const keyOf = () => `tool-${(nextKey += 1)}`;
const draftsOf = (round: CatalogueRound): Draft[] => round.catalogue.map((t) => ({ key: keyOf(), fresh: false, id: t.id, name: t.name, vendor: t.vendor ?? '', termsUrl: t.termsUrl, roles: [...t.roles], goodFor: t.goodFor }));
const entryOf = ({ key: _key, fresh: _fresh, ...entry }: Draft) => entry;

/** A suggested id from the name ("Acme Writer" → "acme-writer"); the owner can change it. */
const slug = (name: string) => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);

export function CatalogueEditor({ session, round, onSaved }: { session: Session; round: CatalogueRound; onSaved(): void }) {
  const styles = useStyles();
  const baseId = useId();
  const [drafts, setDrafts] = useState<Draft[]>(() => draftsOf(round));
  const [version, setVersion] = useState(round.version);
  const [open, setOpen] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  const dirty = useRef(false);

  // Another save of the round (the setup form, a policy) bumps its version: follow it while nothing is unsaved here.
  useEffect(() => {
    if (dirty.current || round.version === version) return;
    setDrafts(draftsOf(round));
    setVersion(round.version);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [round.version]);

  const indexOf = (key: string) => drafts.findIndex((d) => d.key === key);
  const err = (key: string, field: string) => errors[`catalogue.${indexOf(key)}.${field}`];
  const hasErrors = (key: string) => Object.keys(errors).some((k) => k.startsWith(`catalogue.${indexOf(key)}.`));
  const touch = () => { dirty.current = true; setSaved(null); };
  const update = (key: string, change: Partial<Draft>) => { setDrafts((all) => all.map((d) => (d.key === key ? { ...d, ...change } : d))); touch(); };

  function add() {
    const draft: Draft = { key: keyOf(), fresh: true, id: '', name: '', vendor: '', termsUrl: 'https://', roles: [], goodFor: '' };
    setDrafts((all) => [...all, draft]);
    setOpen(draft.key);
    touch();
  }
  function remove(key: string) {
    const index = indexOf(key);
    setDrafts((all) => all.filter((d) => d.key !== key));
    // Errors are keyed by position: drop the removed entry's and move the later ones up.
    setErrors((all) => Object.fromEntries(Object.entries(all).flatMap(([k, message]) => {
      const match = /^catalogue\.(\d+)\.(.+)$/.exec(k);
      if (!match) return [[k, message]];
      const at = Number(match[1]);
      return at === index ? [] : [[at > index ? `catalogue.${at - 1}.${match[2]}` : k, message]];
    })));
    if (open === key) setOpen(null);
    touch();
  }

  /** Duplicate ids: the schema reports them for the whole list; the owner needs to see which entry. */
  function duplicateIdErrors(entries: readonly Draft[]): Record<string, string> {
    const seen = new Set<string>();
    const found: Record<string, string> = {};
    entries.forEach((d, i) => {
      const id = d.id.trim();
      if (seen.has(id)) found[`catalogue.${i}.id`] = 'Another tool in this list already uses this id; choose another.';
      seen.add(id);
    });
    return found;
  }

  function showErrors(found: Record<string, string>, message: string) {
    setErrors(found);
    setFailure(message);
    const first = Object.keys(found).map((k) => /^catalogue\.(\d+)\./.exec(k)?.[1]).find((i) => i !== undefined);
    const draft = first === undefined ? undefined : drafts[Number(first)];
    if (draft) setOpen(draft.key);
  }

  async function save() {
    setFailure(null);
    setSaved(null);
    const parsed = toolCatalogueSchema.safeParse(drafts.map(entryOf));
    if (!parsed.success) {
      const local = { ...duplicateIdErrors(drafts) };
      for (const [k, message] of Object.entries(fieldErrorsOf(parsed.error.issues))) {
        if (k !== 'form') local[`catalogue.${k}`] ??= message;
        else if (Object.keys(local).length === 0) local.catalogue = message;
      }
      return showErrors(local, 'Some tools need attention: see the messages beside the fields. Nothing was sent.');
    }
    setErrors({});
    setSaving(true);
    try {
      const result = await session.api.send<{ version: number }>('PATCH', `/rounds/${encodeURIComponent(round.id)}`, { catalogue: parsed.data, expectedVersion: version });
      setVersion(result.version);
      setDrafts((all) => all.map((d) => ({ ...d, fresh: false })));
      dirty.current = false;
      setOpen(null);
      setSaved('Catalogue saved.');
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.isConflict) setStale(true);
      else showErrors(error instanceof ApiError ? error.fieldErrors : {}, messageOf(error));
    } finally {
      setSaving(false);
    }
  }

  async function reloadKeepingEdits() {
    try {
      const latest = await session.api.get(`/rounds/${encodeURIComponent(round.id)}/overview`, 'ownerOverview');
      setVersion(latest.round.version);
      setStale(false);
      setSaved('Loaded the latest version; your changes to the list are kept here. Check them and save again.');
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  const textField = (draft: Draft, field: TextField, label: string, hint?: string, multiline = false) => {
    const message = err(draft.key, field);
    const onChange = (_e: unknown, d: { value: string }) => update(draft.key, field === 'name' && draft.fresh && draft.id === slug(draft.name) ? { name: d.value, id: slug(d.value) } : { [field]: d.value });
    return (
      <Field label={label} hint={hint} required validationMessage={message} validationState={message ? 'error' : 'none'}>
        {multiline ? <Textarea value={draft[field]} onChange={onChange} resize="vertical" /> : <Input value={draft[field]} onChange={onChange} type={field === 'termsUrl' ? 'url' : 'text'} />}
      </Field>
    );
  };

  return (
    <form className={styles.stack} noValidate aria-label="Edit the tool catalogue" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      {stale && (
        <MessageBar intent="warning" role="alert" layout="multiline" data-testid="catalogue-stale-warning">
          <MessageBarBody><MessageBarTitle>This changed since you opened it</MessageBarTitle>Another owner saved this round after you opened the catalogue. Reload to continue from their version — your edits stay.</MessageBarBody>
          <MessageBarActions><Button onClick={() => void reloadKeepingEdits()}>Reload and keep my edits</Button></MessageBarActions>
        </MessageBar>
      )}
      {drafts.length === 0 && <Caption1>No tools yet: participants can only name their own. Add one below.</Caption1>}
      <ul className={styles.list} aria-label="Tools in this round">
        {drafts.map((draft, index) => {
          const title = draft.name.trim() || 'New tool';
          const rolesError = err(draft.key, 'roles');
          const rolesErrorId = `${baseId}-${draft.key}-roles`;
          return (
            <li key={draft.key} className={styles.item}>
              <div className={styles.summary}>
                <span><strong>{title}</strong>{draft.vendor.trim() ? ` · ${draft.vendor.trim()}` : ''} {hasErrors(draft.key) && <Badge color="danger" appearance="tint">needs attention</Badge>}</span>
                {draft.goodFor.trim() && <Caption1>{draft.goodFor.trim()}</Caption1>}
                <Caption1>{draft.roles.map((r) => ROLE_LABELS[r as Role] ?? r).join(', ') || 'No roles yet'}</Caption1>
              </div>
              <div className={styles.actions}>
                <Button size="small" aria-expanded={open === draft.key} aria-label={`${open === draft.key ? 'Close' : 'Edit'} ${title}`} onClick={() => setOpen(open === draft.key ? null : draft.key)}>{open === draft.key ? 'Close' : 'Edit'}</Button>
                <Button size="small" aria-label={`Remove ${title}`} onClick={() => remove(draft.key)}>Remove</Button>
              </div>
              {open === draft.key && (
                <fieldset className={styles.entry} aria-label={`Tool ${index + 1}: ${title}`}>
                  {textField(draft, 'name', 'Tool name')}
                  {textField(draft, 'id', 'Tool id', 'Lower-case letters, digits and hyphens; plans refer to the tool by it.')}
                  {textField(draft, 'vendor', 'Vendor')}
                  {textField(draft, 'termsUrl', 'Terms of use link', 'The vendor’s public terms page, starting https://')}
                  {textField(draft, 'goodFor', 'Good for', undefined, true)}
                  <fieldset className={styles.roles} aria-describedby={rolesError ? rolesErrorId : undefined}>
                    <legend className={styles.legend}>Roles this tool suits</legend>
                    {ROLES.map((role) => (
                      <Checkbox key={role} label={ROLE_LABELS[role]} checked={draft.roles.includes(role)}
                        onChange={(_e, d) => update(draft.key, { roles: d.checked ? [...draft.roles, role] : draft.roles.filter((r) => r !== role) })} />
                    ))}
                    {rolesError && <Caption1 id={rolesErrorId} className={styles.roleError}>{rolesError}</Caption1>}
                  </fieldset>
                </fieldset>
              )}
            </li>
          );
        })}
      </ul>
      {errors.catalogue && <Caption1 className={styles.roleError}>{errors.catalogue}</Caption1>}
      {failure && <MessageBar intent="error" role="alert" data-testid="catalogue-error"><MessageBarBody>{failure}</MessageBarBody></MessageBar>}
      {saved && <MessageBar intent="success" role="status"><MessageBarBody>{saved}</MessageBarBody></MessageBar>}
      <div className={styles.actions}>
        <Button onClick={add} disabled={drafts.length >= MAX_CATALOGUE_ENTRIES}>Add a tool</Button>
        <Button appearance="primary" type="submit" disabled={stale || saving}>Save catalogue</Button>
      </div>
    </form>
  );
}
