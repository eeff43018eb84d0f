import template from './roundSummary.json';
import type { RoundStatus } from '../domain/round';
import { clip, expandForm } from './forms';
import { formatHours } from './format';
import type { AdaptiveCardJson } from './render';

/**
 * The owner's view of a round after create / open. Buttons (Action.Submit): `{ verb: 'openRound', roundId }`
 * while it is a draft; `{ verb: 'refreshRoundSummary', roundId }` always.
 */
export interface RoundSummaryCardData {
  readonly roundId: string;
  readonly name: string;
  readonly status: RoundStatus;
  /** Formatted, e.g. "Monday 10 March 2025". */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly weeks: number;
  readonly hoursPerWeek: number;
  /** Formatted in the owner's zone, e.g. "Monday 31 March 2025 at 15:00 (UK time)", with the length. */
  readonly shareback: string;
  /** People invited by name plus the teams resolved so far; `managerScopes` is the number of whole teams invited. */
  readonly participantCount: number;
  readonly managerScopes: number;
  /** Kickoff delivery per person; null before the round opens. Up to 10 failures are listed. */
  readonly delivery: {
    readonly queued: number;
    readonly sent: number;
    readonly failed: number;
    /** A worker stopped mid-send: whether the message arrived is unknown. */
    readonly uncertain: number;
    readonly failures: readonly { readonly name: string; readonly reason: string }[];
  } | null;
  /** The current policy version and its date ("3 March 2025"), or null when none is published. */
  readonly policy: { readonly version: number; readonly publishedOn: string } | null;
  /** A good-news line, e.g. "Round created." / "Round opened: kickoff messages are on their way." */
  readonly notice?: string;
  readonly error?: string;
}

export const MAX_LISTED_FAILURES = 10;

const STATUS: Readonly<Record<RoundStatus, { line: string; color: 'Default' | 'Good' | 'Warning' }>> = {
  draft: { line: 'Draft: nobody has been told yet.', color: 'Warning' },
  open: { line: 'Open: participants have been invited.', color: 'Good' },
  closed: { line: 'Closed.', color: 'Default' },
};

function people(count: number, teams: number): string {
  const persons = `${count} ${count === 1 ? 'person' : 'people'}`;
  if (teams === 0) return persons;
  return `${persons}, including everyone in ${teams} ${teams === 1 ? 'team' : 'teams'}`;
}

export function renderRoundSummaryCard(data: RoundSummaryCardData): AdaptiveCardJson {
  const delivery = data.delivery;
  const failures = (delivery?.failures ?? []).slice(0, MAX_LISTED_FAILURES);
  const notDelivered = (delivery?.failed ?? 0) + (delivery?.uncertain ?? 0);
  const more = notDelivered - failures.length;
  return expandForm(template, {
    roundId: data.roundId,
    name: data.name,
    statusLine: STATUS[data.status].line,
    statusColor: STATUS[data.status].color,
    notice: data.notice ?? '',
    error: data.error ?? '',
    windowText: `${data.windowStart} to ${data.windowEnd} (${data.weeks} weeks)`,
    hoursText: `${formatHours(data.hoursPerWeek)} a week`,
    shareback: data.shareback,
    participantsText: people(data.participantCount, data.managerScopes),
    policyText: data.policy === null ? 'Not published yet: publish one before you open the round.' : `Version ${data.policy.version}, published ${data.policy.publishedOn}`,
    delivery: {
      shown: delivery !== null,
      queued: String(delivery?.queued ?? 0),
      sent: String(delivery?.sent ?? 0),
      failed: String(delivery?.failed ?? 0),
      failedColor: (delivery?.failed ?? 0) > 0 ? 'Attention' : 'Default',
      uncertain: String(delivery?.uncertain ?? 0),
      uncertainColor: (delivery?.uncertain ?? 0) > 0 ? 'Warning' : 'Default',
      failedCount: delivery?.failed ?? 0,
      uncertainCount: delivery?.uncertain ?? 0,
      failuresHeading: more > 0 ? `Not delivered or uncertain (the first ${failures.length} of ${notDelivered}; the dashboard lists all):` : 'Not delivered or uncertain:',
      failures: failures.map((failure) => ({ name: clip(failure.name, 120), reason: clip(failure.reason, 300) })),
    },
    isDraft: data.status === 'draft',
    draftHint: data.status === 'draft' ? 'Opening the round sends everyone their kickoff message in Teams. You can still change the settings in the dashboard before then.' : '',
  });
}
