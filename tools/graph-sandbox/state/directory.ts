import type { DemoOrganisation, DemoPerson } from '../../demo-org';

// The directory (Entra ID) side of the sandbox: who exists, by object id or userPrincipalName.

export interface Directory {
  organisation: DemoOrganisation;
  people: readonly DemoPerson[];
  /** `{user-id}` as Graph accepts it: object id or userPrincipalName, case-insensitive (already URL-decoded). */
  findUser(idOrUserPrincipalName: string): DemoPerson | undefined;
  /** An SMTP address (mail or userPrincipalName), case-insensitive. */
  findByEmail(address: string): DemoPerson | undefined;
  directReportsOf(personId: string): DemoPerson[];
}

export function createDirectory(organisation: DemoOrganisation): Directory {
  const byKey = new Map<string, DemoPerson>();
  const byEmail = new Map<string, DemoPerson>();
  const reports = new Map<string, DemoPerson[]>();
  for (const person of organisation.people) {
    byKey.set(person.id.toLowerCase(), person);
    byKey.set(person.userPrincipalName.toLowerCase(), person);
    byEmail.set(person.userPrincipalName.toLowerCase(), person);
    byEmail.set(person.mail.toLowerCase(), person);
    if (person.managerId) reports.set(person.managerId, [...(reports.get(person.managerId) ?? []), person]);
  }
  return {
    organisation,
    people: organisation.people,
    findUser: (key) => byKey.get(key.trim().toLowerCase()),
    findByEmail: (address) => byEmail.get(address.trim().toLowerCase()),
    directReportsOf: (personId) => reports.get(personId) ?? [],
  };
}
