import { Button, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { ApiError, messageOf } from '../../common/api';
import type { Session } from '../../common/session';
import type { PracticeBlock } from '../../../../contracts/common';
import { appNow } from '../../common/appClock';

/**
 * "That block did not happen" for a past practice block (or undo), through the same route the journal card uses:
 * kept vs planned counts it from then on. The reason is required (3–300 characters), shown beside the field.
 */
const useStyles = makeStyles({ row: { display: 'flex', flexWrap: 'wrap', alignItems: 'end', gap: tokens.spacingHorizontalS } });

export function BlockKept({ session, roundId, block, onChanged }: { session: Session; roundId: string; block: PracticeBlock; onChanged(): void }) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (Date.parse(block.start) > appNow()) return null;
  const path = `/rounds/${encodeURIComponent(roundId)}/me/blocks/${block.week}/${block.index}`;
  async function send(kept: boolean) {
    setError(null);
    if (!kept && (reason.trim().length < 3 || reason.trim().length > 300)) return setError('Say in a few words why the block did not happen (3 to 300 characters).');
    try {
      await session.api.send('PUT', path, { kept, reason });
      setOpen(false);
      onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e.fieldErrors.reason ?? e.message : messageOf(e));
    }
  }
  if (block.notKept?.by === 'participant') return <Button size="small" appearance="transparent" onClick={() => void send(true)}>It did happen after all</Button>;
  if (block.notKept) return null;
  if (!open) return <Button size="small" appearance="transparent" onClick={() => setOpen(true)}>It didn’t happen</Button>;
  return (
    <div className={styles.row}>
      <Field label="Why not?" validationMessage={error ?? undefined} validationState={error ? 'error' : 'none'}>
        <Input value={reason} onChange={(_e, d) => setReason(d.value)} />
      </Field>
      <Button size="small" onClick={() => void send(false)}>Save</Button>
      <Button size="small" appearance="subtle" onClick={() => setOpen(false)}>Cancel</Button>
    </div>
  );
}
