import type { DemoOrganisation } from '../../demo-org';
import { CalendarStore } from './calendarStore';
import { createDirectory, type Directory } from './directory';
import { seedMeetings } from './seedMeetings';
import { TeamsStore } from './teamsStore';

/** Everything the sandbox holds; `reset()` on the control replaces it with a freshly seeded one. */
export interface SandboxState {
  directory: Directory;
  calendars: CalendarStore;
  teams: TeamsStore;
}

export function createSandboxState(organisation: DemoOrganisation, now: () => Date): SandboxState {
  const directory = createDirectory(organisation);
  const teams = new TeamsStore(organisation.tenantId, now);
  const calendars = new CalendarStore(directory, teams, now);
  seedMeetings(directory, calendars, now());
  return { directory, calendars, teams };
}
