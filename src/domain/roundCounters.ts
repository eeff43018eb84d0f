import { FUNNEL_STAGES, FUNNEL_STAGE_LABELS, funnelFactsOfCondensed, roundFunnel, type ExperimentFunnelFacts, type FunnelStage } from './funnel';
import type { PracticeBlockRecord } from './practiceHours';

/**
 * What one record adds to its round's counters ("counters on write"). Pure: the storage adapter keeps each
 * record's contribution on the record, and on every change adds (after − before) to a counter row in the same
 * transaction, so the owner's screen reads sums instead of every record. The repair command recomputes the same
 * contributions from the records, so the two can never disagree on what a record counts.
 *
 * Counter names are flat strings. Two of the owner's figures depend on the time of the read, so what is counted is
 * whatever does not, and the read finishes the sum:
 *   - hours are bucketed by the minute a block ends (`planned@2026-12-07T10:30Z`): a block counts as kept once it has ended;
 *   - the funnel is counted twice per person, once as if the round's window had not opened (`funnel.closed.<stage>`) and
 *     once as if it had (`funnel.open.<stage>`), each by the funnel's own rules (`funnelFactsOfCondensed`, `roundFunnel`);
 *     the read takes the set that matches `now >= window start`. Only "practising" differs between the two today
 *     (an approved plan counts from the window's first day), but nothing here needs to know that.
 */
export type Counts = Readonly<Record<string, number>>;

export const NO_COUNTS: Counts = Object.freeze({});

export function addCounts(...all: readonly Counts[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const counts of all) for (const [name, value] of Object.entries(counts)) sum[name] = (sum[name] ?? 0) + value;
  for (const name of Object.keys(sum)) if (sum[name] === 0) delete sum[name];
  return sum;
}

/** after − before, without the names that did not change. */
export function countsDelta(before: Counts, after: Counts): Record<string, number> {
  const negated: Record<string, number> = {};
  for (const [name, value] of Object.entries(before)) negated[name] = -value;
  return addCounts(after, negated);
}

/**
 * A person's funnel facts as kept on their member row, copied there from the records that own them (the experiment,
 * the journal, the shareback summary), so that one row decides which stages the person is counted in.
 */
export interface MemberFunnelFacts {
  readonly experiment: ExperimentFunnelFacts | null;
  /** At least one weekly journal entry. */
  readonly journaled: boolean;
  /** Their shareback summary is marked ready. */
  readonly summaryReady: boolean;
}

export const NO_FUNNEL_FACTS: MemberFunnelFacts = Object.freeze({ experiment: null, journaled: false, summaryReady: false });

export function sameFunnelFacts(a: MemberFunnelFacts, b: MemberFunnelFacts): boolean {
  const ea = a.experiment;
  const eb = b.experiment;
  const sameExperiment = ea === null || eb === null ? ea === eb
    : ea.state === eb.state && ea.selected === eb.selected && ea.statesReached.join() === eb.statesReached.join();
  return sameExperiment && a.journaled === b.journaled && a.summaryReady === b.summaryReady;
}

export type KickoffState = 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain';

export interface CountedMember {
  readonly delivery: KickoffState;
  /** Has acknowledged the round's policy (any version). */
  readonly acknowledged: boolean;
  readonly funnel: MemberFunnelFacts;
}

const funnelCounter = (windowOpen: boolean, stage: FunnelStage) => `funnel.${windowOpen ? 'open' : 'closed'}.${stage}`;

/** The stages one person is counted in, by the funnel's own rules, with the window closed or open. */
function stagesOf(member: CountedMember, windowOpen: boolean): FunnelStage[] {
  const facts = funnelFactsOfCondensed({
    userId: '', acknowledged: member.acknowledged, experiment: member.funnel.experiment,
    // The funnel asks only whether there is an entry.
    journalEntries: member.funnel.journaled ? 1 : 0, summaryReady: member.funnel.summaryReady, windowOpen,
  });
  return roundFunnel([facts]).filter((row) => row.count > 0).map((row) => row.stage);
}

