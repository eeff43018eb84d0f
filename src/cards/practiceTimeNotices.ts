import { formatDateTime, formatMinutes } from './format';
import { renderNoticeCard } from './notice';
import type { AdaptiveCardJson } from './render';
import { renderTimeMovedCard } from './timeMoved';

/** What the booking's notice says: to the participant, their blocks; to their manager, the weeks that fell short. */
export type BookingNoticeCardData =
  | {
    readonly card: 'booked';
    readonly blocks: number;
    readonly timeZone: string;
    readonly reason: string | null;
    /** `shortfall` is the week's own line when it fell short, written by the booking. */
    readonly weeks: readonly { readonly week: number; readonly plannedMinutes: number; readonly shortfall: string | null }[];
  }
  | { readonly card: 'calendar full'; readonly personName: string | null; readonly shortfalls: readonly string[] };

/** "Your practice time is in your calendar", or the manager's "calendar is full in places". */
export function renderBookingNoticeCard(data: BookingNoticeCardData): AdaptiveCardJson {
  if (data.card === 'calendar full') {
    return renderNoticeCard({
      title: `${data.personName ?? 'Your report'}'s calendar is full in places`,
      message: [`Not all of the protected practice time fitted into ${data.personName ?? 'their'} calendar:`, ...data.shortfalls, 'Freeing an hour or moving a deadline is the most useful thing you can do for their experiment.'].join('\n\n'),
    });
  }
  const lines = data.weeks.map((week) => week.shortfall ?? `Week ${week.week}: ${formatMinutes(week.plannedMinutes)} booked`);
  return renderNoticeCard({
    title: 'Your practice time is in your calendar',
    message: [`${data.blocks} blocks are booked as busy in Outlook, in your working hours (${data.timeZone}). Move one if you must, but keep the time.`, ...lines, data.reason ?? ''].filter(Boolean).join('\n\n'),
  });
}

/** After the daily check: what moved, in the participant's zone; or, to the manager, that time could not be found. */
export type TimeMovedNoticeCardData =
  | {
    readonly card: 'moved';
    readonly roundId: string;
    readonly timeZone: string;
    readonly moved: readonly { readonly from: string; readonly fromEnd: string; readonly to: string; readonly week: number; readonly index: number }[];
    /** Starts of blocks that found no room. */
    readonly unplaced: readonly string[];
  }
  | { readonly card: 'time lost'; readonly personName: string | null; readonly unplaced: number };

export function renderTimeMovedNoticeCard(data: TimeMovedNoticeCardData): AdaptiveCardJson {
  if (data.card === 'time lost') {
    return renderNoticeCard({
      title: `${data.personName ?? 'Your report'} lost practice time`,
      message: [`There was no free time left to re-book ${data.unplaced === 1 ? 'a practice block' : `${data.unplaced} practice blocks`} this week.`, 'A word about priorities, or a deadline moved, protects the experiment.'].join('\n\n'),
    });
  }
  const when = (instant: string) => formatDateTime(instant, data.timeZone);
  return renderTimeMovedCard({
    roundId: data.roundId,
    moves: data.moved.map((m) => ({ from: when(m.from), to: when(m.to), week: m.week, index: m.index, fromStart: m.from, fromEnd: m.fromEnd })),
    unplaced: data.unplaced.map((start) => ({ when: when(start) })),
  });
}
