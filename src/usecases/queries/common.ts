import type { UserId } from '../../domain/ids';
import { practiceHoursByWeek, type WeekHours } from '../../domain/practiceHours';
import type { Round } from '../../domain/round';
import type { Booking } from '../../ports/bookingRepo';
import type { DirectoryPerson } from '../../ports/directory';
import type { RoundOutline } from '../../contracts/common';
import type { UseCasePorts } from '../ports';

/** How many people a drill-down names at once (the funnel's pages, an owner's problem lists). */
export const DRILL_DOWN_PAGE = 50;

/** A round as every screen heads it: dates, hours, the shareback and the policy version in force. */
export function roundOutline(round: Round): RoundOutline {
  const policy = round.policy.versions.at(-1) ?? null;
  return {
    id: round.id, name: round.name, status: round.status, window: round.window, hoursPerWeek: round.hoursPerWeek,
    shareback: round.shareback, policyVersion: policy?.version ?? null, policyPublishedAt: policy?.publishedAt ?? null,
  };
}

/** Planned, kept and upcoming practice minutes of one booking (none: all zero), in total and per week. */
export function hoursOf(booking: Booking | null | undefined, now: string): { plannedMinutes: number; keptMinutes: number; upcomingMinutes: number; weeks: WeekHours[] } {
  const weeks = booking ? practiceHoursByWeek(booking.blocks, now) : [];
  return {
    plannedMinutes: weeks.reduce((sum, w) => sum + w.plannedMinutes, 0),
    keptMinutes: weeks.reduce((sum, w) => sum + w.keptMinutes, 0),
    upcomingMinutes: weeks.reduce((sum, w) => sum + w.upcomingMinutes, 0),
    weeks,
  };
}

export async function namesOf(ports: Pick<UseCasePorts, 'directory'>, ids: readonly UserId[]): Promise<Map<UserId, DirectoryPerson | null>> {
  // Names decorate the owner's problem lists: a person the directory cannot answer for right now is shown by id
  // rather than failing the whole screen (the problem itself may be that their mailbox refuses).
  const found = await Promise.all(ids.map(async (id) => [id, await ports.directory.getPerson(id).catch(() => null)] as const));
  return new Map(found);
}
