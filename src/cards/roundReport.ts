import template from './roundReport.json';
import type { RoundReport } from '../domain/roundReport';
import { expandForm } from './forms';
import type { AdaptiveCardJson } from './render';

/** To the owners once every experiment has a decision: the headline figures, with the full report in the tab. */
export interface RoundReportCardData {
  readonly report: RoundReport;
  /** Where the full report is read (the tab). */
  readonly reportUrl: string;
}

export function renderRoundReportCard({ report, reportUrl }: RoundReportCardData): AdaptiveCardJson {
  const d = report.decisions;
  return expandForm(template, {
    roundName: report.roundName,
    intro: report.allDecided ? 'Every experiment has a decision. The headline figures:' : 'The headline figures so far:',
    facts: [
      { title: 'Hours protected / kept', value: `${report.hours.planned} h / ${report.hours.kept} h` },
      { title: 'Hypotheses met / partly / not', value: `${report.hypotheses.met} / ${report.hypotheses.partly} / ${report.hypotheses.not}` },
      { title: 'Decisions', value: `another round ${d['another-round']}, paid licence ${d['paid-licence']}, internal owner ${d['internal-owner']}, follow-up ${d['manager-follow-up']}, stop ${d.stop}` },
      { title: 'Assets shared', value: String(report.assetsShared) },
      { title: 'Tools held by ≥ 2 people', value: `${report.capability.before.toolsWithTwoOrMore} → ${report.capability.after.toolsWithTwoOrMore}` },
      { title: 'Paid-licence requests', value: String(report.licences.length) },
    ],
    reportUrl,
  });
}
