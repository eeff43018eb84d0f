import { Button, Divider, Subtitle1, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { RoundReportAnswer as ReportFigures } from '../../../contracts/report';
import { messageOf, type ApiClient } from '../common/api';
import { Failure } from '../common/states';

/**
 * The round report for leadership: the headline figures on screen, and the whole report as CSV, Markdown or
 * HTML (owners only; the server says no to anyone else).
 */
const useStyles = makeStyles({ row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' } });


export function Report({ api, roundId }: { api: ApiClient; roundId: string }) {
  const styles = useStyles();
  const [error, setError] = useState<string | null>(null);
  const [figures, setFigures] = useState<ReportFigures | null>(null);
  async function show() {
    try {
      setFigures(await api.get(`/rounds/${roundId}/report`, 'roundReport'));
      setError(null);
    } catch (caught) {
      setError(messageOf(caught));
    }
  }
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
  const d: Partial<ReportFigures['decisions']> = figures?.decisions ?? {};
  const rows: [string, string][] = figures ? [
    ['Hours protected / kept', `${figures.hours.planned} / ${figures.hours.kept}`],
    ['Hypotheses met / partly / not / not stated', `${figures.hypotheses.met} / ${figures.hypotheses.partly} / ${figures.hypotheses.not} / ${figures.hypotheses.unknown}`],
    ['Decisions', `another round ${d['another-round'] ?? 0}, paid licence ${d['paid-licence'] ?? 0}, internal owner ${d['internal-owner'] ?? 0}, follow-up ${d['manager-follow-up'] ?? 0}, stop ${d.stop ?? 0}, undecided ${d.undecided ?? 0}`],
    ['Assets shared', String(figures.assetsShared)],
    ['Tools held by 2 or more (before → after)', `${figures.capability.before.toolsWithTwoOrMore} → ${figures.capability.after.toolsWithTwoOrMore}`],
    ['Single-holder tools (before → after)', `${figures.capability.before.singleHolderTools} → ${figures.capability.after.singleHolderTools}`],
    ...figures.licences.map((l): [string, string] => [`Paid licence: ${l.tool}`, `${l.seats} seats, approved by ${l.approver}; owner ${l.owner}, due ${l.dueDate}`]),
  ] : [];
  return (
    <section aria-labelledby="report-heading">
      <Divider />
      <Subtitle1 as="h2" id="report-heading">Round report</Subtitle1>
      <div className={styles.row}>
        <Button onClick={show}>Show the figures</Button>
        <Button onClick={() => download('csv')}>Download CSV</Button>
        <Button onClick={() => download('md')}>Download Markdown</Button>
        <Button onClick={() => download('html')}>Download HTML</Button>
      </div>
      {figures && (
        <Table aria-label="Round report figures" size="small">
          <TableHeader><TableRow><TableHeaderCell>Figure</TableHeaderCell><TableHeaderCell>Value</TableHeaderCell></TableRow></TableHeader>
          <TableBody>{rows.map(([name, value]) => <TableRow key={name}><TableCell>{name}</TableCell><TableCell>{value}</TableCell></TableRow>)}</TableBody>
        </Table>
      )}
      {error && <Failure title="The report could not be made" message={error} />}
    </section>
  );
}
