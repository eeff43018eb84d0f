import { Caption1, Field, Select, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { DemoClock } from './DemoClock';

/**
 * AUTH_MODE=dev only: a visible "Signed in as" picker over the demo organisation (GET /api/dev/users).
 * The choice is remembered in localStorage so a reload keeps the same person.
 */
export interface DemoUser {
  readonly id: string;
  readonly displayName: string;
  readonly jobTitle?: string | null;
  readonly department?: string | null;
}

export const DEV_USER_STORAGE_KEY = 'practiceLoop.devUser';

export function rememberedDevUser(): string | null {
  try {
    return new URLSearchParams(window.location.search).get('as') ?? window.localStorage.getItem(DEV_USER_STORAGE_KEY);
  } catch {
    return null;
  }
}

const useStyles = makeStyles({
  bar: {
    display: 'flex', flexWrap: 'wrap', alignItems: 'end', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    background: tokens.colorNeutralBackground3, borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  field: { minWidth: '0', maxWidth: '100%', flexGrow: 1, '@media (min-width: 640px)': { flexGrow: 0, minWidth: '320px' } },
});

export function DevSignIn({ userId, onChange, onClockMoved }: { userId: string | null; onChange(userId: string): void; onClockMoved(): void }) {
  const styles = useStyles();
  const [users, setUsers] = useState<DemoUser[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetch('/api/dev/users')
      .then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        return ((await response.json()) as { value: DemoUser[] }).value;
      })
      .then((value) => {
        if (!live) return;
        const sorted = [...value].sort((a, b) => a.displayName.localeCompare(b.displayName));
        setUsers(sorted);
        if (!userId || !sorted.some((u) => u.id === userId)) if (sorted[0]) choose(sorted[0].id);
      })
      .catch(() => { if (live) setFailure('The demo users could not be loaded. Check that the service is running, then reload.'); });
    return () => { live = false; };
    // The list is loaded once; `userId` only seeds the first choice.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function choose(id: string) {
    try { window.localStorage.setItem(DEV_USER_STORAGE_KEY, id); } catch { /* private mode: the choice lasts this page only */ }
    onChange(id);
  }

  return (
    <div className={styles.bar} role="region" aria-label="Demo sign-in">
      <Field label="Signed in as" className={styles.field} validationState={failure ? 'error' : 'none'} validationMessage={failure ?? undefined}>
        <Select value={userId ?? ''} onChange={(_e, data) => choose(data.value)} disabled={!users} data-testid="dev-user">
          {!users && <option value="">Loading demo users…</option>}
          {users?.map((u) => (
            <option key={u.id} value={u.id}>{u.displayName}{u.jobTitle ? ` — ${u.jobTitle}` : ''}</option>
          ))}
        </Select>
      </Field>
      <Caption1>Local demo (AUTH_MODE=dev). In Teams you are signed in automatically.</Caption1>
      <DemoClock userId={userId} onMoved={onClockMoved} />
    </div>
  );
}
