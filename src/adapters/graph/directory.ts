import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import { nextPagePath } from './paging';
import { describeItemError, sendInBatches } from './batch';
import { ianaZoneOf } from './zones';
import { z } from 'zod';
import { parseUserId, type UserId } from '../../domain/ids';
import type { DirectoryPerson, DirectoryPort } from '../../ports/directory';

const graphUserSchema = z.object({
  id: z.string(),
  displayName: z.string().nullable().optional(),
  mail: z.string().nullable().optional(),
  userPrincipalName: z.string().nullable().optional(),
  jobTitle: z.string().nullable().optional(),
  department: z.string().nullable().optional(),
});

const userPageSchema = z.object({ value: z.array(graphUserSchema), '@odata.nextLink': z.string().optional() });

const mailboxZoneSchema = z.object({ timeZone: z.string().nullable().optional() });


const SELECT = ['id', 'displayName', 'mail', 'userPrincipalName', 'jobTitle', 'department'];

function toPerson(user: z.infer<typeof graphUserSchema>): DirectoryPerson | null {
  const id = parseUserId(user.id);
  if (!id) return null; // not an Entra object id (e.g. a contact); never a participant
  return {
    id,
    displayName: user.displayName ?? user.userPrincipalName ?? user.id,
    mail: user.mail ?? user.userPrincipalName ?? null,
    jobTitle: user.jobTitle ?? null,
    department: user.department ?? null,
  };
}

export function createGraphDirectory(client: Client): DirectoryPort {
  return {
    async getPerson(userId, options) {
      try {
        const response: unknown = await client.api(`/users/${encodeURIComponent(userId)}`).select(SELECT).option('signal', options?.abortSignal).get();
        return toPerson(graphUserSchema.parse(response));
      } catch (error) {
        if (error instanceof GraphError && error.statusCode === 404) return null;
        throw new Error(`Graph could not read user ${userId}`, { cause: error });
      }
    },
    async *listPeople(options) {
      let next: string | undefined = '/users';
      let request = client.api(next).select(SELECT).top(100);
      for (;;) {
        const page = userPageSchema.parse(await request.option('signal', options?.abortSignal).get());
        for (const user of page.value) {
          const person = toPerson(user);
          if (person) yield person;
        }
        next = page['@odata.nextLink'];
        if (!next) return;
        request = client.api(nextPagePath(next));
      }
    },
    async getManager(userId, options) {
      try {
        const response: unknown = await client.api(`/users/${encodeURIComponent(userId)}/manager`).select(SELECT).option('signal', options?.abortSignal).get();
        return toPerson(graphUserSchema.parse(response));
      } catch (error) {
        if (error instanceof GraphError && error.statusCode === 404) return null; // no manager: the top of the chain
        throw new Error(`Graph could not read the manager of ${userId}`, { cause: error });
      }
    },
    async listDirectReports(userId, options) {
      const people: DirectoryPerson[] = [];
      let request = client.api(`/users/${encodeURIComponent(userId)}/directReports`).select(SELECT).top(100);
      for (;;) {
        let response: unknown;
        try {
          response = await request.option('signal', options?.abortSignal).get();
        } catch (error) {
          // Someone not in the directory (a guest, an account removed since sign-in) has no reports.
          if (error instanceof GraphError && error.statusCode === 404 && people.length === 0) return people;
          throw error;
        }
        const page = userPageSchema.parse(response);
        for (const user of page.value) {
          const person = toPerson(user);
          if (person) people.push(person);
        }
        const next = page['@odata.nextLink'];
        if (!next) return people;
        request = client.api(nextPagePath(next));
      }
    },
    async listDirectReportsOfMany(managerIds, options) {
      const answers = await sendInBatches(client, managerIds, (id) => ({ method: 'GET', url: `/users/${encodeURIComponent(id)}/directReports?$select=${SELECT.join(',')}&$top=100` }), { abortSignal: options?.abortSignal });
      const reports = new Map<UserId, DirectoryPerson[]>();
      for (const [managerId, answer] of answers) {
        // Someone not in the directory (a guest, an account removed since sign-in) has no reports.
        if (answer.status === 404) { reports.set(managerId, []); continue; }
        if (answer.status !== 200) throw new Error(`Graph could not list the direct reports of ${managerId} (${describeItemError(answer)})`);
        const people: DirectoryPerson[] = [];
        let page = userPageSchema.parse(answer.body);
        for (;;) {
          for (const user of page.value) {
            const person = toPerson(user);
            if (person) people.push(person);
          }
          const next = page['@odata.nextLink'];
          if (!next) break;
          page = userPageSchema.parse(await client.api(nextPagePath(next)).option('signal', options?.abortSignal).get());
        }
        reports.set(managerId, people);
      }
      return reports;
    },
    async getPeople(userIds, options) {
      const answers = await sendInBatches(client, userIds, (id) => ({ method: 'GET', url: `/users/${encodeURIComponent(id)}?$select=${SELECT.join(',')}` }), { abortSignal: options?.abortSignal });
      const people = new Map<UserId, DirectoryPerson>();
      for (const [userId, answer] of answers) {
        if (answer.status === 404) continue;
        if (answer.status !== 200) throw new Error(`Graph could not read user ${userId} (${describeItemError(answer)})`);
        const person = toPerson(graphUserSchema.parse(answer.body));
        if (person) people.set(userId, person);
      }
      return people;
    },
    async getTimeZones(userIds, options) {
      const answers = await sendInBatches(client, userIds, (id) => ({ method: 'GET', url: `/users/${encodeURIComponent(id)}/mailboxSettings` }), { abortSignal: options?.abortSignal });
      const zones = new Map<UserId, string | null>();
      for (const [userId, answer] of answers) {
        const parsed = answer.status === 200 ? mailboxZoneSchema.safeParse(answer.body) : null;
        const zone = parsed?.success ? parsed.data.timeZone : null;
        zones.set(userId, zone ? ianaZoneOf(zone) : null);
      }
      return zones;
    },
    async getTimeZone(userId, options) {
      const response: unknown = await client.api(`/users/${encodeURIComponent(userId)}/mailboxSettings`).option('signal', options?.abortSignal).get();
      const zone = mailboxZoneSchema.parse(response).timeZone;
      return zone ? ianaZoneOf(zone) : null;
    },
    async probe() {
      await client.api('/users').select(['id']).top(1).get();
    },
  };
}
