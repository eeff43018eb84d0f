import { workingSpans } from '../../src/domain/availability';
import { calendarDate, dayClock, minutesOfDay } from '../../src/domain/wallClock';
import { IANAZone } from 'luxon';

// Working hours become instants one way, for the planner and for the common free-time search alike.

const iso = (spans: { start: number; end: number }[]) => spans.map((s) => [new Date(s.start).toISOString(), new Date(s.end).toISOString()]);
const at = (text: string) => Date.parse(text);

describe('working hours on the day the clocks change', () => {
  it('reads a skipped time as the end of the skip, in the free-time search as in the planner', () => {
    // London, Sunday 29 March 2026: 01:00–02:00 does not exist; "01:30–03:00" runs 02:00–03:00 BST (01:00Z–02:00Z).
    const hours = { daysOfWeek: ['sunday'] as const, startTime: '01:30', endTime: '03:00', timeZone: 'Europe/London' };
    const spans = workingSpans({ ...hours, daysOfWeek: [...hours.daysOfWeek] }, { start: at('2026-03-29T00:00:00Z'), end: at('2026-03-29T12:00:00Z') });
    expect(iso(spans)).toEqual([['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z']]);
    const zone = IANAZone.create('Europe/London');
    const clock = dayClock(calendarDate(at('2026-03-29T12:00:00Z'), zone), zone);
    expect([clock(minutesOfDay('01:30', false)!), clock(minutesOfDay('03:00', false)!)].map((ms) => new Date(ms).toISOString())).toEqual(iso(spans)[0]);
  });

  it('reads a repeated time as its first pass, and Graph\'s "17:30:00.0000000" and "24:00" as the planner does', () => {
    // London, Sunday 25 October 2026: 01:00–02:00 happens twice; 01:30 is first read in BST (00:30Z).
    const spans = workingSpans({ daysOfWeek: ['sunday'], startTime: '01:30:00.0000000', endTime: '24:00', timeZone: 'Europe/London' }, { start: at('2026-10-25T00:00:00Z'), end: at('2026-10-25T23:00:00Z') });
    expect(iso(spans)).toEqual([['2026-10-25T00:30:00.000Z', '2026-10-26T00:00:00.000Z']]);
  });
});
