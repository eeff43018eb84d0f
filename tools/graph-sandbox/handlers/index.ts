import type { GraphContract } from '../contract/graphContract';
import { listCalendarView } from './calendarView';
import { addChatTab, installAppInChat, listChatInstalledApps, listChatTabs } from './chats';
import { createEvent, deleteEvent, getEvent, listEvents, updateEvent } from './events';
import { getSchedule } from './getSchedule';
import type { OperationHandler } from './handlerContext';
import { getMailboxSettings } from './mailboxSettings';
import { listOnlineMeetings } from './onlineMeetings';
import { getInstalledAppChat, installAppForUser, listUserInstalledApps, sendActivityNotification } from './userTeamwork';
import { getManager, getUser, listDirectReports, listUsers } from './users';

/** One handler per operationId of the spec (all 21). */
export const HANDLERS: Readonly<Record<string, OperationHandler>> = {
  'users.user.ListUser': listUsers,
  'users.user.GetUser': getUser,
  'users.GetMailboxSettings': getMailboxSettings,
  'users.ListEvents': listEvents,
  'users.CreateEvents': createEvent,
  'users.GetEvents': getEvent,
  'users.UpdateEvents': updateEvent,
  'users.DeleteEvents': deleteEvent,
  'users.ListCalendarView': listCalendarView,
  'users.user.calendar.getSchedule': getSchedule,
  'users.GetManager': getManager,
  'users.ListDirectReports': listDirectReports,
  'users.user.teamwork.sendActivityNotification': sendActivityNotification,
  'users.ListOnlineMeetings': listOnlineMeetings,
  'users.teamwork.ListInstalledApps': listUserInstalledApps,
  'users.teamwork.CreateInstalledApps': installAppForUser,
  'users.teamwork.installedApps.GetChat': getInstalledAppChat,
  'chats.ListInstalledApps': listChatInstalledApps,
  'chats.CreateInstalledApps': installAppInChat,
  'chats.ListTabs': listChatTabs,
  'chats.CreateTabs': addChatTab,
};

/** Operations that answer from the directory (Entra ID): an unknown user is Request_ResourceNotFound there. */
export const DIRECTORY_OPERATIONS = new Set(['users.user.GetUser', 'users.GetManager', 'users.ListDirectReports']);

/** Fails loudly when the spec gained an operation without a handler, or a handler lost its operation. */
export function assertEveryOperationHasAHandler(contract: GraphContract): void {
  const inSpec = new Set(contract.operations.map((o) => o.operationId));
  const missing = [...inSpec].filter((id) => !HANDLERS[id]);
  const stale = Object.keys(HANDLERS).filter((id) => !inSpec.has(id));
  if (missing.length || stale.length) {
    throw new Error(`Graph sandbox handlers do not match the spec: missing ${missing.join(', ') || 'none'}; not in spec ${stale.join(', ') || 'none'}`);
  }
}
