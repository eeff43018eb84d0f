import { z } from 'zod';
import { notFound } from '../core/graphResponses';
import { answerCollection } from '../odata/collections';
import type { ChatRecord } from '../state/teamsStore';
import { collectionRequest, created, ok, odataContext, parseBody, type HandlerContext, type OperationHandler } from './handlerContext';
import { installationResource, INSTALLATION_EXPANDABLE, teamsAppIdFromBind } from './teamsApps';

// /chats/{chat-id}/installedApps and /tabs: the app and its tab in a meeting chat (shareback).
// Chats exist once the sandbox made them: meeting chats when an online-meeting event is created,
// personal chats when an installation's chat is read.

export const listChatInstalledApps: OperationHandler = (context) => {
  const chat = requireChat(context);
  const installations = [...chat.installations.values()].map(installationResource);
  return ok({
    '@odata.context': odataContext(context, `chats('${chat.id}')/installedApps`),
    ...answerCollection(installations, collectionRequest(context), { expandable: INSTALLATION_EXPANDABLE, defaultPageSize: 100 }),
  });
};

/** Graph answers 201 with no body; installing twice is 409. */
export const installAppInChat: OperationHandler = (context) => {
  context.state.teams.installInChat(requireChat(context), teamsAppIdFromBind(context.body));
  return created();
};

export const listChatTabs: OperationHandler = (context) => {
  const chat = requireChat(context);
  const tabs = [...chat.tabs.values()].map(tabResource);
  return ok({
    '@odata.context': odataContext(context, `chats('${chat.id}')/tabs`),
    ...answerCollection(tabs, collectionRequest(context), { expandable: ['teamsApp'], defaultPageSize: 100 }),
  });
};

const newTab = z
  .object({ displayName: z.string().nullable().optional(), configuration: z.object({}).passthrough().nullable().optional() })
  .passthrough();

export const addChatTab: OperationHandler = (context) => {
  const chat = requireChat(context);
  const body = parseBody(context, newTab);
  const teamsAppId = teamsAppIdFromBind(body);
  const tab = context.state.teams.addTab(chat, teamsAppId, { displayName: body.displayName ?? null, configuration: body.configuration ?? null });
  const { teamsApp: _expandOnly, ...withoutApp } = tabResource(tab);
  return created({ '@odata.context': odataContext(context, `chats('${chat.id}')/tabs/$entity`), ...withoutApp });
};

function tabResource(tab: Record<string, unknown>): Record<string, unknown> {
  const { teamsAppId, ...properties } = tab;
  return {
    ...properties,
    webUrl: `https://teams.microsoft.com/l/entity/${String(teamsAppId)}/${String(tab.id)}`,
    teamsApp: { id: teamsAppId, externalId: teamsAppId, displayName: null, distributionMethod: 'organization' },
  };
}

function requireChat(context: HandlerContext): ChatRecord {
  const chatId = context.pathParams['chat-id'] ?? '';
  const chat = context.state.teams.getChat(chatId);
  if (!chat) throw notFound(`Chat ${chatId} was not found. The sandbox knows meeting chats (from online-meeting events) and personal app chats.`, 'NotFound');
  return chat;
}
