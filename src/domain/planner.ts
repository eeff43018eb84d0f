import { DateTime, IANAZone, type Zone } from 'luxon';
import { z } from 'zod';
import { isDomainError, type DomainError } from './errors';
import { PREFERRED_TIMES, type PreferredTimes } from './experimentPlan';
import { freeSpans, intervalOf, isWorkingDay, workingSpanOn, WEEKDAYS, type Interval, type WorkingHours } from './availability';
import { MINUTE_IN_MS, ceilToStep, clip, countSlots, gridStarts, normalize, subtract, type Span } from './intervals';
import { instantOrThrow, isoDateSchema, parseInstant, type IsoDate, type IsoInstant } from './time';
import { fieldErrorsOf, invalidInput } from './validation';
import { calendarDate, dayClock, minutesOfDay } from './wallClock';

/**
 * The schedule planner: free/busy, working hours, the person's time zone and
 * the round's hours per week in; concrete practice blocks per week out. Pure: `now` is a parameter.
 *
 * How it works, in order:
 * 1. Local → UTC at the edge. Each day of the window is a calendar date in the person's zone; its working
 *    hours become a UTC span through luxon, so DST is handled per day: Europe/London 09:00 is 09:00Z on
 *    Friday 27 March 2026 and 08:00Z on Monday 30 March 2026.
 * 2. Interval algebra in UTC, the same free-time search check-ins and follow-ups use (./availability,
 *    ./intervals): working hours from `now` + 15 min, minus busy time, kept blocks and the shareback
 *    exclusion, give the free spans of each day; candidate starts are the grid starts where a block fits.
 * 3. A greedy, deterministic choice per week, one block at a time (see `chooseBlock`), with a look-ahead
 *    that never spends room the rest of the week's target needs.
 * 4. UTC instants back out as ISO strings ("…Z" with milliseconds, as `stamp` writes them).
 *
 * Rules chosen here (the requirements leave them open):
 * - Window: weeks are [start + 7(n−1) days, start + 7n days) in the person's zone. `extensionDays` continue
 *   that grid: 10 extension days after 3 weeks make week 4 (7 days) and week 5 (3 days). A shorter last
 *   week's target is pro rata by working days, to the nearest 15 min: 2 h 30 a week, Mon–Fri hours, a
 *   Mon–Wed extension → 3/5 × 150 = 90 min; a Sat–Sun extension → 0 (nothing to plan, no shortfall).
 * - Lengths: blocks are `blockMinutes` long; the last one of a week is the remainder, rounded up to the
 *   15-minute grid (150 min with 60-min blocks → 60, 60, 30; a remainder of 8 min left by an odd kept block
 *   becomes 15 min, never a 0–14 minute block). When no full-length slot is left anywhere in the week,
 *   the longest slot that fits is used, in 15-minute steps, down to 30 min (or the remainder, if smaller);
 *   under that the week falls short and `shortfall` says so.
 * - Choice order for each block: (1) full length before shorter; (2) the day with the fewest blocks this
 *   week (kept blocks count), so days get one block each while other days have room; (3) the preferred
 *   half of the day: a morning block ends by 12:00 local, an afternoon block starts at 12:00 or later,
 *   a block across noon is neither; (4) the earliest start, on the 15-minute grid. Spreading wins over
 *   the preferred half: a free Tuesday afternoon comes before a second Monday morning.
 * - Look-ahead: when the week's free time holds enough full-length grid slots for the rest of the target,
 *   a candidate that would leave too few is skipped (e.g. afternoons preferred, free 11:30–13:30, 60-min
 *   blocks, two needed: 12:00 would waste both ends, so 11:30 and 12:30 are used). This is what makes
 *   "the target is met when room exists" true; see `slotsNeeded`.
 * - Shareback: nothing on the shareback's local day (person's zone) from its start on, nor overlapping
 *   the meeting. Days after the shareback day, which only an extension can bring, are planned as usual
 *   with a warning.
 * - `keep`: their time is never reused and counts toward their own `week`; they come back unchanged. New
 *   blocks take indexes after the highest kept index of their week, in time order. A gap left by a removed
 *   block is not refilled: the booking's `transactionId` is built from week and index, and reusing one
 *   could make Graph treat a new event as a replay of the removed one.
 * - `now` is not a person's input: a malformed `now` throws, as everywhere in the domain (time.ts).
 */

