import { z } from 'zod';
import { notFound } from '../core/graphResponses';
import { answerCollection, project } from '../odata/collections';
import { collectionRequest, created, noContent, ok, odataContext, parseBody, requireUser, type OperationHandler } from './handlerContext';
import { chatResource, installationResource, INSTALLATION_EXPANDABLE, teamsAppIdFromBind } from './teamsApps';

// /users/{id}/teamwork/…: install the app for a person (so the bot can reach them), find the personal
// chat's id, and send activity-feed notifications (recorded for tests, shown on /_sandbox).

export const listUserInstalledApps: OperationHandler = (context) => {
  const user = requireUser(context);
  const installations = context.state.teams.listUserInstallations(user.id).map(installationResource);
  return ok({
    '@odata.context': odataContext(context, `users('${user.id}')/teamwork/installedApps`),
    ...answerCollection(installations, collectionRequest(context), { expandable: INSTALLATION_EXPANDABLE, defaultPageSize: 100 }),
  });
};

/** Graph answers 201 with no body; the installation id is found by listing (e.g. $filter=teamsApp/id eq '…'). */
export const installAppForUser: OperationHandler = (context) => {
  const user = requireUser(context);
  context.state.teams.installForUser(user, teamsAppIdFromBind(context.body));
  return created();
};

export const getInstalledAppChat: OperationHandler = (context) => {
  const user = requireUser(context);
  const installationId = context.pathParams['userScopeTeamsAppInstallation-id'] ?? '';
  const installation = context.state.teams.getUserInstallation(user.id, installationId);
  if (!installation) throw notFound(`No app installation ${installationId} for user ${user.id}.`, 'NotFound');
  const chat = context.state.teams.personalChat(user, installation);
  return ok({ '@odata.context': odataContext(context, 'chats/$entity'), ...project(chatResource(chat, context.state.directory.organisation), context.query, {}) });
};

const activityNotification = z
  .object({ topic: z.object({}).passthrough(), activityType: z.string(), previewText: z.object({}).passthrough() })
  .passthrough();

export const sendActivityNotification: OperationHandler = (context) => {
  const user = requireUser(context);
  context.state.teams.recordNotification(user.id, parseBody(context, activityNotification));
  return noContent();
};
