import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { isDomainError } from '../../src/domain/errors';
import { MAX_WINDOW_EXTENSION_DAYS } from '../../src/domain/experiment';
import {
  PLANNER_RULES, WEEKDAYS, formatMinutes, planPracticeBlocks, replanBlock, withUtcFallback,
  type Interval, type Plan, type PlanInput, type PlannedBlock, type Weekday, type WorkingHours,
} from '../../src/domain/planner';
import { ROUND_LIMITS } from '../../src/domain/round';
import { expectError, unwrap } from '../support/builders';

/**
 * The example person works Monday to Friday, 09:00–17:30 in London. The window is Monday 23 March to
 * Sunday 5 April 2026, across the change to BST on Sunday 29 March; the shareback is Monday 6 April at
 * 14:00 BST. `now` is the Friday before, at noon.
 */
const NOW = '2026-03-20T12:00:00.000Z';
const MON_TO_FRI: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

function hours(timeZone: string, startTime = '09:00', endTime = '17:30', daysOfWeek: readonly Weekday[] = MON_TO_FRI): WorkingHours {
  return { daysOfWeek, startTime, endTime, timeZone };
}

function aPlanInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    window: { start: '2026-03-23', weeks: 2 },
    hoursPerWeek: 2.5,
    blockMinutes: 60,
    preferredTimes: 'mornings',
    workingHours: hours('Europe/London'),
    busy: [],
    shareback: { startsAt: '2026-04-06T13:00:00Z', durationMinutes: 90 },
    now: NOW,
    ...overrides,
  };
}

function plan(overrides: Partial<PlanInput> = {}): Plan {
  return unwrap(planPracticeBlocks(aPlanInput(overrides)));
}

/** "1.0 2026-03-23T09:00–10:00Z": week.index, then the UTC start and end, short enough to read in a table. */
function slots(blocks: readonly PlannedBlock[]): string[] {
  const utc = (instant: string): string => new Date(Date.parse(instant)).toISOString();
  return blocks.map((b) => `${b.week}.${b.index} ${utc(b.start).slice(0, 16)}–${utc(b.end).slice(11, 16)}Z`);
}

const busy = (start: string, end: string): Interval => ({ start, end });

