import { Body1, MessageBar, MessageBarBody, MessageBarTitle, makeStyles, tokens } from '@fluentui/react-components';
import type { Fit } from '../../../domain/rubric';
import type { FitAssessment } from '../../../contracts/common';

/**
 * The rubric's fit and its notes, worded as the chat card words them ("Worth another look · 10 of 25"): the plan
 * editor computes it as the person types (the domain's fitOfSelection runs in the browser), the manager's review
 * shows what the server computed with the same function. It describes the idea, never the person.
 */
export const FIT_LABELS: Readonly<Record<Fit, string>> = { strong: 'Strong fit', promising: 'Promising fit', reconsider: 'Worth another look' };
const INTENT: Readonly<Record<Fit, 'success' | 'info' | 'warning'>> = { strong: 'success', promising: 'info', reconsider: 'warning' };

const useStyles = makeStyles({ notes: { margin: 0, paddingLeft: tokens.spacingHorizontalL } });

export function FitNote({ assessment, testId }: { assessment: FitAssessment; testId?: string }) {
  const styles = useStyles();
  return (
    <MessageBar intent={INTENT[assessment.fit]} layout="multiline" data-testid={testId} aria-live="polite">
      <MessageBarBody>
        <MessageBarTitle>{`${FIT_LABELS[assessment.fit]} · ${assessment.total} of 25`}</MessageBarTitle>
        <Body1 as="p">{assessment.summary}</Body1>
        {assessment.warnings.length > 0 && (
          <ul className={styles.notes} aria-label="Notes on the fit">
            {assessment.warnings.map((warning) => <li key={warning.id}>{warning.message}</li>)}
          </ul>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}
