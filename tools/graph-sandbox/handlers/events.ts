import { z } from 'zod';
import { GraphError, badRequest, notFound } from '../core/graphResponses';
import { answerCollection, project } from '../odata/collections';
import type { EventTiming, StoredEvent } from '../state/calendarStore';
import { parseDateTimeTimeZone } from '../time/graphDateTime';
import { collectionRequest, created, noContent, ok, odataContext, parseBody, requireUser, type HandlerContext, type OperationHandler } from './handlerContext';
import { responseZone, withHeaders } from './responseZone';

// /users/{id}/events and /events/{id}. Creates honour transactionId (a repeat returns the first event);
// PATCH merges; PATCH and DELETE honour If-Match against the event's changeKey.

const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().nullable().optional() }).passthrough();
const eventBody = z
  .object({ start: dateTimeTimeZone.nullable().optional(), end: dateTimeTimeZone.nullable().optional() })
  .passthrough();

export const EVENT_PROJECTION = { alwaysSelected: ['id', '@odata.etag'] };

export const listEvents: OperationHandler = (context) => {
  const user = requireUser(context);
  const { zone, headers } = responseZone(context);
  const events = context.state.calendars.list(user.id).map((e) => context.state.calendars.render(e, zone));
  const page = answerCollection(events, collectionRequest(context), { ...EVENT_PROJECTION, defaultPageSize: 10 });
  return withHeaders(ok({ '@odata.context': odataContext(context, `users('${user.id}')/events`), ...page }), headers);
};

export const createEvent: OperationHandler = (context) => {
  const user = requireUser(context);
  const { zone, headers } = responseZone(context);
  const body = parseBody(context, eventBody);
  if (!body.start || !body.end) throw badRequest(`An event needs both 'start' and 'end'.`, 'ErrorInvalidRequest');
  const timing = timingOf(body.start, body.end);
  const { event } = context.state.calendars.create(user, { timing, properties: body });
  return withHeaders(created(rendered(context, event, zone)), headers);
};

export const getEvent: OperationHandler = (context) => {
  const user = requireUser(context);
  const { zone, headers } = responseZone(context);
  const event = findEvent(context, user.id);
  return withHeaders(ok(project(rendered(context, event, zone), context.query, EVENT_PROJECTION)), headers);
};

export const updateEvent: OperationHandler = (context) => {
  const user = requireUser(context);
  const { zone, headers } = responseZone(context);
  const event = findEvent(context, user.id);
  checkIfMatch(context, event);
  const body = parseBody(context, eventBody);
  const start = body.start ?? undefined;
  const end = body.end ?? undefined;
  const timing = start || end ? mergeTiming(event.timing, start, end) : undefined;
  const updated = context.state.calendars.update(user, event.id, { timing, properties: body });
  return withHeaders(ok(rendered(context, updated, zone)), headers);
};

export const deleteEvent: OperationHandler = (context) => {
  const user = requireUser(context);
  const event = findEvent(context, user.id);
  checkIfMatch(context, event);
  context.state.calendars.delete(user, event.id);
  return noContent();
};

function rendered(context: HandlerContext, event: StoredEvent, zone: Parameters<HandlerContext['state']['calendars']['render']>[1]): Record<string, unknown> {
  return { '@odata.context': odataContext(context, `users('${event.mailboxId}')/events/$entity`), ...context.state.calendars.render(event, zone) };
}

function findEvent(context: HandlerContext, mailboxId: string): StoredEvent {
  const eventId = context.pathParams['event-id'] ?? '';
  const event = context.state.calendars.get(mailboxId, eventId);
  if (!event) throw notFound('The specified object was not found in the store.');
  return event;
}

type DateTimeTimeZoneInput = z.infer<typeof dateTimeTimeZone>;

function timingOf(start: DateTimeTimeZoneInput, end: DateTimeTimeZoneInput): EventTiming {
  const timing = {
    start: parseDateTimeTimeZone(start, 'start'),
    end: parseDateTimeTimeZone(end, 'end'),
    startTimeZone: start.timeZone ?? 'UTC',
    endTimeZone: end.timeZone ?? 'UTC',
  };
  if (timing.end < timing.start) throw badRequest(`The event's 'end' (${end.dateTime}) is before its 'start' (${start.dateTime}).`, 'ErrorInvalidRequest');
  return timing;
}

function mergeTiming(current: EventTiming, start?: DateTimeTimeZoneInput, end?: DateTimeTimeZoneInput): EventTiming {
  const next = {
    start: start ? parseDateTimeTimeZone(start, 'start') : current.start,
    end: end ? parseDateTimeTimeZone(end, 'end') : current.end,
    startTimeZone: start?.timeZone ?? current.startTimeZone,
    endTimeZone: end?.timeZone ?? current.endTimeZone,
  };
  if (next.end < next.start) throw badRequest(`The event's 'end' would be before its 'start'.`, 'ErrorInvalidRequest');
  return next;
}

/** If-Match: W/"<changeKey>" (as read from @odata.etag), "<changeKey>" or *. */
function checkIfMatch(context: HandlerContext, event: StoredEvent): void {
  const ifMatch = context.headers['if-match'];
  if (!ifMatch || ifMatch.trim() === '*') return;
  const given = ifMatch.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  if (given !== event.changeKey) {
    throw new GraphError(412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
  }
}