// Working hours, weekdays and intervals are the availability module's (one reading of working time for every search).
export { WEEKDAYS, type Interval, type Weekday, type WorkingHours } from './availability';

export interface PlanInput {
  /**
   * First day of practice (a date in `workingHours.timeZone`) and whole weeks. Extension days continue the
   * 7-day grid after the last week, forming further weeks, the last possibly shorter (see the rules above).
   */
  readonly window: { readonly start: IsoDate; readonly weeks: number; readonly extensionDays?: number };
  readonly hoursPerWeek: number;
  readonly blockMinutes: number;
  /** 'mornings' | 'afternoons' | 'no-preference', as the hypothesis card asks it. */
  readonly preferredTimes: PreferredTimes;
  /** The person's zone and hours. */
  readonly workingHours: WorkingHours;
  /** Free/busy from getSchedule (busy, tentative, oof), any order, may overlap. */
  readonly busy: readonly Interval[];
  readonly shareback: { readonly startsAt: IsoInstant; readonly durationMinutes: number };
  /** Nothing is planned before now + 15 minutes. */
  readonly now: IsoInstant;
  /** Blocks already booked and kept (when re-planning): their time counts toward their week and is not reused. */
  readonly keep?: readonly PlannedBlock[];
}

export interface PlannedBlock {
  /** 1-based. */
  readonly week: number;
  /** 0-based within the week, stable: part of the booking's transactionId. */
  readonly index: number;
  readonly start: IsoInstant;
  readonly end: IsoInstant;
}

export interface WeekPlan {
  readonly week: number;
  readonly startsOn: IsoDate;
  /** Last day of the week, inclusive. */
  readonly endsOn: IsoDate;
  readonly targetMinutes: number;
  /** Kept and new blocks of the week. */
  readonly plannedMinutes: number;
  /** null when met; else e.g. "Week 2: only 1 h 30 of 2 h 30 found". */
  readonly shortfall: string | null;
  /**
   * Why the week fell short: `calendar` (meetings filled the working hours: worth a word with the manager) or
   * `past` (the week had begun, or ended, before the plan was made: nobody's calendar is to blame). null when met.
   */
  readonly shortfallCause: ShortfallCause | null;
}

export type ShortfallCause = 'calendar' | 'past';

export interface Plan {
  /** Kept and new blocks, in time order. */
  readonly blocks: readonly PlannedBlock[];
  readonly weeks: readonly WeekPlan[];
  readonly warnings: readonly string[];
}

export const PLANNER_RULES = {
  /** Nothing starts sooner than this after `now`: time to book it and for the person to see it. */
  leadMinutes: 15,
  /** Start times (and so lengths) sit on this local grid; every UTC offset in use is a multiple of 15 min. */
  gridMinutes: 15,
  /** A block shorter than `blockMinutes` (other than a week's remainder) is never shorter than this. */
  shortestBlockMinutes: 30,
  noonHour: 12,
  /** Same limits as ROUND_LIMITS and MAX_WINDOW_EXTENSION_DAYS, but one week is plannable too. */
  weeks: { min: 1, max: 4 },
  extensionDays: { max: 14 },
  hoursPerWeek: { min: 1, max: 5, step: 0.5 },
  blockMinutes: { min: 30, max: 120, step: 15 },
} as const;

const R = PLANNER_RULES;
const GRID = R.gridMinutes * MINUTE_IN_MS;

// ---------------------------------------------------------------------------------------------------------
// Input

