import type { DemoPerson } from '../../demo-org';
import { notFound } from '../core/graphResponses';
import { answerCollection, project } from '../odata/collections';
import { keysOfLookupFilter } from '../odata/filter';
import type { Directory } from '../state/directory';
import { collectionRequest, ok, odataContext, requireUser, type HandlerContext, type OperationHandler } from './handlerContext';

// /users, /users/{id}, /manager, /directReports. $filter is evaluated (e.g. department eq 'Sales'),
// never ignored: see odata/filter.ts for what it understands.

/** What Graph returns for a user when there is no $select (department etc. need $select). */
const DEFAULT_USER_PROPERTIES = [
  'id', 'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName',
];

const LANGUAGE_BY_ZONE: Record<string, string> = { 'Europe/London': 'en-GB', 'America/New_York': 'en-US', 'Asia/Kolkata': 'en-IN' };

/** Every property the sandbox knows for a person; `manager` is there for $filter/$expand only. */
export function userResource(person: DemoPerson, directory: Directory, withManager = true): Record<string, unknown> {
  const manager = person.managerId ? directory.findUser(person.managerId) : undefined;
  return {
    id: person.id,
    businessPhones: [],
    displayName: person.displayName,
    givenName: person.givenName,
    jobTitle: person.jobTitle,
    mail: person.mail,
    mobilePhone: null,
    officeLocation: person.officeLocation ?? null,
    preferredLanguage: LANGUAGE_BY_ZONE[person.timeZone] ?? 'en-GB',
    surname: person.surname,
    userPrincipalName: person.userPrincipalName,
    department: person.department,
    companyName: directory.organisation.displayName,
    accountEnabled: true,
    userType: 'Member',
    mailNickname: person.userPrincipalName.split('@')[0],
    usageLocation: LANGUAGE_BY_ZONE[person.timeZone]?.slice(3) ?? null,
    ...(withManager ? { manager: manager ? directoryObject(manager, directory) : null } : {}),
  };
}

function directoryObject(person: DemoPerson, directory: Directory): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.user', ...userResource(person, directory, false) };
}

const USER_PROJECTION = { defaultProperties: DEFAULT_USER_PROPERTIES, expandable: ['manager'] };

/** Each person's place in the directory, so users found through the index come back in the directory's order. */
const positions = new WeakMap<Directory, Map<string, number>>();
function positionOf(directory: Directory, person: DemoPerson): number {
  let byId = positions.get(directory);
  if (!byId) positions.set(directory, (byId = new Map(directory.people.map((p, i) => [p.id, i]))));
  return byId.get(person.id) ?? 0;
}

export const listUsers: OperationHandler = (context) => {
  const { directory } = context.state;
  // `id in (…)` (how an app resolves the people it was handed) is answered from the directory's index: only
  // the named users are built, not the whole directory. The same filter still runs over them.
  const filter = context.query.$filter;
  const ids = typeof filter === 'string' ? keysOfLookupFilter(filter, 'id') : null;
  const people = ids
    ? [...new Set(ids.map((id) => directory.findUser(id)).filter((p): p is DemoPerson => p !== undefined))].sort((a, b) => positionOf(directory, a) - positionOf(directory, b))
    : directory.people;
  const users = people.map((person) => userResource(person, directory));
  return ok({ '@odata.context': odataContext(context, 'users'), ...answerCollection(users, collectionRequest(context), { ...USER_PROJECTION, defaultPageSize: 100 }) });
};

export const getUser: OperationHandler = (context) => {
  const user = requireUser(context);
  return ok({ '@odata.context': odataContext(context, 'users/$entity'), ...project(userResource(user, context.state.directory), context.query, USER_PROJECTION) });
};

export const getManager: OperationHandler = (context) => {
  const user = requireUser(context);
  const manager = user.managerId ? context.state.directory.findUser(user.managerId) : undefined;
  if (!manager) throw notFound(`Resource 'manager' does not exist or one of its queried reference-property objects are not present.`, 'Request_ResourceNotFound');
  return ok({ '@odata.context': odataContext(context, 'directoryObjects/$entity'), ...project(directoryObject(manager, context.state.directory), context.query, { defaultProperties: DEFAULT_USER_PROPERTIES }) });
};

export const listDirectReports: OperationHandler = (context: HandlerContext) => {
  const user = requireUser(context);
  const { directory } = context.state;
  const reports = directory.directReportsOf(user.id).map((person) => directoryObject(person, directory));
  return ok({
    '@odata.context': odataContext(context, 'directoryObjects'),
    ...answerCollection(reports, collectionRequest(context), { defaultProperties: DEFAULT_USER_PROPERTIES, defaultPageSize: 100 }),
  });
};
