import { instantOrThrow, type IsoInstant } from './time';

/**
 * The shareback's running order and the "before the meeting ends" check (step 5–6).
 * Presenters are grouped by team or by tool (groups by name, people by name inside a group), so people
 * who tried the same tool present one after another; the owner can then move anyone anywhere, and that
 * explicit order is kept (people who join later go at the end of it).
 */
export type Grouping = 'team' | 'tool';

export interface Presenter {
  readonly participantId: string;
  readonly name: string;
  readonly team: string;
  readonly tool: string;
}

export interface OrderGroup { readonly label: string; readonly participantIds: readonly string[] }

export function groupedOrder(presenters: readonly Presenter[], grouping: Grouping): OrderGroup[] {
  const groups = new Map<string, Presenter[]>();
  for (const presenter of presenters) {
    const label = (grouping === 'team' ? presenter.team : presenter.tool).trim() || (grouping === 'team' ? 'No team' : 'No tool');
    groups.set(label, [...(groups.get(label) ?? []), presenter]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, members]) => ({ label, participantIds: [...members].sort((a, b) => a.name.localeCompare(b.name) || a.participantId.localeCompare(b.participantId)).map((p) => p.participantId) }));
}

/** The order in force: the owner's saved order (minus people no longer presenting, plus newcomers at the end), else the grouped one. */
export function runningOrder(presenters: readonly Presenter[], grouping: Grouping, saved: readonly string[] | null): string[] {
  const grouped = groupedOrder(presenters, grouping).flatMap((group) => group.participantIds);
  if (!saved) return grouped;
  const present = new Set(grouped);
  const kept = saved.filter((id) => present.has(id));
  const keptSet = new Set(kept);
  return [...kept, ...grouped.filter((id) => !keptSet.has(id))];
}

/** Moves one presenter to `toIndex` (clamped); the order is otherwise unchanged. */
export function moveInOrder(order: readonly string[], participantId: string, toIndex: number): string[] {
  const from = order.indexOf(participantId);
  if (from < 0) return [...order];
  const rest = order.filter((id) => id !== participantId);
  const at = Math.max(0, Math.min(rest.length, Math.trunc(toIndex)));
  return [...rest.slice(0, at), participantId, ...rest.slice(at)];
}

/** A new order must be the same people, each once. */
export function isPermutationOf(order: readonly string[], proposed: readonly string[]): boolean {
  return order.length === proposed.length && new Set(proposed).size === proposed.length && proposed.every((id) => order.includes(id));
}

/** Next presenter after `current` (the first when nobody is presenting; null after the last). */
export function nextPresenter(order: readonly string[], current: string | null, step: 1 | -1 = 1): string | null {
  if (order.length === 0) return null;
  if (current === null || !order.includes(current)) return step === 1 ? order[0]! : null;
  return order[order.indexOf(current) + step] ?? null;
}

/* ---------- before the meeting ends ---------- */

export const CLOSING_MINUTES = 10;
export type MeetingPhase = 'before' | 'running' | 'closing' | 'ended';

/** 'closing' from 10 minutes before the end: the side panel then lists the experiments still without a decision. */
export function meetingPhase(meeting: { startsAt: IsoInstant; durationMinutes: number }, now: IsoInstant): MeetingPhase {
  const start = instantOrThrow(meeting.startsAt);
  const end = start.plus({ minutes: meeting.durationMinutes });
  const at = instantOrThrow(now);
  if (at < start) return 'before';
  if (at >= end) return 'ended';
  return at >= end.minus({ minutes: CLOSING_MINUTES }) ? 'closing' : 'running';
}

export function meetingEndsAt(meeting: { startsAt: IsoInstant; durationMinutes: number }): IsoInstant {
  return instantOrThrow(meeting.startsAt).plus({ minutes: meeting.durationMinutes }).toUTC().toISO();
}