const weeksMessage = `A practice window runs ${R.weeks.min} to ${R.weeks.max} whole weeks.`;
const extensionMessage = `A window can be extended by 0 to ${R.extensionDays.max} whole days.`;
const hoursMessage = `Protected time is ${R.hoursPerWeek.min} to ${R.hoursPerWeek.max} hours a week, in half hours.`;
const blockMessage = `Practice blocks are ${R.blockMinutes.min} to ${R.blockMinutes.max} minutes long, in steps of ${R.blockMinutes.step}.`;
const preferredMessage = 'Choose mornings, afternoons or no preference for your practice blocks.';
const daysMessage = 'Working hours need at least one working day, named monday to sunday.';
const startTimeMessage = 'Give the start of your working hours as a time of day, such as 09:00.';
const endTimeMessage = 'Give the end of your working hours as a time of day, such as 17:30.';
const busyMessage = 'Each busy time needs a start and an end with their offsets, the end not before the start.';
const sharebackStartMessage = 'Give the shareback start as a date and time with its offset, e.g. 2026-04-06T13:00:00Z.';
const sharebackDurationMessage = 'A shareback lasts a whole number of minutes, from 1 to 1,440.';
const keepMessage = 'Each kept block needs a week of the window, an index from 0, and a start before its end, with offsets.';

function timeZoneMessage(zone: unknown): string {
  return `We don't recognise the time zone ${JSON.stringify(zone)}. Set an IANA time zone such as Europe/London or Asia/Kolkata.`;
}

/** An instant with its offset, as epoch milliseconds (parsed once; the algebra works on numbers). */
function instantMs(message: string) {
  return z.string({ required_error: message, invalid_type_error: message }).transform((value, ctx) => {
    const parsed = parseInstant(value);
    if (parsed !== null) return parsed.toMillis();
    ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    return z.NEVER;
  });
}

/** IANAZone.create caches per name, so this checks each name once (isValidTimeZone builds a formatter every call). */
const knownZone = (zone: string): boolean => IANAZone.create(zone).isValid;

const intervalSchema = (message: string) => z.object({ start: instantMs(message), end: instantMs(message) }, {
  required_error: message, invalid_type_error: message,
});

const planInputSchema = z.object({
  window: z.object({
    start: isoDateSchema('Give the first day of practice as a date (YYYY-MM-DD).'),
    weeks: z.number({ required_error: weeksMessage, invalid_type_error: weeksMessage }).int({ message: weeksMessage })
      .min(R.weeks.min, { message: weeksMessage }).max(R.weeks.max, { message: weeksMessage }),
    extensionDays: z.number({ invalid_type_error: extensionMessage }).int({ message: extensionMessage })
      .min(0, { message: extensionMessage }).max(R.extensionDays.max, { message: extensionMessage }).default(0),
  }, { required_error: 'Set the practice window: a first day and a number of weeks.' }),
  hoursPerWeek: z.number({ required_error: hoursMessage, invalid_type_error: hoursMessage })
    .min(R.hoursPerWeek.min, { message: hoursMessage }).max(R.hoursPerWeek.max, { message: hoursMessage })
    .multipleOf(R.hoursPerWeek.step, { message: hoursMessage }),
  blockMinutes: z.number({ required_error: blockMessage, invalid_type_error: blockMessage }).int({ message: blockMessage })
    .min(R.blockMinutes.min, { message: blockMessage }).max(R.blockMinutes.max, { message: blockMessage })
    .multipleOf(R.blockMinutes.step, { message: blockMessage }),
  preferredTimes: z.enum(PREFERRED_TIMES, { errorMap: () => ({ message: preferredMessage }) }),
  workingHours: z.object({
    daysOfWeek: z.array(z.enum(WEEKDAYS, { errorMap: () => ({ message: daysMessage }) }), { required_error: daysMessage, invalid_type_error: daysMessage })
      .min(1, { message: daysMessage }),
    startTime: z.string({ required_error: startTimeMessage, invalid_type_error: startTimeMessage })
      .refine((value) => minutesOfDay(value, false) !== null, { message: startTimeMessage }),
    endTime: z.string({ required_error: endTimeMessage, invalid_type_error: endTimeMessage })
      .refine((value) => minutesOfDay(value, true) !== null, { message: endTimeMessage }),
    timeZone: z.string({ required_error: timeZoneMessage(undefined), invalid_type_error: timeZoneMessage(undefined) })
      .refine(knownZone, (zone) => ({ message: timeZoneMessage(zone) })),
  }, { required_error: 'Give your working hours: days, start and end times, and time zone.' }).superRefine((hours, ctx) => {
    const start = minutesOfDay(hours.startTime, false);
    const end = minutesOfDay(hours.endTime, true);
    if (start !== null && end !== null && end <= start) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['endTime'],
        message: `Working hours must end after they start, on the same day: ${hours.startTime} to ${hours.endTime} does not.`,
      });
    }
  }),
  busy: z.array(intervalSchema(busyMessage).refine((span) => span.end >= span.start, { message: busyMessage }), {
    required_error: busyMessage, invalid_type_error: busyMessage,
  }),
  shareback: z.object({
    startsAt: instantMs(sharebackStartMessage),
    durationMinutes: z.number({ required_error: sharebackDurationMessage, invalid_type_error: sharebackDurationMessage })
      .int({ message: sharebackDurationMessage }).min(1, { message: sharebackDurationMessage }).max(1440, { message: sharebackDurationMessage }),
  }, { required_error: 'Give the shareback: its start and its length in minutes.' }),
  keep: z.array(z.object({
    week: z.number({ invalid_type_error: keepMessage, required_error: keepMessage }).int({ message: keepMessage }).min(1, { message: keepMessage }),
    index: z.number({ invalid_type_error: keepMessage, required_error: keepMessage }).int({ message: keepMessage }).min(0, { message: keepMessage }),
    start: instantMs(keepMessage),
    end: instantMs(keepMessage),
  }, { invalid_type_error: keepMessage }).refine((block) => block.end > block.start, { message: keepMessage }), {
    invalid_type_error: keepMessage,
  }).default([]),
}).superRefine((input, ctx) => {
  const weekCount = Math.ceil((7 * input.window.weeks + input.window.extensionDays) / 7);
  const seen = new Set<string>();
  for (const block of input.keep) {
    const key = `${block.week}/${block.index}`;
    if (block.week > weekCount) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['keep'], message: `A kept block is in week ${block.week}, but the window has ${weekCount} week${weekCount === 1 ? '' : 's'}.` });
    } else if (seen.has(key)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['keep'], message: `Two kept blocks share week ${block.week}, index ${block.index}; each needs its own.` });
    }
    seen.add(key);
  }
});

