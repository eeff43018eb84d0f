import { badRequest } from '../core/graphResponses';
import { answerCollection } from '../odata/collections';
import { parseIsoInstant } from '../time/graphDateTime';
import { collectionRequest, ok, odataContext, requireUser, type OperationHandler } from './handlerContext';
import { EVENT_PROJECTION } from './events';
import { responseZone, withHeaders } from './responseZone';

// GET /users/{id}/calendarView?startDateTime=…&endDateTime=…: every event overlapping the window
// (free ones too, unlike getSchedule), earliest first, 10 a page like Graph.

export const listCalendarView: OperationHandler = (context) => {
  const user = requireUser(context);
  const { zone, headers } = responseZone(context);
  const start = parseIsoInstant(String(context.query.startDateTime), 'startDateTime');
  const end = parseIsoInstant(String(context.query.endDateTime), 'endDateTime');
  if (end <= start) throw badRequest(`'endDateTime' must be after 'startDateTime'.`, 'ErrorInvalidParameter');
  const { calendars } = context.state;
  const events = calendars
    .overlapping(user.id, start, end)
    .sort((a, b) => a.timing.start.toMillis() - b.timing.start.toMillis())
    .map((event) => calendars.render(event, zone));
  const page = answerCollection(events, collectionRequest(context), { ...EVENT_PROJECTION, defaultPageSize: 10 });
  return withHeaders(ok({ '@odata.context': odataContext(context, `users('${user.id}')/calendarView`), ...page }), headers);
};
