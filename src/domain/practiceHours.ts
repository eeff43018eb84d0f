/**
 * Planned vs kept practice time per week (step 3, item 5). A block counts as kept once it has ended,
 * unless the participant said it was not (journal card or dashboard) or it had gone from their calendar.
 * Process, not output: nothing here says how well the time was used.
 */
export interface PracticeBlockRecord {
  readonly week: number;
  readonly start: string;
  readonly end: string;
  readonly notKept?: { readonly by: 'participant' | 'calendar'; readonly reason: string } | null;
}

export interface WeekHours {
  readonly week: number;
  readonly plannedMinutes: number;
  /** Minutes of blocks that have ended and were kept. */
  readonly keptMinutes: number;
  /** Minutes of blocks that have not ended yet. */
  readonly upcomingMinutes: number;
}

const minutesOf = (block: PracticeBlockRecord) => Math.round((Date.parse(block.end) - Date.parse(block.start)) / 60_000);

export function practiceHoursByWeek(blocks: readonly PracticeBlockRecord[], now: string): WeekHours[] {
  const weeks = new Map<number, { planned: number; kept: number; upcoming: number }>();
  const at = Date.parse(now);
  for (const block of blocks) {
    const week = weeks.get(block.week) ?? { planned: 0, kept: 0, upcoming: 0 };
    const minutes = minutesOf(block);
    week.planned += minutes;
    if (Date.parse(block.end) > at) week.upcoming += minutes;
    else if (!block.notKept) week.kept += minutes;
    weeks.set(block.week, week);
  }
  return [...weeks].sort(([a], [b]) => a - b).map(([week, w]) => ({ week, plannedMinutes: w.planned, keptMinutes: w.kept, upcomingMinutes: w.upcoming }));
}