describe('planPracticeBlocks', () => {
  describe('worked examples', () => {
    it('plans one block a day from the first working day, the last one the remainder (150 min → 60, 60, 30), across the March change in London', () => {
      const result = plan();
      expect(slots(result.blocks)).toEqual([
        '1.0 2026-03-23T09:00–10:00Z', // 09:00 GMT
        '1.1 2026-03-24T09:00–10:00Z',
        '1.2 2026-03-25T09:00–09:30Z',
        '2.0 2026-03-30T08:00–09:00Z', // 09:00 BST
        '2.1 2026-03-31T08:00–09:00Z',
        '2.2 2026-04-01T08:00–08:30Z',
      ]);
      expect(result.blocks[0]).toEqual({ week: 1, index: 0, start: '2026-03-23T09:00:00.000Z', end: '2026-03-23T10:00:00.000Z' });
      expect(result.weeks).toEqual([
        { week: 1, startsOn: '2026-03-23', endsOn: '2026-03-29', targetMinutes: 150, plannedMinutes: 150, shortfall: null, shortfallCause: null },
        { week: 2, startsOn: '2026-03-30', endsOn: '2026-04-05', targetMinutes: 150, plannedMinutes: 150, shortfall: null, shortfallCause: null },
      ]);
      expect(result.warnings).toEqual([]);
    });

    it.each<[string, Partial<PlanInput>, string[]]>([
      ['Europe/London, 29 March 2026, inside one week', {
        window: { start: '2026-03-26', weeks: 1 }, hoursPerWeek: 5,
      }, ['1.0 2026-03-26T09:00–10:00Z', '1.1 2026-03-27T09:00–10:00Z', '1.2 2026-03-30T08:00–09:00Z', '1.3 2026-03-31T08:00–09:00Z', '1.4 2026-04-01T08:00–09:00Z']],
      ['Europe/London, 25 October 2026, afternoons', {
        window: { start: '2026-10-22', weeks: 1 }, hoursPerWeek: 3, preferredTimes: 'afternoons',
        shareback: { startsAt: '2026-11-02T14:00:00Z', durationMinutes: 90 },
      }, ['1.0 2026-10-22T11:00–12:00Z', '1.1 2026-10-23T11:00–12:00Z', '1.2 2026-10-26T12:00–13:00Z']],
      ['America/New_York, 8 March 2026, 90-min afternoon blocks around a busy Friday', {
        window: { start: '2026-03-05', weeks: 1 }, hoursPerWeek: 4.5, blockMinutes: 90, preferredTimes: 'afternoons',
        workingHours: hours('America/New_York', '08:30', '16:30'),
        busy: [busy('2026-03-06T08:30:00-05:00', '2026-03-06T16:30:00-05:00')],
        shareback: { startsAt: '2026-03-16T15:00:00Z', durationMinutes: 60 }, now: '2026-03-02T12:00:00Z',
      }, ['1.0 2026-03-05T17:00–18:30Z', '1.1 2026-03-09T16:00–17:30Z', '1.2 2026-03-10T16:00–17:30Z']],
      ['America/New_York, 1 November 2026', {
        window: { start: '2026-10-29', weeks: 1 }, hoursPerWeek: 3, workingHours: hours('America/New_York', '09:00', '17:00'),
        shareback: { startsAt: '2026-11-09T15:00:00Z', durationMinutes: 60 },
      }, ['1.0 2026-10-29T13:00–14:00Z', '1.1 2026-10-30T13:00–14:00Z', '1.2 2026-11-02T14:00–15:00Z']],
      ['Asia/Kolkata, no DST while London changes, 45-min blocks', {
        window: { start: '2026-03-23', weeks: 2 }, hoursPerWeek: 1.5, blockMinutes: 45, workingHours: hours('Asia/Kolkata', '09:30', '18:00'),
      }, ['1.0 2026-03-23T04:00–04:45Z', '1.1 2026-03-24T04:00–04:45Z', '2.0 2026-03-30T04:00–04:45Z', '2.1 2026-03-31T04:00–04:45Z']],
    ])('keeps the local times steady: %s', (_case, overrides, expected) => {
      expect(slots(plan(overrides).blocks)).toEqual(expected);
    });

    // A round in London with its shareback on Wednesday 1 April at 10:00 BST (09:00Z); the window was
    // extended by 3 days, so week 3 is Monday 30 March to Wednesday 1 April, target 3/5 × 2 h 30 = 1 h 30.
    // Monday and Tuesday of week 3 are full of meetings for everyone.
    const sharebackInLondon = (workingHours: WorkingHours): Partial<PlanInput> => ({
      window: { start: '2026-03-16', weeks: 2, extensionDays: 3 },
      preferredTimes: 'afternoons',
      workingHours,
      busy: [busy('2026-03-30T00:00:00Z', '2026-04-01T00:00:00Z')],
      shareback: { startsAt: '2026-04-01T10:00:00+01:00', durationMinutes: 90 },
      now: '2026-03-13T12:00:00Z',
    });

    it.each<[string, WorkingHours, string[], number, string | null]>([
      // 10:00 BST is 14:30 IST: the Kolkata afternoon before it is still free.
      ['in Kolkata plans the afternoon before the shareback', hours('Asia/Kolkata', '09:30', '18:00'),
        ['3.0 2026-04-01T06:30–07:30Z', '3.1 2026-04-01T07:30–08:00Z'], 90, null],
      // 10:00 BST is 09:00 in London: one morning hour is left before it.
      ['in London plans the hour before the shareback', hours('Europe/London'), ['3.0 2026-04-01T08:00–09:00Z'], 60, 'Week 3: only 1 h of 1 h 30 found'],
      // 10:00 BST is 05:00 in New York: the whole working day comes after it.
      ['in New York plans nothing on the shareback day', hours('America/New_York', '09:00', '17:00'), [], 0, 'Week 3: no free time found in your working hours'],
    ])('a person %s', (_case, workingHours, expected, plannedMinutes, shortfall) => {
      const result = plan(sharebackInLondon(workingHours));
      expect(slots(result.blocks.filter((b) => b.week === 3))).toEqual(expected);
      expect(result.weeks[2]).toEqual({ week: 3, startsOn: '2026-03-30', endsOn: '2026-04-01', targetMinutes: 90, plannedMinutes, shortfall, shortfallCause: shortfall === null ? null : 'calendar' });
    });
  });

  describe('busy time and now', () => {
    it('avoids busy time given in any order, overlapping, with any offset', () => {
      const result = plan({
        window: { start: '2026-03-23', weeks: 1 },
        busy: [
          busy('2026-03-24T09:30:00+01:00', '2026-03-24T11:00:00Z'), // Tuesday 08:30–11:00 GMT
          busy('2026-03-23T09:30:00Z', '2026-03-23T10:15:00Z'),
          busy('2026-03-23T09:00:00+00:00', '2026-03-23T09:45:00Z'), // overlaps the one above
          busy('2026-03-25T12:00:00Z', '2026-03-25T12:00:00Z'), // zero length: nothing busy
        ],
      });
      expect(slots(result.blocks)).toEqual(['1.0 2026-03-23T10:15–11:15Z', '1.1 2026-03-24T11:00–12:00Z', '1.2 2026-03-25T09:00–09:30Z']);
    });

    it('starts no sooner than 15 minutes after now, on the quarter hour', () => {
      const result = plan({ window: { start: '2026-03-23', weeks: 1 }, now: '2026-03-23T09:07:00Z' });
      expect(slots(result.blocks)).toEqual(['1.0 2026-03-23T09:30–10:30Z', '1.1 2026-03-24T09:00–10:00Z', '1.2 2026-03-25T09:00–09:30Z']);
    });

    it('puts working hours on the quarter hour: free from 09:05 means a first block at 09:15', () => {
      const result = plan({ window: { start: '2026-03-23', weeks: 1 }, workingHours: hours('Europe/London', '09:05', '17:30') });
      expect(result.blocks[0]?.start).toBe('2026-03-23T09:15:00.000Z');
    });

    it('leaves the shareback day empty from the meeting on', () => {
      // Shareback Friday 27 March at 11:00 GMT; Monday to Thursday are full.
      const result = plan({
        window: { start: '2026-03-23', weeks: 1 },
        preferredTimes: 'afternoons',
        busy: [busy('2026-03-23T00:00:00Z', '2026-03-27T00:00:00Z')],
        shareback: { startsAt: '2026-03-27T11:00:00Z', durationMinutes: 60 },
      });
      expect(slots(result.blocks)).toEqual(['1.0 2026-03-27T09:00–10:00Z', '1.1 2026-03-27T10:00–11:00Z']);
      expect(result.weeks[0]?.shortfall).toBe('Week 1: only 2 h of 2 h 30 found');
    });

    it('says the week is already over rather than that it had no free time', () => {
      const result = plan({ now: '2026-03-30T12:00:00Z' });
      expect(result.weeks[0]).toMatchObject({ plannedMinutes: 0, shortfall: 'Week 1: already over, so no practice time was planned', shortfallCause: 'past' });
      expect(slots(result.blocks)).toEqual(['2.0 2026-03-31T08:00–09:00Z', '2.1 2026-04-01T08:00–09:00Z', '2.2 2026-04-02T08:00–08:30Z']);
    });
  });

  describe('a round that started before the plan was made', () => {
    it.each([
      // Saturday of week 1: the working days are behind it, though the calendar week is not over.
      ['on the Saturday of its first week', '2026-03-28T12:00:00Z', 0, 'Week 1: already over, so no practice time was planned'],
      // Friday 15:00: 2 h 30 of working time is left, minus the 15-minute lead → 2 h on the grid.
      ['late on the Friday of its first week', '2026-03-27T15:00:00Z', 120, 'Week 1: had already started, so only 2 h of 2 h 30 could be planned in what was left of it'],
    ])('blames the past, not the calendar, %s', (_case, now, plannedMinutes, shortfall) => {
      const result = plan({ now });
      expect(result.weeks[0]).toMatchObject({ plannedMinutes, shortfall, shortfallCause: 'past' });
      expect(result.weeks[1]).toMatchObject({ plannedMinutes: 150, shortfall: null, shortfallCause: null });
    });

    it('still blames the calendar when meetings, not the past, took what was left', () => {
      const result = plan({ now: '2026-03-24T08:00:00Z', busy: [busy('2026-03-24T00:00:00Z', '2026-03-30T00:00:00Z')] });
      expect(result.weeks[0]).toMatchObject({ plannedMinutes: 0, shortfall: 'Week 1: no free time found in your working hours', shortfallCause: 'calendar' });
    });
  });

  describe('shortfalls', () => {
    it('says so when a week is full of meetings', () => {
      const result = plan({ busy: [busy('2026-03-30T00:00:00+01:00', '2026-04-06T00:00:00+01:00')] });
      expect(result.weeks[1]).toEqual({
        week: 2, startsOn: '2026-03-30', endsOn: '2026-04-05', targetMinutes: 150, plannedMinutes: 0,
        shortfall: 'Week 2: no free time found in your working hours', shortfallCause: 'calendar',
      });
      expect(result.weeks[0]?.shortfall).toBeNull();
    });

    it('uses shorter blocks rather than give up, and says what it found', () => {
      // Week 2 is busy except Monday 09:00–10:30 BST.
      const result = plan({ busy: [busy('2026-03-30T00:00:00Z', '2026-03-30T08:00:00Z'), busy('2026-03-30T09:30:00Z', '2026-04-06T00:00:00Z')] });
      expect(slots(result.blocks.filter((b) => b.week === 2))).toEqual(['2.0 2026-03-30T08:00–09:00Z', '2.1 2026-03-30T09:00–09:30Z']);
      expect(result.weeks[1]).toMatchObject({ plannedMinutes: 90, shortfall: 'Week 2: only 1 h 30 of 2 h 30 found' });
      expect(result.warnings).toEqual(['Week 2: some blocks are shorter than 60 min because no longer free time was found.']);
    });

    it.each([[0, '0 min'], [30, '30 min'], [60, '1 h'], [90, '1 h 30'], [150, '2 h 30'], [65, '1 h 05'], [300, '5 h']])('writes %i minutes as "%s"', (minutes, text) => {
      expect(formatMinutes(minutes)).toBe(text);
    });
  });

  describe('spreading and preferences', () => {
    const oneWeek = { window: { start: '2026-03-23', weeks: 1 } };
    const mornings = (days: number[]): Interval[] => days.map((day) => busy(`2026-03-${day}T09:00:00Z`, `2026-03-${day}T12:00:00Z`));

    it('uses the preferred half of the day when there is room', () => {
      expect(slots(plan({ ...oneWeek, preferredTimes: 'afternoons' }).blocks))
        .toEqual(['1.0 2026-03-23T12:00–13:00Z', '1.1 2026-03-24T12:00–13:00Z', '1.2 2026-03-25T12:00–12:30Z']);
    });

    it('falls back to the other half rather than miss the target, and says so', () => {
      const result = plan({ ...oneWeek, busy: mornings([23, 24, 25, 26, 27]) });
      expect(slots(result.blocks)).toEqual(['1.0 2026-03-23T12:00–13:00Z', '1.1 2026-03-24T12:00–13:00Z', '1.2 2026-03-25T12:00–12:30Z']);
      expect(result.weeks[0]?.shortfall).toBeNull();
      expect(result.warnings).toEqual(['Week 1: not enough room in your mornings, so some blocks are in the afternoon.']);
    });

    it('spreads blocks across days before it keeps to the preferred half', () => {
      // Only Monday morning is free; Tuesday afternoon beats a second Monday morning.
      expect(slots(plan({ ...oneWeek, busy: mornings([24, 25, 26, 27]) }).blocks))
        .toEqual(['1.0 2026-03-23T09:00–10:00Z', '1.1 2026-03-24T12:00–13:00Z', '1.2 2026-03-25T12:00–12:30Z']);
    });

    it('puts two blocks on one day only when no other day has room', () => {
      const result = plan({ ...oneWeek, workingHours: hours('Europe/London', '09:00', '17:30', ['wednesday']) });
      expect(slots(result.blocks)).toEqual(['1.0 2026-03-25T09:00–10:00Z', '1.1 2026-03-25T10:00–11:00Z', '1.2 2026-03-25T11:00–11:30Z']);
    });

    it('counts kept blocks when it spreads', () => {
      const keep = [{ week: 1, index: 0, start: '2026-03-23T14:00:00Z', end: '2026-03-23T15:00:00Z' }];
      expect(slots(plan({ ...oneWeek, keep }).blocks)).toEqual(['1.0 2026-03-23T14:00–15:00Z', '1.1 2026-03-24T09:00–10:00Z', '1.2 2026-03-25T09:00–09:30Z']);
    });

    it('passes over a preferred slot that would leave too little room for the rest of the week', () => {
      // Monday 11:30–13:30 only, afternoons preferred, 2 h: 12:00 would leave 11:30–12:00 and 13:00–13:30.
      const result = plan({ ...oneWeek, hoursPerWeek: 2, preferredTimes: 'afternoons', workingHours: hours('Europe/London', '11:30', '13:30', ['monday']) });
      expect(slots(result.blocks)).toEqual(['1.0 2026-03-23T11:30–12:30Z', '1.1 2026-03-23T12:30–13:30Z']);
      expect(result.weeks[0]?.shortfall).toBeNull();
    });

    it('gives the same plan for the same input, whatever the order of the busy times', () => {
      const busyTimes = [...mornings([24, 26]), busy('2026-03-31T08:00:00Z', '2026-03-31T15:00:00Z'), busy('2026-03-23T09:00:00Z', '2026-03-23T09:30:00Z')];
      expect(plan({ busy: busyTimes })).toEqual(plan({ busy: [...busyTimes].reverse() }));
    });
  });

  describe('the window', () => {
    it('turns extension days into a last, shorter week with a pro-rata target', () => {
      const result = plan({ window: { start: '2026-03-23', weeks: 2, extensionDays: 3 } });
      expect(result.weeks[2]).toEqual({ week: 3, startsOn: '2026-04-06', endsOn: '2026-04-08', targetMinutes: 90, plannedMinutes: 90, shortfall: null, shortfallCause: null });
      // The shareback is Monday 6 April at 14:00 BST: that morning is still free.
      expect(slots(result.blocks.filter((b) => b.week === 3))).toEqual(['3.0 2026-04-06T08:00–09:00Z', '3.1 2026-04-07T08:00–08:30Z']);
      expect(result.warnings).toEqual(['Your practice window runs past the shareback on Monday 6 April 2026; blocks after that day are planned as usual.']);
    });

    it('continues whole weeks when an extension is longer than a week', () => {
      const result = plan({ window: { start: '2026-03-23', weeks: 2, extensionDays: 10 }, shareback: { startsAt: '2026-04-20T13:00:00Z', durationMinutes: 90 } });
      expect(result.weeks.map((w) => [w.startsOn, w.endsOn, w.targetMinutes])).toEqual([
        ['2026-03-23', '2026-03-29', 150], ['2026-03-30', '2026-04-05', 150], ['2026-04-06', '2026-04-12', 150], ['2026-04-13', '2026-04-15', 90],
      ]);
    });

    it('has nothing to plan in an extension of days off', () => {
      const result = plan({ window: { start: '2026-03-21', weeks: 1, extensionDays: 2 } });
      expect(result.weeks[1]).toEqual({ week: 2, startsOn: '2026-03-28', endsOn: '2026-03-29', targetMinutes: 0, plannedMinutes: 0, shortfall: null, shortfallCause: null });
    });

    it("reads Graph's working hours (\"08:00:00.0000000\") and an end of 24:00", () => {
      const result = plan({ window: { start: '2026-03-23', weeks: 1 }, preferredTimes: 'afternoons', workingHours: hours('Asia/Kolkata', '08:00:00.0000000', '24:00', ['monday']), hoursPerWeek: 1 });
      expect(slots(result.blocks)).toEqual(['1.0 2026-03-23T06:30–07:30Z']);
    });

    it('treats hours the clocks skip as not there (London, 01:30–03:00 on 29 March 2026 is 02:00–03:00 BST)', () => {
      const result = plan({ window: { start: '2026-03-29', weeks: 1 }, hoursPerWeek: 2, workingHours: hours('Europe/London', '01:30', '03:00', ['sunday']), shareback: { startsAt: '2026-04-06T13:00:00Z', durationMinutes: 90 } });
      expect(slots(result.blocks)).toEqual(['1.0 2026-03-29T01:00–02:00Z']);
      expect(result.weeks[0]?.shortfall).toBe('Week 1: only 1 h of 2 h found');
    });

    it('starts hours the clocks repeat at their first pass (London, 01:15 on 25 October 2026 is 01:15 BST)', () => {
      const result = plan({ window: { start: '2026-10-25', weeks: 1 }, hoursPerWeek: 1, blockMinutes: 30, workingHours: hours('Europe/London', '01:15', '02:30', ['sunday']), shareback: { startsAt: '2026-11-02T13:00:00Z', durationMinutes: 90 }, now: '2026-10-20T12:00:00Z' });
      expect(slots(result.blocks)).toEqual(['1.0 2026-10-25T00:15–00:45Z', '1.1 2026-10-25T00:45–01:15Z']);
    });
  });

  describe('kept blocks', () => {
    const week1 = (): PlannedBlock[] => plan().blocks.filter((b) => b.week === 1);
    const mondayWeek2: PlannedBlock = { week: 2, index: 0, start: '2026-03-30T09:00:00+01:00', end: '2026-03-30T10:00:00+01:00' };

    it('returns them unchanged, counts their time and numbers new blocks after them', () => {
      const keep = [...week1(), mondayWeek2];
      const result = plan({ keep, now: '2026-03-30T12:00:00Z' });
      expect(result.blocks.slice(0, 4)).toEqual(keep);
      expect(slots(result.blocks.slice(4))).toEqual(['2.1 2026-03-31T08:00–09:00Z', '2.2 2026-04-01T08:00–08:30Z']);
      expect(result.weeks.map((w) => [w.plannedMinutes, w.shortfall])).toEqual([[150, null], [150, null]]);
    });

    it('never reuses the index of a removed block (its transactionId belongs to the removed event)', () => {
      const keep = [mondayWeek2, { ...mondayWeek2, index: 2, start: '2026-03-31T08:00:00Z', end: '2026-03-31T09:00:00Z' }];
      const result = plan({ keep, now: '2026-03-27T12:00:00Z' });
      expect(slots(result.blocks.filter((b) => b.week === 2))).toEqual(['2.0 2026-03-30T08:00–09:00Z', '2.2 2026-03-31T08:00–09:00Z', '2.3 2026-04-01T08:00–08:30Z']);
    });

    it('counts kept time above the target as planned, with no new blocks', () => {
      const keep = [{ week: 2, index: 0, start: '2026-03-30T08:00:00Z', end: '2026-03-30T11:00:00Z' }];
      const result = plan({ keep });
      expect(result.weeks[1]).toMatchObject({ plannedMinutes: 180, shortfall: null });
      expect(result.blocks.filter((b) => b.week === 2)).toEqual(keep);
    });
  });

  describe('invalid input', () => {
    it.each<[string, Partial<PlanInput>, string, string]>([
      ['an unknown time zone', { workingHours: hours('Mars/Olympus_Mons') }, 'workingHours.timeZone',
        'We don\'t recognise the time zone "Mars/Olympus_Mons". Set an IANA time zone such as Europe/London or Asia/Kolkata.'],
      ['a Windows zone name', { workingHours: hours('GMT Standard Time') }, 'workingHours.timeZone',
        'We don\'t recognise the time zone "GMT Standard Time". Set an IANA time zone such as Europe/London or Asia/Kolkata.'],
      ['no working days', { workingHours: hours('Europe/London', '09:00', '17:30', []) }, 'workingHours.daysOfWeek', 'Working hours need at least one working day, named monday to sunday.'],
      ['a start time of "9am"', { workingHours: hours('Europe/London', '9am') }, 'workingHours.startTime', 'Give the start of your working hours as a time of day, such as 09:00.'],
      ['an end time of 25:00', { workingHours: hours('Europe/London', '09:00', '25:00') }, 'workingHours.endTime', 'Give the end of your working hours as a time of day, such as 17:30.'],
      ['hours that end before they start', { workingHours: hours('Europe/London', '17:30', '09:00') }, 'workingHours.endTime',
        'Working hours must end after they start, on the same day: 17:30 to 09:00 does not.'],
      ['no weeks', { window: { start: '2026-03-23', weeks: 0 } }, 'window.weeks', 'A practice window runs 1 to 4 whole weeks.'],
      ['five weeks', { window: { start: '2026-03-23', weeks: 5 } }, 'window.weeks', 'A practice window runs 1 to 4 whole weeks.'],
      ['half a week', { window: { start: '2026-03-23', weeks: 2.5 } }, 'window.weeks', 'A practice window runs 1 to 4 whole weeks.'],
      ['a 15-day extension', { window: { start: '2026-03-23', weeks: 2, extensionDays: 15 } }, 'window.extensionDays', 'A window can be extended by 0 to 14 whole days.'],
      ['a date that does not exist', { window: { start: '2026-02-30', weeks: 2 } }, 'window.start', 'Give the first day of practice as a date (YYYY-MM-DD).'],
      ['half an hour a week', { hoursPerWeek: 0.5 }, 'hoursPerWeek', 'Protected time is 1 to 5 hours a week, in half hours.'],
      ['a quarter hour', { hoursPerWeek: 2.25 }, 'hoursPerWeek', 'Protected time is 1 to 5 hours a week, in half hours.'],
      ['20-minute blocks', { blockMinutes: 20 }, 'blockMinutes', 'Practice blocks are 30 to 120 minutes long, in steps of 15.'],
      ['50-minute blocks', { blockMinutes: 50 }, 'blockMinutes', 'Practice blocks are 30 to 120 minutes long, in steps of 15.'],
      ['evenings', { preferredTimes: 'evenings' as PlanInput['preferredTimes'] }, 'preferredTimes', 'Choose mornings, afternoons or no preference for your practice blocks.'],
      ['a busy time that ends before it starts', { busy: [busy('2026-03-23T10:00:00Z', '2026-03-23T09:00:00Z')] }, 'busy',
        'Each busy time needs a start and an end with their offsets, the end not before the start.'],
      ['a busy time with no offset', { busy: [busy('2026-03-23T10:00:00', '2026-03-23T11:00:00Z')] }, 'busy',
        'Each busy time needs a start and an end with their offsets, the end not before the start.'],
      ['a shareback with no offset', { shareback: { startsAt: '2026-04-06T14:00:00', durationMinutes: 90 } }, 'shareback.startsAt',
        'Give the shareback start as a date and time with its offset, e.g. 2026-04-06T13:00:00Z.'],
      ['a kept block after the window', { keep: [{ week: 3, index: 0, start: '2026-04-06T08:00:00Z', end: '2026-04-06T09:00:00Z' }] }, 'keep',
        'A kept block is in week 3, but the window has 2 weeks.'],
      ['two kept blocks with one index', {
        keep: [{ week: 1, index: 0, start: '2026-03-23T09:00:00Z', end: '2026-03-23T10:00:00Z' }, { week: 1, index: 0, start: '2026-03-24T09:00:00Z', end: '2026-03-24T10:00:00Z' }],
      }, 'keep', 'Two kept blocks share week 1, index 0; each needs its own.'],
    ])('refuses %s, naming the field', (_case, overrides, field, message) => {
      const error = expectError(planPracticeBlocks(aPlanInput(overrides)));
      expect(error).toEqual({ kind: 'invalid_input', message, fieldErrors: { [field]: message } });
    });

    it('counts the fields when several need a change', () => {
      const error = expectError(planPracticeBlocks(aPlanInput({ hoursPerWeek: 9, workingHours: hours('Nowhere/Atlantis') })));
      expect(error.message).toBe('2 answers need a change; each one has a note beside it.');
    });

    it('throws on a malformed now: it comes from the clock, not from a person', () => {
      expect(() => planPracticeBlocks(aPlanInput({ now: '2026-03-20 12:00' }))).toThrow('expected an ISO-8601 instant');
    });

    it('keeps its limits in line with the round and the experiment', () => {
      expect(PLANNER_RULES.weeks.max).toBe(ROUND_LIMITS.weeks.max);
      expect(PLANNER_RULES.hoursPerWeek).toEqual({ min: ROUND_LIMITS.hoursPerWeek.min, max: ROUND_LIMITS.hoursPerWeek.max, step: ROUND_LIMITS.hoursPerWeek.step });
      expect(PLANNER_RULES.extensionDays.max).toBe(MAX_WINDOW_EXTENSION_DAYS);
    });
  });
});

