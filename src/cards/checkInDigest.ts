import template from './checkInDigest.json';
import type { DigestLine } from '../domain/checkIn';
import { expandForm, firstThatFits, readFormValues } from './forms';
import { formatDay, formatHours } from './format';
import type { AdaptiveCardJson } from './render';

/**
 * The manager's weekly digest: one block per practising report, process only (journals, time kept vs planned,
 * assets saved, days since the last entry, a nudge if one went out). Actions per report: a note of
 * encouragement (input `message-<roundId>-<userId>`), a 15-minute check-in, one more week in the window.
 * No field here scores anything (tests/unit/no-grading.test.ts).
 */
export interface DigestCardData {
  readonly managerName: string;
  readonly lines: readonly DigestLine[];
}

export const messageInputId = (roundId: string, userId: string) => `message-${roundId}-${userId}`;

function reportBlock(line: DigestLine) {
  return {
    roundId: line.roundId, userId: line.userId, displayName: line.displayName, messageInputId: messageInputId(line.roundId, line.userId),
    journalsLine: `${line.journals} kept`,
    hoursLine: line.hoursPlanned > 0 ? `${formatHours(line.hoursKept)} of ${formatHours(line.hoursPlanned)} so far` : 'No blocks have ended yet',
    assetsLine: String(line.assetsSaved),
    lastEntryLine: line.journals === 0 ? `None yet (${line.daysSinceLastEntry} days since practice started)` : line.daysSinceLastEntry === 0 ? 'Today' : `${line.daysSinceLastEntry} day${line.daysSinceLastEntry === 1 ? '' : 's'} ago`,
    nudged: line.nudgedAt !== null,
    nudgeLine: line.nudgedAt ? `A gentle reminder went out on ${formatDay(line.nudgedAt.slice(0, 10))} after 10 quiet days. A word from you may help more than another reminder.` : '',
  };
}

export function renderDigestCard(data: DigestCardData): AdaptiveCardJson {
  const heading = `Your team's practice this week`;
  const render = (lines: readonly DigestLine[]) => expandForm(template, { heading, reports: lines.map(reportBlock), empty: lines.length === 0 });
  // Many reports: the first ones that fit, the dashboard has everyone.
  return firstThatFits([() => render(data.lines), ...[20, 10, 5].map((n) => () => (data.lines.length > n ? render(data.lines.slice(0, n)) : null))]);
}

export function readDigestAction(raw: unknown): { roundId: string; userId: string; message: string } | null {
  const hidden = readFormValues(raw, ['roundId', 'userId'] as const);
  if (!hidden?.roundId || !hidden.userId) return null;
  const message = readFormValues(raw, [messageInputId(hidden.roundId, hidden.userId)])?.[messageInputId(hidden.roundId, hidden.userId)] ?? '';
  return { roundId: hidden.roundId, userId: hidden.userId, message };
}
