import { DateTime, IANAZone } from 'luxon';
import { loadDemoOrganisation, parseDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { toIanaZone } from '../../tools/graph-sandbox/time/windowsZones';

const organisation = loadDemoOrganisation();
const byId = new Map(organisation.people.map((person) => [person.id, person]));

function managementChain(person: DemoPerson): string[] {
  const chain: string[] = [];
  let current: DemoPerson | undefined = person;
  while (current?.managerId) {
    if (chain.includes(current.managerId)) throw new Error(`cycle through ${current.managerId}`);
    chain.push(current.managerId);
    current = byId.get(current.managerId);
  }
  return chain;
}

describe('demo organisation', () => {
  it('has at least 14 people in at least 3 teams', () => {
    expect(organisation.people.length).toBeGreaterThanOrEqual(14);
    const teamsWithPeople = new Set(organisation.people.map((p) => p.team));
    expect(teamsWithPeople.size).toBeGreaterThanOrEqual(3);
    for (const team of teamsWithPeople) expect(organisation.teams.map((t) => t.id)).toContain(team);
  });

  it('spans London, New York and Kolkata, whose DST rules differ', () => {
    const zones = new Set(organisation.people.map((p) => p.timeZone));
    expect(zones.size).toBeGreaterThanOrEqual(3);
    expect([...zones]).toEqual(expect.arrayContaining(['Europe/London', 'America/New_York', 'Asia/Kolkata']));
    // London and New York change clocks on different dates; Kolkata never does.
    const offsetsOn = (iso: string) => ['Europe/London', 'America/New_York', 'Asia/Kolkata'].map((zone) => DateTime.fromISO(iso, { zone }).offset);
    expect(offsetsOn('2025-03-20T12:00:00Z')).toEqual([0, -240, 330]);
    expect(offsetsOn('2025-04-01T12:00:00Z')).toEqual([60, -240, 330]);
    expect(offsetsOn('2025-01-15T12:00:00Z')).toEqual([0, -300, 330]);
  });

  it('gives every person a valid IANA zone and the Windows name Graph reports for it', () => {
    for (const person of organisation.people) {
      expect(IANAZone.isValidZone(person.timeZone)).toBe(true);
      expect({ person: person.displayName, zone: toIanaZone(person.windowsTimeZone) }).toEqual({ person: person.displayName, zone: person.timeZone });
    }
  });

  it('names only managers who exist', () => {
    for (const person of organisation.people) {
      if (person.managerId !== null) expect(byId.has(person.managerId)).toBe(true);
    }
  });

  it('has exactly one root (the CEO) and no management cycles', () => {
    const roots = organisation.people.filter((p) => p.managerId === null);
    expect(roots.map((p) => p.jobTitle)).toEqual(['Chief Executive Officer']);
    for (const person of organisation.people) {
      const chain = managementChain(person);
      if (person.managerId !== null) expect(chain[chain.length - 1]).toBe(roots[0]?.id);
    }
  });

  it('has department heads between the CEO and individual contributors', () => {
    const depth = (person: DemoPerson) => managementChain(person).length;
    expect(Math.max(...organisation.people.map(depth))).toBeGreaterThanOrEqual(2);
  });

  it('has valid working hours for everyone', () => {
    for (const person of organisation.people) {
      const { daysOfWeek, startTime, endTime } = person.workingHours;
      expect(daysOfWeek.length).toBeGreaterThan(0);
      expect(new Set(daysOfWeek).size).toBe(daysOfWeek.length);
      expect(startTime < endTime).toBe(true);
    }
  });

  it('has one or two programme owners and exactly one admin', () => {
    const owners = organisation.people.filter((p) => p.programmeOwner);
    expect(owners.length).toBeGreaterThanOrEqual(1);
    expect(owners.length).toBeLessThanOrEqual(2);
    expect(organisation.people.filter((p) => p.admin)).toHaveLength(1);
  });

  it('has unique ids and sign-in names', () => {
    expect(new Set(organisation.people.map((p) => p.id)).size).toBe(organisation.people.length);
    expect(new Set(organisation.people.map((p) => p.userPrincipalName.toLowerCase())).size).toBe(organisation.people.length);
  });

  it('only invites people who exist to its meetings', () => {
    const addresses = new Set(organisation.people.map((p) => p.userPrincipalName.toLowerCase()));
    for (const meeting of organisation.meetings) {
      for (const address of [meeting.organiser, ...meeting.attendees]) expect(addresses.has(address.toLowerCase())).toBe(true);
    }
  });

  it('has a stand-up per team, 1:1s with managers, focus blocks and an all-hands', () => {
    const subjects = organisation.meetings.map((m) => m.subject.toLowerCase());
    expect(subjects.filter((s) => s.includes('stand-up')).length).toBeGreaterThanOrEqual(3);
    expect(subjects.some((s) => s.includes('all-hands'))).toBe(true);
    expect(organisation.meetings.filter((m) => m.attendees.length === 0).length).toBeGreaterThanOrEqual(2);
    for (const person of organisation.people.filter((p) => p.managerId !== null)) {
      const manager = byId.get(person.managerId ?? '');
      const oneToOne = organisation.meetings.find((m) => m.organiser === manager?.userPrincipalName && m.attendees.length === 1 && m.attendees[0] === person.userPrincipalName);
      expect({ person: person.displayName, hasOneToOne: oneToOne !== undefined }).toEqual({ person: person.displayName, hasOneToOne: true });
    }
  });

  it('refuses an organisation whose manager does not exist, naming the field', () => {
    const broken = structuredClone(organisation);
    const first = broken.people[1];
    if (!first) throw new Error('fixture too small');
    first.managerId = '00000000-0000-4000-8000-000000000000';
    expect(() => parseDemoOrganisation(broken)).toThrow(/managerId/);
  });
});