describe('withUtcFallback', () => {
  it('leaves a zone it knows alone', () => {
    const workingHours = hours('Asia/Kolkata');
    expect(withUtcFallback(workingHours)).toEqual({ workingHours, warning: null });
  });

  it('plans an unknown zone in UTC, with a warning to show the person', () => {
    const { workingHours, warning } = withUtcFallback(hours('Mars/Olympus_Mons'));
    expect(workingHours).toEqual(hours('UTC'));
    expect(warning).toBe('We don\'t recognise your time zone "Mars/Olympus_Mons", so your practice blocks are planned in UTC (09:00–17:30 UTC). Set your time zone in Outlook and re-plan to fix it.');
    expect(slots(plan({ workingHours, window: { start: '2026-03-30', weeks: 1 } }).blocks)[0]).toBe('1.0 2026-03-30T09:00–10:00Z');
  });
});

describe('replanBlock', () => {
  // Monday 30 March, 13:00 BST. Week 2 was booked as Monday, Tuesday and Wednesday at 09:00 BST; Tuesday's
  // block now clashes with a new meeting.
  const now = '2026-03-30T12:00:00Z';
  const booked = plan().blocks;
  const lost = booked.find((b) => b.week === 2 && b.index === 1)!;
  const others = booked.filter((b) => b !== lost);
  const clash = busy('2026-03-31T08:00:00Z', '2026-03-31T09:00:00Z');

  it('moves a lost block into free time in the same week, with a new index', () => {
    const moved = replanBlock(aPlanInput({ now, keep: others, busy: [clash] }), lost);
    // Tuesday has no block left, so it stays on Tuesday, right after the meeting: 10:00 BST.
    expect(moved).toEqual({ week: 2, index: 3, start: '2026-03-31T09:00:00.000Z', end: '2026-03-31T10:00:00.000Z' });
  });

  it('does not offer the lost slot again, even when its time shows as free (deleted or declined)', () => {
    const moved = replanBlock(aPlanInput({ now, keep: others }), lost);
    expect(moved?.start).toBe('2026-03-31T09:00:00.000Z');
  });

  it('ignores the lost block when it is still listed as kept', () => {
    expect(replanBlock(aPlanInput({ now, keep: booked, busy: [clash] }), lost)).toEqual(replanBlock(aPlanInput({ now, keep: others, busy: [clash] }), lost));
  });

  it('keeps the lost block\'s length (a 30-minute remainder stays 30 minutes)', () => {
    // Wednesday 09:00–09:30 BST was declined; Wednesday has no other block, so 09:30 BST is next.
    const shortOne = booked.find((b) => b.week === 2 && b.index === 2)!;
    const moved = replanBlock(aPlanInput({ now, keep: booked.filter((b) => b !== shortOne) }), shortOne);
    expect(moved).toEqual({ week: 2, index: 3, start: '2026-04-01T08:30:00.000Z', end: '2026-04-01T09:00:00.000Z' });
  });

  it('returns null when the week has no room', () => {
    expect(replanBlock(aPlanInput({ now, keep: others, busy: [busy('2026-03-30T00:00:00Z', '2026-04-06T00:00:00Z')] }), lost)).toBeNull();
  });

  it('throws on input that could not have been planned', () => {
    expect(() => replanBlock(aPlanInput({ workingHours: hours('Mars/Olympus_Mons') }), lost)).toThrow('time zone');
    expect(() => replanBlock(aPlanInput(), { ...lost, week: 7 })).toThrow('week 7');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties over random calendars. The oracle below is written apart from the planner: it turns wall-clock
// times into instants by offsets (not luxon's fromObject) and measures free time minute by minute.

const MINUTE = 60_000;
const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'Asia/Kathmandu', 'America/Los_Angeles', 'UTC'] as const;
const DST_WEEKS = ['2026-03-05', '2026-03-23', '2026-03-26', '2026-03-29', '2026-04-02', '2026-09-30', '2026-10-22', '2026-10-29'];

/** The first instant at which the clock in `zone` shows `minutes` past midnight of `date`, or later. */
function wallClock(date: string, minutes: number, zone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * MINUTE;
  const z = IANAZone.create(zone);
  const offsets = [z.offset(wall - 14 * 60 * MINUTE), z.offset(wall + 14 * 60 * MINUTE)];
  if (offsets[0] === offsets[1]) return wall - offsets[0]! * MINUTE; // no change near this time
  const exact = offsets.map((o) => wall - o * MINUTE).filter((t) => z.offset(t) * MINUTE === wall - t);
  if (exact.length > 0) return Math.min(...exact);
  // Skipped: find the jump between the two offsets.
  let before = wall - Math.max(...offsets) * MINUTE;
  let after = wall - Math.min(...offsets) * MINUTE;
  while (after - before > MINUTE) {
    const mid = before + Math.floor((after - before) / 2 / MINUTE) * MINUTE;
    if (z.offset(mid) === Math.max(...offsets)) after = mid; else before = mid;
  }
  return after;
}

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const minutesOf = (text: string): number => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

const arbitraryInput = fc.record({
  zone: fc.constantFrom(...ZONES),
  start: fc.oneof(fc.constantFrom(...DST_WEEKS), fc.integer({ min: 0, max: 364 }).map((d) => DateTime.fromISO('2026-01-01', { zone: 'utc' }).plus({ days: d }).toISODate()!)),
  weeks: fc.integer({ min: 1, max: 4 }),
  extensionDays: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 14 })),
  hoursPerWeek: fc.integer({ min: 2, max: 10 }).map((halves) => halves / 2),
  blockMinutes: fc.integer({ min: 2, max: 8 }).map((quarters) => quarters * 15),
  preferredTimes: fc.constantFrom('mornings' as const, 'afternoons' as const, 'no-preference' as const),
  days: fc.subarray([...WEEKDAYS], { minLength: 1 }),
  // Starts from midnight to noon (so the small hours of DST nights come up), sometimes off the grid.
  startMinutes: fc.tuple(fc.integer({ min: 0, max: 48 }), fc.constantFrom(0, 0, 0, 5)).map(([q, jitter]) => q * 15 + jitter),
  lengthMinutes: fc.integer({ min: 2, max: 56 }).map((q) => q * 15),
  busy: fc.array(fc.record({ day: fc.integer({ min: -1, max: 42 }), minute: fc.integer({ min: 0, max: 1439 }), length: fc.integer({ min: 0, max: 720 }), local: fc.boolean() }), { maxLength: 30 }),
  nowMinutes: fc.integer({ min: -3 * 1440, max: 30 * 1440 }),
  sharebackDay: fc.integer({ min: -3, max: 2 }),
  sharebackMinute: fc.integer({ min: 0, max: 1439 }),
  sharebackDuration: fc.integer({ min: 30, max: 240 }),
}).map((r) => {
  const origin = Date.parse(`${r.start}T00:00:00Z`);
  const totalDays = 7 * r.weeks + r.extensionDays;
  const iso = (at: number, local: boolean): string => (local ? DateTime.fromMillis(at, { zone: r.zone }).toISO()! : new Date(at).toISOString());
  const input: PlanInput = {
    window: { start: r.start, weeks: r.weeks, extensionDays: r.extensionDays },
    hoursPerWeek: r.hoursPerWeek,
    blockMinutes: r.blockMinutes,
    preferredTimes: r.preferredTimes,
    workingHours: { daysOfWeek: r.days, startTime: hhmm(r.startMinutes), endTime: hhmm(Math.min(r.startMinutes + r.lengthMinutes, 23 * 60 + 45)), timeZone: r.zone },
    busy: r.busy.map((b) => {
      const start = origin + (b.day * 1440 + b.minute) * MINUTE;
      return { start: iso(start, b.local), end: iso(start + b.length * MINUTE, !b.local) };
    }),
    shareback: { startsAt: new Date(origin + ((totalDays + r.sharebackDay) * 1440 + r.sharebackMinute) * MINUTE).toISOString(), durationMinutes: r.sharebackDuration },
    now: new Date(origin + r.nowMinutes * MINUTE).toISOString(),
  };
  return input;
});

