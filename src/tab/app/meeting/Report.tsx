import { Button, Divider, Subtitle1, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf, type ApiClient } from '../shared/api';
import { Failure } from '../shared/states';

/** The round report for leadership, as CSV, Markdown or HTML (owners only; the server says no to anyone else). */
const useStyles = makeStyles({ row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' } });

export function Report({ api, roundId }: { api: ApiClient; roundId: string }) {
  const styles = useStyles();
  const [error, setError] = useState<string | null>(null);
  async function download(format: 'csv' | 'md' | 'html') {
    try {
      const blob = await api.download(`/rounds/${roundId}/report?format=${format}`);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `round-report-${roundId}.${format}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setError(null);
    } catch (caught) {
      setError(messageOf(caught));
    }
  }
  return (
    <section aria-labelledby="report-heading">
      <Divider />
      <Subtitle1 as="h2" id="report-heading">Round report</Subtitle1>
      <div className={styles.row}>
        <Button onClick={() => download('csv')}>Download CSV</Button>
        <Button onClick={() => download('md')}>Download Markdown</Button>
        <Button onClick={() => download('html')}>Download HTML</Button>
      </div>
      {error && <Failure title="The report could not be made" message={error} />}
    </section>
  );
}
