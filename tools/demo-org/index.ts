import { IANAZone } from 'luxon';
import { z } from 'zod';
import organisationJson from './organisation.json';

// The demo organisation seeds the Graph sandbox (users, managers, working hours, existing meetings)
// and the dev "signed in as" picker. It is plain data: edit organisation.json, this file checks it.

export const DAYS_OF_WEEK = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export const ROLES = ['sales', 'marketing', 'engineering', 'product-operations', 'new-hire'] as const;
/** Graph's freeBusyStatus values a seeded meeting may carry (unknown is Graph's, never seeded). */
export const SHOW_AS = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere'] as const;

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time as HH:mm');
const ianaZone = z.string().refine((zone) => IANAZone.isValidZone(zone), 'an IANA time zone such as Europe/London');
const dayOfWeek = z.enum(DAYS_OF_WEEK);

const workingHoursSchema = z
  .object({ daysOfWeek: z.array(dayOfWeek).min(1), startTime: localTime, endTime: localTime })
  .strict()
  .refine((hours) => hours.startTime < hours.endTime, 'working hours must end after they start (same day)');

const teamSchema = z.object({ id: z.string().min(1), displayName: z.string().min(1), department: z.string().min(1) }).strict();

const personSchema = z
  .object({
    id: z.string().uuid(),
    displayName: z.string().min(1),
    givenName: z.string().min(1),
    surname: z.string().min(1),
    userPrincipalName: z.string().email(),
    mail: z.string().email(),
    jobTitle: z.string().min(1),
    department: z.string().min(1),
    team: z.string().min(1),
    role: z.enum(ROLES),
    timeZone: ianaZone,
    /** What Graph's mailboxSettings returns, e.g. "GMT Standard Time" for Europe/London. */
    windowsTimeZone: z.string().min(1),
    officeLocation: z.string().min(1).optional(),
    workingHours: workingHoursSchema,
    managerId: z.string().uuid().nullable(),
    programmeOwner: z.boolean(),
    admin: z.boolean(),
  })
  .strict();

/** A weekly meeting, in the organiser's own time zone (so 09:30 stays 09:30 local across DST). */
const meetingPatternSchema = z
  .object({
    id: z.string().min(1),
    subject: z.string().min(1),
    organiser: z.string().email(),
    attendees: z.array(z.string().email()),
    daysOfWeek: z.array(dayOfWeek).min(1),
    startTime: localTime,
    durationMinutes: z.number().int().positive().max(24 * 60),
    showAs: z.enum(SHOW_AS),
    isOnlineMeeting: z.boolean().default(false),
    /** 2 = fortnightly, on ISO weeks whose number is a multiple of 2. */
    everyWeeks: z.number().int().min(1).max(4).default(1),
  })
  .strict();

const organisationSchema = z
  .object({
    $comment: z.string().optional(),
    tenantId: z.string().uuid(),
    displayName: z.string().min(1),
    domain: z.string().min(1),
    teams: z.array(teamSchema).min(1),
    people: z.array(personSchema).min(1),
    meetings: z.array(meetingPatternSchema),
  })
  .strict()
  .superRefine((org, ctx) => {
    // Referential checks here so a hand-edited or generated organisation fails at load, naming the culprit.
    const ids = new Set(org.people.map((p) => p.id));
    const upns = new Set(org.people.map((p) => p.userPrincipalName.toLowerCase()));
    const teams = new Set(org.teams.map((t) => t.id));
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
    if (ids.size !== org.people.length) issue(['people'], 'person ids must be unique');
    if (upns.size !== org.people.length) issue(['people'], 'userPrincipalNames must be unique');
    org.people.forEach((person, i) => {
      if (person.managerId !== null && !ids.has(person.managerId)) issue(['people', i, 'managerId'], `no person has id ${person.managerId}`);
      if (person.managerId === person.id) issue(['people', i, 'managerId'], 'a person cannot manage themselves');
      if (!teams.has(person.team)) issue(['people', i, 'team'], `unknown team "${person.team}"`);
    });
    org.meetings.forEach((meeting, i) => {
      for (const address of [meeting.organiser, ...meeting.attendees]) {
        if (!upns.has(address.toLowerCase())) issue(['meetings', i], `${address} is not a person in the organisation`);
      }
    });
  });

export type DayOfWeek = z.infer<typeof dayOfWeek>;
export type DemoRole = (typeof ROLES)[number];
export type DemoTeam = z.infer<typeof teamSchema>;
export type DemoPerson = z.infer<typeof personSchema>;
export type DemoMeetingPattern = z.infer<typeof meetingPatternSchema>;
export type DemoOrganisation = z.infer<typeof organisationSchema>;

/** Validates any organisation-shaped value (e.g. a generated one for a benchmark); throws a ZodError naming the field. */
export function parseDemoOrganisation(value: unknown): DemoOrganisation {
  return organisationSchema.parse(value);
}

/** The checked-in demo organisation (organisation.json), validated. Returns a fresh copy each call. */
export function loadDemoOrganisation(): DemoOrganisation {
  return parseDemoOrganisation(structuredClone(organisationJson));
}

/** The teams of the checked-in demo organisation. */
export function listDemoTeams(): DemoTeam[] {
  return loadDemoOrganisation().teams;
}