interface Oracle {
  /** Local dates of the window with their week, working span (null on a day off) and free grid slots. */
  readonly days: readonly { readonly date: string; readonly week: number; readonly working: { start: number; end: number } | null }[];
  readonly earliest: number;
  readonly busy: readonly { start: number; end: number }[];
  readonly sharebackDate: string;
  readonly sharebackStart: number;
  readonly sharebackEnd: number;
}

function oracleFor(input: PlanInput): Oracle {
  const { timeZone: zone, daysOfWeek, startTime, endTime } = input.workingHours;
  const first = DateTime.fromISO(input.window.start, { zone: 'utc' });
  const totalDays = 7 * input.window.weeks + (input.window.extensionDays ?? 0);
  const days = Array.from({ length: totalDays }, (_, i) => {
    const date = DateTime.fromMillis(first.toMillis() + i * 1440 * MINUTE, { zone: 'utc' });
    const iso = date.toISODate()!;
    const works = daysOfWeek.includes(WEEKDAYS[date.weekday - 1]!);
    const working = works ? { start: wallClock(iso, minutesOf(startTime), zone), end: wallClock(iso, minutesOf(endTime), zone) } : null;
    return { date: iso, week: Math.floor(i / 7) + 1, working: working !== null && working.end > working.start ? working : null };
  });
  const sharebackStart = Date.parse(input.shareback.startsAt);
  return {
    days,
    earliest: Date.parse(input.now) + 15 * MINUTE,
    busy: input.busy.map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) })),
    sharebackDate: DateTime.fromMillis(sharebackStart, { zone }).toISODate()!,
    sharebackStart,
    sharebackEnd: sharebackStart + input.shareback.durationMinutes * MINUTE,
  };
}