/** One note per list, not one per item: "busy.12.end" → "busy". */
function listField(issue: z.ZodIssue): z.ZodIssue {
  const [head] = issue.path;
  return head === 'busy' || head === 'keep' ? { ...issue, path: [head] } : issue;
}

// ---------------------------------------------------------------------------------------------------------
// Frames: the window as local days, converted to UTC spans once

interface DayFrame {
  readonly date: IsoDate;
  readonly isWorkDay: boolean;
  /** Working hours of the day in UTC; null on a day off. */
  readonly working: Span | null;
  /** 12:00 local that day. */
  readonly noon: number;
}

interface WeekFrame {
  readonly week: number;
  readonly days: readonly DayFrame[];
  readonly targetMinutes: number;
}

interface Setup {
  readonly zone: Zone;
  readonly weeks: readonly WeekFrame[];
  readonly blockMinutes: number;
  readonly preferredTimes: PreferredTimes;
  /** Busy time and the shareback exclusion, normalised (kept blocks are added per use). */
  readonly blocked: readonly Span[];
  readonly keep: readonly { readonly block: PlannedBlock; readonly span: Span }[];
  /** now + lead: nothing starts earlier. */
  readonly earliest: number;
  readonly warnings: readonly string[];
}

function ms(instant: IsoInstant): number {
  return instantOrThrow(instant).toMillis();
}

const HOUR_IN_MS = 60 * MINUTE_IN_MS;

function humanDate(at: number, zone: Zone): string {
  return DateTime.fromMillis(at, { zone }).setLocale('en-GB').toFormat('cccc d LLLL yyyy');
}

function roundToGrid(minutes: number): number {
  return Math.round(minutes / R.gridMinutes) * R.gridMinutes;
}

type ParsedInput = z.output<typeof planInputSchema>;

