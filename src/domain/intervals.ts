/**
 * Availability as pure interval algebra (after cal.com): working ranges → subtract busy → slots.
 * A span is half-open, [start, end), in epoch milliseconds, so 09:00–10:00 and 10:00–11:00 touch but do
 * not overlap. Zones never reach this file: availability.ts converts local working hours to instants first.
 * Every function returns new arrays and leaves its inputs as they were (no in-place sorts).
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export const MINUTE_IN_MS = 60_000;

const byStartThenEnd = (a: Span, b: Span): number => a.start - b.start || a.end - b.end;

/** Sorted, merged, non-empty: busy 10:00–11:00, 09:00–10:30, 10:30–10:30 → 09:00–11:00. */
export function normalize(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((span) => span.end > span.start).sort(byStartThenEnd);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start <= last.end) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, span.end) };
    } else {
      merged.push({ start: span.start, end: span.end });
    }
  }
  return merged;
}

/** `from` minus `remove`: 09:00–17:00 minus 10:00–11:00 and 16:30–18:00 → 09:00–10:00, 11:00–16:30. */
export function subtract(from: readonly Span[], remove: readonly Span[]): Span[] {
  const holes = normalize(remove);
  const result: Span[] = [];
  let first = 0; // holes before this index end before the current span starts (both lists are sorted)
  for (const span of normalize(from)) {
    let cursor = span.start;
    while (first < holes.length && holes[first]!.end <= span.start) first += 1;
    for (let i = first; i < holes.length; i += 1) {
      const hole = holes[i]!;
      if (hole.start >= span.end) break;
      if (hole.start > cursor) result.push({ start: cursor, end: hole.start });
      cursor = Math.max(cursor, hole.end);
      if (cursor >= span.end) break;
    }
    if (cursor < span.end) result.push({ start: cursor, end: span.end });
  }
  return result;
}

/** The time in both: working 09:00–17:00 and 12:00–20:00 elsewhere → 12:00–17:00. */
export function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  return subtract(a, subtract(a, b));
}

/** The parts of `spans` inside `window`. */
export function clip(spans: readonly Span[], window: Span): Span[] {
  return normalize(spans.map((span) => ({ start: Math.max(span.start, window.start), end: Math.min(span.end, window.end) })));
}

/** The first multiple of `stepInMs` (counted from the epoch) at or after `at`. */
export function ceilToStep(at: number, stepInMs: number): number {
  return Math.ceil(at / stepInMs) * stepInMs;
}

/** Every start on the `stepInMs` grid where `lengthInMs` fits inside `span`, earliest first: 09:05–10:30, 60 min, 15-min grid → 09:15, 09:30. */
export function* gridStarts(span: Span, lengthInMs: number, stepInMs: number): Generator<number> {
  for (let start = ceilToStep(span.start, stepInMs); start + lengthInMs <= span.end; start += stepInMs) yield start;
}

/**
 * How many non-overlapping blocks of `lengthInMs`, each starting on the `stepInMs` grid, fit in `spans`.
 * Packing from the left is optimal inside one span: free 09:05–12:00, 60-min blocks on a 15-min grid →
 * 09:15 and 10:15 (two; 11:15 would end at 12:15).
 */
export function countSlots(spans: readonly Span[], lengthInMs: number, stepInMs: number): number {
  let count = 0;
  for (const span of spans) {
    const room = span.end - ceilToStep(span.start, stepInMs);
    if (room >= lengthInMs) count += Math.floor(room / lengthInMs);
  }
  return count;
}