/**
 * "Room" for week w: the most non-overlapping `blockMinutes` blocks, starting on the 15-minute grid, that
 * fit in the week's free time (working hours on working days, from now + 15 min, minus busy time, minus
 * the shareback day from the meeting on). The target must be met when room ≥ ⌈target / blockMinutes⌉.
 */
function roomInWeek(oracle: Oracle, week: number, blockMinutes: number): number {
  let room = 0;
  for (const day of oracle.days) {
    if (day.week !== week || day.working === null) continue;
    const firstMinute = day.working.start / MINUTE;
    const free = new Uint8Array((day.working.end - day.working.start) / MINUTE).fill(1);
    const block = (start: number, end: number): void => {
      for (let m = Math.max(start / MINUTE, firstMinute); m < end / MINUTE && m - firstMinute < free.length; m += 1) free[Math.floor(m - firstMinute)] = 0;
    };
    block(day.working.start, oracle.earliest);
    for (const b of oracle.busy) block(b.start, b.end);
    if (day.date === oracle.sharebackDate) block(oracle.sharebackStart, day.working.end);
    block(oracle.sharebackStart, oracle.sharebackEnd);
    let m = 0;
    while (m < free.length) {
      if (free[m] === 0) { m += 1; continue; }
      let end = m;
      while (end < free.length && free[end] === 1) end += 1;
      const runStart = Math.ceil((firstMinute + m) / 15) * 15;
      const length = firstMinute + end - runStart;
      if (length >= blockMinutes) room += Math.floor(length / blockMinutes);
      m = end;
    }
  }
  return room;
}