function frame(input: ParsedInput, original: PlanInput): Setup {
  const zone = IANAZone.create(input.workingHours.timeZone); // once: luxon checks a zone name on every use
  const workDays = new Set(input.workingHours.daysOfWeek);
  // Calendar arithmetic on the bare date (UTC has no gaps), wall-clock times in the person's zone.
  const first = DateTime.fromISO(input.window.start, { zone: 'utc' });
  const totalDays = 7 * input.window.weeks + input.window.extensionDays;
  const weeklyMinutes = input.hoursPerWeek * 60;

  const weeks: WeekFrame[] = [];
  for (let w = 0; 7 * w < totalDays; w += 1) {
    const days: DayFrame[] = [];
    for (let d = 7 * w; d < Math.min(7 * w + 7, totalDays); d += 1) {
      const date = DateTime.fromMillis(first.toMillis() + d * 24 * HOUR_IN_MS, { zone: 'utc' }); // UTC days are all 24 h
      days.push({
        date: date.toISODate() ?? '',
        isWorkDay: isWorkingDay(input.workingHours, date),
        working: workingSpanOn(input.workingHours, date, zone),
        noon: dayClock(date, zone)(R.noonHour * 60),
      });
    }
    const workingDaysThisWeek = days.filter((day) => day.isWorkDay).length;
    const targetMinutes = days.length === 7 ? weeklyMinutes : roundToGrid((weeklyMinutes * workingDaysThisWeek) / workDays.size);
    weeks.push({ week: w + 1, days, targetMinutes });
  }

  // The shareback day, in the person's zone, is closed from the meeting's start to local midnight (and to
  // the meeting's end if it runs past midnight): London 14:00 BST is 18:30 in Kolkata, so a Kolkata day
  // keeps its working hours; it is 09:00 in New York, so a New York day has none left.
  const sharebackStart = input.shareback.startsAt;
  const sharebackEnd = Math.max(dayClock(calendarDate(sharebackStart, zone), zone)(24 * 60), sharebackStart + input.shareback.durationMinutes * MINUTE_IN_MS);
  const blocked = normalize([...input.busy, { start: sharebackStart, end: sharebackEnd }]);

  const warnings: string[] = [];
  const lastDay = weeks.at(-1)?.days.at(-1);
  if (lastDay !== undefined && lastDay.noon >= sharebackEnd) {
    warnings.push(`Your practice window runs past the shareback on ${humanDate(sharebackStart, zone)}; blocks after that day are planned as usual.`);
  }

  return {
    zone,
    weeks,
    blockMinutes: input.blockMinutes,
    preferredTimes: input.preferredTimes,
    blocked,
    // The caller's own objects go back out unchanged (same strings, same offsets).
    keep: input.keep.map((span, i) => {
      const block = original.keep?.[i];
      if (block === undefined) throw new Error('unreachable: every parsed kept block comes from the input');
      return { block, span: { start: span.start, end: span.end } };
    }),
    earliest: ceilToStep(ms(original.now) + R.leadMinutes * MINUTE_IN_MS, GRID),
    warnings,
  };
}

function prepare(input: PlanInput): Setup | DomainError {
  instantOrThrow(input.now); // a bug in the caller, not something the person can fix
  const parsed = planInputSchema.safeParse(input);
  if (!parsed.success) return invalidInput(fieldErrorsOf(parsed.error.issues.map(listField)));
  return frame(parsed.data, input);
}

// ---------------------------------------------------------------------------------------------------------
// Choosing blocks

/** A week's free time, day by day, and how many blocks each day already holds. */
interface WeekState {
  readonly free: Span[][];
  readonly load: number[];
}

function weekState(setup: Setup, week: WeekFrame, blocked: readonly Span[], taken: readonly Span[]): WeekState {
  const after = { start: setup.earliest, end: Number.POSITIVE_INFINITY };
  return {
    free: week.days.map((day) => (day.working === null ? [] : freeSpans([day.working], after, blocked))),
    // A kept block counts on the local date it starts, wherever it sits in that day.
    load: week.days.map((day) => taken.filter((span) => DateTime.fromMillis(span.start, { zone: setup.zone }).toISODate() === day.date).length),
  };
}

interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly day: number;
  /** The free span the candidate sits in. */
  readonly within: Span;
  /** 0 in the preferred half of the day (or no preference), 1 otherwise. */
  readonly tier: 0 | 1;
}

