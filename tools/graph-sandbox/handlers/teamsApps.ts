import type { DemoOrganisation } from '../../demo-org';
import { badRequest } from '../core/graphResponses';
import type { AppInstallation, ChatRecord } from '../state/teamsStore';

// Shared by the user-scope and chat installedApps handlers and the tabs handler.

/** "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{id}" (or …/teamsApps('{id}')) → the app id. */
export function teamsAppIdFromBind(body: unknown): string {
  const bind = body && typeof body === 'object' ? (body as Record<string, unknown>)['teamsApp@odata.bind'] : undefined; // validated JSON object
  const id = typeof bind === 'string' ? /appCatalogs\/teamsApps(?:\/|\(')([^/?#')]+)/i.exec(bind)?.[1] : undefined;
  if (!id) {
    throw badRequest(`'teamsApp@odata.bind' must name an app in the catalog, e.g. "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{teams-app-id}".`);
  }
  return decodeURIComponent(id);
}

/** An installation with its navigation properties filled in, for $filter=teamsApp/id eq '…' and $expand. */
export function installationResource(installation: AppInstallation): Record<string, unknown> {
  return {
    id: installation.id,
    consentedPermissionSet: null,
    // The sandbox has no app catalog: the catalog id doubles as the manifest id (externalId).
    teamsApp: { id: installation.teamsAppId, externalId: installation.teamsAppId, displayName: null, distributionMethod: 'organization' },
    teamsAppDefinition: {
      id: Buffer.from(`${installation.teamsAppId}##1.0.0`).toString('base64'),
      teamsAppId: installation.teamsAppId,
      displayName: null,
      version: '1.0.0',
      publishingState: 'published',
    },
  };
}

export const INSTALLATION_EXPANDABLE = ['teamsApp', 'teamsAppDefinition'];

export function chatResource(chat: ChatRecord, organisation: DemoOrganisation): Record<string, unknown> {
  return {
    id: chat.id,
    topic: chat.topic,
    createdDateTime: chat.createdDateTime,
    lastUpdatedDateTime: chat.createdDateTime,
    chatType: chat.chatType,
    webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(chat.id)}/0?tenantId=${organisation.tenantId}`,
    tenantId: organisation.tenantId,
    isHiddenForAllMembers: false,
    onlineMeetingInfo: chat.meeting
      ? {
          calendarEventId: null,
          joinWebUrl: chat.meeting.joinWebUrl,
          organizer: { id: chat.meeting.organiser.id, displayName: chat.meeting.organiser.displayName, userIdentityType: 'aadUser', tenantId: organisation.tenantId },
        }
      : null,
    viewpoint: { isHidden: false, lastMessageReadDateTime: chat.createdDateTime },
  };
}