/** Every rule a plan must keep, as a list of the ones broken (one `expect` per run keeps the runs fast). */
function brokenRules(input: PlanInput, result: Plan, oracle: Oracle, newBlocks: readonly PlannedBlock[]): string[] {
  const broken: string[] = [];
  const zone = IANAZone.create(input.workingHours.timeZone);
  const sorted = result.blocks.map((b) => ({ ...b, s: Date.parse(b.start), e: Date.parse(b.end) })).sort((a, b) => a.s - b.s);
  sorted.forEach((b, i) => {
    const next = sorted[i + 1];
    if (next !== undefined && next.s < b.e) broken.push(`${b.start} overlaps another block`);
  });
  const keys = result.blocks.map((b) => `${b.week}/${b.index}`);
  if (new Set(keys).size !== keys.length) broken.push('two blocks share a week and index');

  for (const b of newBlocks) {
    const s = Date.parse(b.start);
    const e = Date.parse(b.end);
    const date = DateTime.fromMillis(s, { zone }).toISODate();
    const day = oracle.days.find((d) => d.date === date);
    const rules: [boolean, string][] = [
      [/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/.test(b.start) && /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/.test(b.end), 'written in UTC with milliseconds'],
      [s % (15 * MINUTE) === 0, 'on the 15-minute grid'],
      [e - s >= 15 * MINUTE && e - s <= input.blockMinutes * MINUTE, '15 min to blockMinutes long'],
      [s >= oracle.earliest, 'not before now + 15 min'],
      [!oracle.busy.some((t) => s < t.end && t.start < e && t.start < t.end), 'clear of busy time'], // zero-length busy time takes none
      [!(input.keep ?? []).some((k) => s < Date.parse(k.end) && Date.parse(k.start) < e), 'clear of kept blocks'],
      [day?.working != null, 'on a working day of the window'],
      [day?.week === b.week, 'in its own week'],
      [day?.working != null && s >= day.working.start && e <= day.working.end, 'inside working hours'],
      [!(s < oracle.sharebackEnd && oracle.sharebackStart < e), 'clear of the shareback'],
      [date !== oracle.sharebackDate || e <= oracle.sharebackStart, 'not on the shareback day after it starts'],
    ];
    for (const [kept, rule] of rules) if (!kept) broken.push(`${b.week}.${b.index} ${b.start}–${b.end} is not ${rule}`);
  }
  return broken;
}