function tierOf(start: number, end: number, noon: number, preferred: PreferredTimes): 0 | 1 {
  if (preferred === 'mornings') return end <= noon ? 0 : 1;
  if (preferred === 'afternoons') return start >= noon ? 0 : 1;
  return 0;
}

/** Every grid start where `minutes` fit, best first: fewest blocks that day, preferred half, earliest. */
function candidates(state: WeekState, week: WeekFrame, minutes: number, preferred: PreferredTimes): Candidate[] {
  const length = minutes * MINUTE_IN_MS;
  const found: Candidate[] = [];
  state.free.forEach((spans, day) => {
    const noon = week.days[day]?.noon ?? 0;
    for (const within of spans) {
      for (const start of gridStarts(within, length, GRID)) found.push({ start, end: start + length, day, within, tier: tierOf(start, start + length, noon, preferred) });
    }
  });
  return found.sort((a, b) => (state.load[a.day] ?? 0) - (state.load[b.day] ?? 0) || a.tier - b.tier || a.start - b.start);
}

function ceilMinutesToGrid(minutes: number): number {
  return Math.ceil(minutes / R.gridMinutes) * R.gridMinutes;
}

/** Full-length grid slots the rest of the target needs: 150 min left with 60-min blocks → 3 (60, 60, 30). */
function slotsNeeded(remainingMinutes: number, blockMinutes: number): number {
  return remainingMinutes <= 0 ? 0 : Math.ceil(remainingMinutes / blockMinutes);
}

interface Choice {
  readonly candidate: Candidate;
  readonly minutes: number;
  /** Shorter than wanted because no full-length slot was left. */
  readonly shortened: boolean;
}

/**
 * The next block for a week with `remainingMinutes` to go (ignored when null: one block of `wantMinutes`,
 * as in `replanBlock`). Full length first; while the week's free time still holds enough full-length slots
 * for the rest of the target, a candidate that would leave too few is passed over for the next best.
 */
function chooseBlock(state: WeekState, week: WeekFrame, setup: Setup, wantMinutes: number, remainingMinutes: number | null): Choice | null {
  const full = candidates(state, week, wantMinutes, setup.preferredTimes);
  if (full.length > 0) {
    const blockLength = setup.blockMinutes * MINUTE_IN_MS;
    const spans = state.free.flat();
    const slots = countSlots(spans, blockLength, GRID);
    if (remainingMinutes !== null && slots >= slotsNeeded(remainingMinutes, setup.blockMinutes)) {
      const needAfter = slotsNeeded(remainingMinutes - wantMinutes, setup.blockMinutes);
      const keepsRoom = full.find((candidate) => {
        const { within } = candidate;
        const pieces = [{ start: within.start, end: candidate.start }, { start: candidate.end, end: within.end }];
        return slots - countSlots([within], blockLength, GRID) + countSlots(pieces, blockLength, GRID) >= needAfter;
      });
      // Always found: the left-aligned slot of any span with room takes exactly one slot away.
      if (keepsRoom !== undefined) return { candidate: keepsRoom, minutes: wantMinutes, shortened: false };
    }
    return { candidate: full[0]!, minutes: wantMinutes, shortened: false };
  }
  const shortest = Math.min(R.shortestBlockMinutes, wantMinutes);
  for (let minutes = wantMinutes - R.gridMinutes; minutes >= shortest; minutes -= R.gridMinutes) {
    const best = candidates(state, week, minutes, setup.preferredTimes)[0];
    if (best !== undefined) return { candidate: best, minutes, shortened: true };
  }
  return null;
}

function take(state: WeekState, choice: Choice): void {
  const { day, start, end } = choice.candidate;
  state.free[day] = subtract(state.free[day] ?? [], [{ start, end }]);
  state.load[day] = (state.load[day] ?? 0) + 1;
}

// ---------------------------------------------------------------------------------------------------------
// Reporting

