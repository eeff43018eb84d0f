import { Body1, Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Spinner, Subtitle2, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

/** The three states every view has besides "ready": loading, empty (with what to do), failed (with what to do next). */
const useStyles = makeStyles({
  centre: { padding: tokens.spacingVerticalXXL, display: 'flex', flexDirection: 'column', alignItems: 'center', gap: tokens.spacingVerticalS, textAlign: 'center' },
  empty: { padding: tokens.spacingVerticalL, color: tokens.colorNeutralForeground2 },
});

export function Loading({ label = 'Loading…' }: { label?: string }) {
  const styles = useStyles();
  return <div className={styles.centre} role="status" aria-live="polite"><Spinner label={label} /></div>;
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  const styles = useStyles();
  return (
    <div className={styles.empty}>
      <Subtitle2 as="p" style={{ display: 'block', margin: 0 }}>{title}</Subtitle2>
      {children && <Body1 as="p" style={{ display: 'block' }}>{children}</Body1>}
    </div>
  );
}

export function Failure({ title = 'This could not load', message, onRetry }: { title?: string; message: string; onRetry?: () => void }) {
  return (
    <MessageBar intent="error" role="alert" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {message}
      </MessageBarBody>
      {onRetry && <MessageBarActions><Button onClick={onRetry}>Try again</Button></MessageBarActions>}
    </MessageBar>
  );
}