describe('planPracticeBlocks properties', () => {
  it('keeps blocks apart from busy time and each other, inside working hours, after now, and meets the target wherever there is room', () => {
    fc.assert(fc.property(arbitraryInput, (input) => {
      const result = planPracticeBlocks(input);
      if (isDomainError(result)) throw new Error(result.message);
      const oracle = oracleFor(input);
      const broken = brokenRules(input, result, oracle, result.blocks);
      if (result.weeks.length !== Math.ceil(oracle.days.length / 7)) broken.push(`${result.weeks.length} weeks`);
      for (const week of result.weeks) {
        const minutes = result.blocks.filter((b) => b.week === week.week).reduce((sum, b) => sum + (Date.parse(b.end) - Date.parse(b.start)) / MINUTE, 0);
        if (week.plannedMinutes !== minutes) broken.push(`week ${week.week} counts ${week.plannedMinutes} min, its blocks ${minutes}`);
        if ((week.shortfall === null) !== (week.plannedMinutes >= week.targetMinutes)) broken.push(`week ${week.week}: shortfall ${week.shortfall}`);
        const fullWeek = oracle.days.filter((d) => d.week === week.week).length === 7;
        if (fullWeek && week.targetMinutes !== input.hoursPerWeek * 60) broken.push(`week ${week.week} aims at ${week.targetMinutes} min`);
        const room = roomInWeek(oracle, week.week, input.blockMinutes);
        if (week.shortfall !== null && room >= Math.ceil(week.targetMinutes / input.blockMinutes)) {
          broken.push(`week ${week.week} fell short (${week.shortfall}) with room for ${room} blocks`);
        }
      }
      expect(broken).toEqual([]);
    }), { numRuns: 120 });
  });

  it('is deterministic: the same calendar in any order gives the same plan', () => {
    fc.assert(fc.property(arbitraryInput, fc.integer(), (input, seed) => {
      const shuffled = [...input.busy].map((b, i) => ({ b, k: (i * 7919 + seed) % 104729 })).sort((x, y) => x.k - y.k).map((x) => x.b);
      expect(planPracticeBlocks({ ...input, busy: shuffled })).toEqual(planPracticeBlocks(input));
    }), { numRuns: 40 });
  });

  it('re-plans around kept blocks and re-plans a lost block within its week without breaking any rule', () => {
    fc.assert(fc.property(arbitraryInput, fc.nat(), fc.integer({ min: 0, max: 14 * 1440 }), (input, pick, laterMinutes) => {
      const first = unwrap(planPracticeBlocks(input));
      const now = new Date(Date.parse(input.now) + laterMinutes * MINUTE).toISOString();
      // Keep every block that has started by the later `now`, and every other block but one.
      const lost = first.blocks[pick % Math.max(1, first.blocks.length)];
      const keep = first.blocks.filter((b) => b !== lost);
      const again = { ...input, now, keep };
      const replanned = unwrap(planPracticeBlocks(again));
      const oracle = oracleFor(again);
      const broken = brokenRules(again, replanned, oracle, replanned.blocks.filter((b) => !keep.includes(b)));
      if (replanned.blocks.filter((b) => keep.includes(b)).length !== keep.length) broken.push('a kept block changed or went missing');
      const moved = lost === undefined ? null : replanBlock(again, lost);
      if (lost !== undefined && moved !== null) {
        if (moved.week !== lost.week) broken.push(`moved to week ${moved.week}`);
        if (moved.index <= Math.max(lost.index, ...keep.filter((b) => b.week === lost.week).map((b) => b.index))) broken.push(`reused index ${moved.index}`);
        if (Date.parse(moved.start) < Date.parse(lost.end) && Date.parse(lost.start) < Date.parse(moved.end)) broken.push('moved into the lost slot');
        broken.push(...brokenRules(again, { ...replanned, blocks: [...keep, moved] }, oracle, [moved]));
      }
      expect(broken).toEqual([]);
    }), { numRuns: 40 });
  });
});