/** 90 → "1 h 30", 120 → "2 h", 45 → "45 min". */
export function formatMinutes(minutes: number): string {
  const whole = Math.round(minutes);
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${String(rest).padStart(2, '0')}`;
}

/**
 * What the week's shortfall says, and whose it is. The past is told apart from a full calendar (a round
 * that started before the plan was made reported its first week as "no free time found", and managers were told the
 * calendar was full). Working time left = working hours from now on, meetings not subtracted: when that (with kept
 * blocks) cannot hold the target, the past took the time. Mon–Fri 09:00–17:30, target 2 h 30:
 * Saturday of the week → "already over"; Friday 15:00 (2 h left) → "had already started … only 2 h"; a Tuesday
 * full of meetings → "no free time found" (calendar).
 */
function shortfallOf(week: WeekFrame, plannedMinutes: number, working: { inWeek: number; left: number }, keptMinutes: number): { shortfall: string | null; shortfallCause: ShortfallCause | null } {
  if (plannedMinutes >= week.targetMinutes) return { shortfall: null, shortfallCause: null };
  const label = `Week ${week.week}`;
  const target = formatMinutes(week.targetMinutes);
  // The past is to blame only when the whole week's working time would have held the target.
  if (working.left + keptMinutes < week.targetMinutes && working.inWeek + keptMinutes >= week.targetMinutes) {
    if (plannedMinutes === 0) return { shortfall: `${label}: already over, so no practice time was planned`, shortfallCause: 'past' };
    return { shortfall: `${label}: had already started, so only ${formatMinutes(plannedMinutes)} of ${target} could be planned in what was left of it`, shortfallCause: 'past' };
  }
  if (plannedMinutes > 0) return { shortfall: `${label}: only ${formatMinutes(plannedMinutes)} of ${target} found`, shortfallCause: 'calendar' };
  return { shortfall: `${label}: no free time found in your working hours`, shortfallCause: 'calendar' };
}

/** Working minutes of the week from `earliest` on, meetings not subtracted: what the past left of it. */
function workingMinutesFrom(week: WeekFrame, earliest: number): number {
  const after = { start: earliest, end: Number.POSITIVE_INFINITY };
  return week.days.reduce((sum, day) => sum + (day.working === null ? 0 : clip([day.working], after).reduce((inDay, span) => inDay + minutesOf(span), 0)), 0);
}

function minutesOf(span: Span): number {
  return Math.round((span.end - span.start) / MINUTE_IN_MS);
}

function nextIndex(keep: readonly PlannedBlock[], week: number): number {
  return keep.filter((block) => block.week === week).reduce((next, block) => Math.max(next, block.index + 1), 0);
}

const OTHER_HALF: Record<PreferredTimes, string> = {
  mornings: 'not enough room in your mornings, so some blocks are in the afternoon',
  afternoons: 'not enough room in your afternoons, so some blocks are in the morning',
  'no-preference': '',
};

// ---------------------------------------------------------------------------------------------------------
// The API

/**
 * Plans every week of the window. Invalid input (unknown zone, bad times, weeks out of range…) comes back
 * as an `invalid_input` DomainError with a note per field; a week without room is not an error but a
 * `shortfall` the participant and their manager can read.
 */
export function planPracticeBlocks(input: PlanInput): Plan | DomainError {
  const setup = prepare(input);
  if (isDomainError(setup)) return setup;
  const keptSpans = setup.keep.map((kept) => kept.span);
  const blocked = normalize([...setup.blocked, ...keptSpans]);
  const blocks: { readonly block: PlannedBlock; readonly start: number }[] = setup.keep.map((kept) => ({ block: kept.block, start: kept.span.start }));
  const weeks: WeekPlan[] = [];
  const warnings = [...setup.warnings];

  for (const week of setup.weeks) {
    const kept = setup.keep.filter((k) => k.block.week === week.week);
    const state = weekState(setup, week, blocked, kept.map((k) => k.span));
    let remaining = week.targetMinutes - kept.reduce((sum, k) => sum + minutesOf(k.span), 0);
    const chosen: Choice[] = [];
    while (remaining > 0) {
      const want = Math.min(setup.blockMinutes, ceilMinutesToGrid(remaining));
      const choice = chooseBlock(state, week, setup, want, remaining);
      if (choice === null) break;
      take(state, choice);
      chosen.push(choice);
      remaining -= choice.minutes;
    }

    const first = nextIndex(setup.keep.map((k) => k.block), week.week);
    [...chosen].sort((a, b) => a.candidate.start - b.candidate.start).forEach((choice, i) => {
      const { start, end } = choice.candidate;
      blocks.push({ block: { week: week.week, index: first + i, ...intervalOf({ start, end }) }, start });
    });

    const plannedMinutes = week.targetMinutes - remaining; // kept + new; above the target when kept blocks exceed it
    const lastDay = week.days.at(-1);
    const keptMinutes = kept.reduce((sum, k) => sum + minutesOf(k.span), 0);
    const startsOn = week.days[0]?.date ?? '';
    weeks.push({ week: week.week, startsOn, endsOn: lastDay?.date ?? startsOn, targetMinutes: week.targetMinutes, plannedMinutes, ...shortfallOf(week, plannedMinutes, { inWeek: workingMinutesFrom(week, Number.NEGATIVE_INFINITY), left: workingMinutesFrom(week, setup.earliest) }, keptMinutes) });

    if (chosen.some((choice) => choice.shortened)) {
      warnings.push(`Week ${week.week}: some blocks are shorter than ${setup.blockMinutes} min because no longer free time was found.`);
    }
    if (setup.preferredTimes !== 'no-preference' && chosen.some((choice) => choice.candidate.tier === 1)) {
      warnings.push(`Week ${week.week}: ${OTHER_HALF[setup.preferredTimes]}.`);
    }
  }

  blocks.sort((a, b) => a.start - b.start || a.block.week - b.block.week || a.block.index - b.block.index);
  return { blocks: blocks.map((entry) => entry.block), weeks, warnings };
}

/**
 * Re-plans ONE block that was deleted, declined or now overlaps a meeting, into free time in the same week
 * from `now` + 15 min, with the same rules as a new block (same length, else shorter down to 30 min; fewest
 * blocks that day; preferred half; earliest). `input.keep` holds the blocks still booked (the lost one is
 * ignored there); the lost block's own time is not offered again: the person removed or declined it, or it
 * clashes. The new block takes the next index of its week (after the lost one's): never the lost index,
 * whose transactionId belongs to the removed event. null when the week has no room.
 * Which blocks to re-plan (not one that has started or passed) is the caller's rule. The input was valid
 * when the plan was made, so an invalid one here is a bug and throws.
 */
export function replanBlock(input: PlanInput, lost: PlannedBlock): PlannedBlock | null {
  const setup = prepare(input);
  if (isDomainError(setup)) throw new Error(`replanBlock: invalid input: ${setup.message}`, { cause: setup });
  const week = setup.weeks[lost.week - 1];
  if (week === undefined) throw new Error(`replanBlock: week ${lost.week} is not in the window (${setup.weeks.length} weeks)`);
  const lostSpan = { start: ms(lost.start), end: ms(lost.end) };
  if (!(lostSpan.end > lostSpan.start)) throw new Error(`replanBlock: the lost block ends before it starts (${lost.start}–${lost.end})`);

  const others = setup.keep.filter((k) => !(k.block.week === lost.week && k.block.index === lost.index));
  const blocked = normalize([...setup.blocked, ...others.map((k) => k.span), lostSpan]);
  const state = weekState(setup, week, blocked, others.filter((k) => k.block.week === lost.week).map((k) => k.span));
  const choice = chooseBlock(state, week, setup, ceilMinutesToGrid(minutesOf(lostSpan)), null);
  if (choice === null) return null;
  const index = Math.max(nextIndex(others.map((k) => k.block), lost.week), lost.index + 1);
  return { week: lost.week, index, ...intervalOf(choice.candidate) };
}

/**
 * An unknown zone is a DomainError in `planPracticeBlocks`; a caller that would rather plan than stop uses
 * this first: the same hours in UTC, and a warning to show the person.
 */
export function withUtcFallback(workingHours: WorkingHours): { readonly workingHours: WorkingHours; readonly warning: string | null } {
  if (knownZone(workingHours.timeZone)) return { workingHours, warning: null };
  return {
    workingHours: { ...workingHours, timeZone: 'UTC' },
    warning: `We don't recognise your time zone ${JSON.stringify(workingHours.timeZone)}, so your practice blocks are planned in UTC (${workingHours.startTime}–${workingHours.endTime} UTC). Set your time zone in Outlook and re-plan to fix it.`,
  };
}
