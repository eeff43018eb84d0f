import type { DemoPerson } from '../../demo-org';
import { project } from '../odata/collections';
import { ok, odataContext, requireUser, type OperationHandler } from './handlerContext';

// GET /users/{id}/mailboxSettings: time zone and working hours in Windows zone names, as Graph returns them.

const LOCALES: Record<string, { locale: string; displayName: string; dateFormat: string; timeFormat: string }> = {
  'Europe/London': { locale: 'en-GB', displayName: 'English (United Kingdom)', dateFormat: 'dd/MM/yyyy', timeFormat: 'HH:mm' },
  'America/New_York': { locale: 'en-US', displayName: 'English (United States)', dateFormat: 'M/d/yyyy', timeFormat: 'h:mm tt' },
  'Asia/Kolkata': { locale: 'en-IN', displayName: 'English (India)', dateFormat: 'dd-MM-yyyy', timeFormat: 'hh:mm tt' },
};

/** 'HH:mm' from the fixture → Graph's Edm.TimeOfDay "09:00:00.0000000". */
export function timeOfDay(localTime: string): string {
  return `${localTime}:00.0000000`;
}

export function workingHoursOf(person: DemoPerson): Record<string, unknown> {
  return {
    daysOfWeek: person.workingHours.daysOfWeek,
    startTime: timeOfDay(person.workingHours.startTime),
    endTime: timeOfDay(person.workingHours.endTime),
    timeZone: { name: person.windowsTimeZone },
  };
}

export const getMailboxSettings: OperationHandler = (context) => {
  const user = requireUser(context);
  const locale = LOCALES[user.timeZone] ?? LOCALES['Europe/London'];
  const settings = {
    archiveFolder: Buffer.from(`archive:${user.id}`).toString('base64'),
    timeZone: user.windowsTimeZone,
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    dateFormat: locale?.dateFormat ?? null,
    timeFormat: locale?.timeFormat ?? null,
    userPurpose: 'user',
    automaticRepliesSetting: {
      status: 'disabled',
      externalAudience: 'all',
      internalReplyMessage: '',
      externalReplyMessage: '',
      scheduledStartDateTime: { dateTime: '2024-01-01T00:00:00.0000000', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2024-01-02T00:00:00.0000000', timeZone: 'UTC' },
    },
    language: { locale: locale?.locale ?? null, displayName: locale?.displayName ?? null },
    workingHours: workingHoursOf(user),
  };
  return ok({ '@odata.context': odataContext(context, `users('${user.id}')/mailboxSettings`), ...project(settings, context.query, {}) });
};
