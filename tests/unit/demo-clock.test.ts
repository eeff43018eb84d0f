import { offsetClock, type Clock } from '../../src/ports/clock';

describe('offsetClock (the demo clock)', () => {
  let real = Date.parse('2026-03-02T09:00:00Z');
  const base: Clock = { now: () => new Date(real) };
  beforeEach(() => { real = Date.parse('2026-03-02T09:00:00Z'); });

  it('reads the base clock until it is moved, then keeps the lead as real time passes', () => {
    const clock = offsetClock(base);
    expect(clock.now().toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(clock.moveBy(86_400_000)).toBe(true);
    expect(clock.now().toISOString()).toBe('2026-03-03T09:00:00.000Z');
    real += 60_000;
    expect(clock.now().toISOString()).toBe('2026-03-03T09:01:00.000Z');
    expect(clock.offsetInMs()).toBe(86_400_000);
  });

  it('moves to a later time, and refuses now or earlier without changing', () => {
    const clock = offsetClock(base, 3_600_000);
    expect(clock.moveTo(new Date('2026-03-02T09:30:00Z'))).toBe(false);
    expect(clock.moveTo(new Date('2026-03-02T10:00:00Z'))).toBe(false);
    expect(clock.moveBy(0)).toBe(false);
    expect(clock.moveBy(-1)).toBe(false);
    expect(clock.offsetInMs()).toBe(3_600_000);
    expect(clock.moveTo(new Date('2026-03-04T15:00:00Z'))).toBe(true);
    expect(clock.now().toISOString()).toBe('2026-03-04T15:00:00.000Z');
  });

  it('never starts behind the base clock', () => {
    expect(offsetClock(base, -5_000).offsetInMs()).toBe(0);
  });
});