/** A round member counts once as a person, once in their kickoff delivery state, and in each funnel stage they reached. */
export function memberCounts(member: CountedMember): Counts {
  const counts: Record<string, number> = { people: 1, [`kickoff.${member.delivery}`]: 1 };
  for (const windowOpen of [false, true]) for (const stage of stagesOf(member, windowOpen)) counts[funnelCounter(windowOpen, stage)] = 1;
  return counts;
}

/** The funnel from the counters at a moment: `windowOpen` = `now >= roundWindow(round).startsAt`, as for `funnelFactsOf`. */
export function funnelFromCounts(counts: Counts, windowOpen: boolean): { stage: FunnelStage; label: string; count: number }[] {
  return FUNNEL_STAGES.map((stage) => ({ stage, label: FUNNEL_STAGE_LABELS[stage], count: counts[funnelCounter(windowOpen, stage)] ?? 0 }));
}

export const KICKOFF_STATES: readonly KickoffState[] = ['queued', 'sending', 'sent', 'failed', 'uncertain'];

export function kickoffFromCounts(counts: Counts): Record<KickoffState, number> {
  return Object.fromEntries(KICKOFF_STATES.map((state) => [state, counts[`kickoff.${state}`] ?? 0])) as Record<KickoffState, number>;
}

export type BookingState = 'planned' | 'booked' | 'failed' | 'released';

const minuteOf = (iso: string) => `${new Date(iso).toISOString().slice(0, 16)}Z`;
const minutesOf = (block: PracticeBlockRecord) => Math.round((Date.parse(block.end) - Date.parse(block.start)) / 60_000);

/** A booking counts in its status, and its blocks' minutes planned (and not kept) by the minute each block ends. */
export function bookingCounts(booking: { readonly status: BookingState; readonly blocks: readonly PracticeBlockRecord[] }): Counts {
  const counts: Record<string, number> = { [`booking.${booking.status}`]: 1 };
  for (const block of booking.blocks) {
    const end = minuteOf(block.end);
    counts[`planned@${end}`] = (counts[`planned@${end}`] ?? 0) + minutesOf(block);
    if (block.notKept) counts[`notKept@${end}`] = (counts[`notKept@${end}`] ?? 0) + minutesOf(block);
  }
  return counts;
}

/** Planned and kept minutes at `now`, from the bucketed counters (the same rule as practiceHoursByWeek). */
export function hoursFromCounts(counts: Counts, now: string): { plannedMinutes: number; keptMinutes: number; upcomingMinutes: number } {
  const at = Date.parse(now);
  let plannedMinutes = 0;
  let keptMinutes = 0;
  let upcomingMinutes = 0;
  for (const [name, minutes] of Object.entries(counts)) {
    const [kind, end] = name.split('@');
    if (!end) continue;
    const ended = Date.parse(end) <= at;
    if (kind === 'planned') {
      plannedMinutes += minutes;
      if (ended) keptMinutes += minutes;
      else upcomingMinutes += minutes;
    } else if (kind === 'notKept' && ended) {
      keptMinutes -= minutes;
    }
  }
  return { plannedMinutes, keptMinutes, upcomingMinutes };
}

/** A person's decision-effects log counts each of its effects that failed (each is a problem the owner retries). */
export function effectLogCounts(failedEffects: number): Counts {
  return failedEffects > 0 ? { 'effect.failed': failedEffects } : NO_COUNTS;
}

/** The owner's problem lists: kickoffs not delivered, bookings that failed, decision effects that could not run. */
export const PROBLEM_KINDS = ['kickoff', 'booking', 'effect'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/**
 * How many problems of each kind the owner's lists hold, from the counters: a problem row exists exactly while its
 * record is counted here (a kickoff failed or uncertain, a booking failed, a decision effect failed).
 */
export function problemTotalsFromCounts(counts: Counts): Record<ProblemKind, number> {
  return {
    kickoff: (counts['kickoff.failed'] ?? 0) + (counts['kickoff.uncertain'] ?? 0),
    booking: counts['booking.failed'] ?? 0,
    effect: counts['effect.failed'] ?? 0,
  };
}
