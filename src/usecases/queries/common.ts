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

/** How long a looked-up name is reused: names decorate lists, and a renamed person shows the old name for a few minutes at most. */
export const NAME_REUSE_IN_MS = 5 * 60_000;
const REMEMBERED_NAMES = 10_000;

/**
 * Names already looked up, per directory (one directory per wired service), so an owner who reloads the overview
 * does not send up to 50 directory look-ups each time. Only definite answers are kept (found, or no such person).
 */
const rememberedNames = new WeakMap<object, Map<UserId, { readonly person: DirectoryPerson | null; readonly until: number }>>();

export async function namesOf(ports: Pick<UseCasePorts, 'directory' | 'clock'>, ids: readonly UserId[]): Promise<Map<UserId, DirectoryPerson | null>> {
  let remembered = rememberedNames.get(ports.directory);
  if (!remembered) {
    remembered = new Map();
    rememberedNames.set(ports.directory, remembered);
  }
  const now = ports.clock.now().getTime();
  const found = await Promise.all(ids.map(async (id) => {
    const known = remembered.get(id);
    if (known && known.until > now) return [id, known.person] as const;
    // Names decorate the owner's problem lists: a person the directory cannot answer for right now is shown by id
    // rather than failing the whole screen (the problem itself may be that their mailbox refuses).
    try {
      const person = await ports.directory.getPerson(id);
      remembered.delete(id);
      remembered.set(id, { person, until: now + NAME_REUSE_IN_MS });
      if (remembered.size > REMEMBERED_NAMES) remembered.delete(remembered.keys().next().value!);
      return [id, person] as const;
    } catch {
      return [id, null] as const; // not remembered: the next view asks again
    }
  }));
  return new Map(found);
}
