import { badRequest } from '../core/graphResponses';
import { answerCollection } from '../odata/collections';
import type { OnlineMeetingRecord } from '../state/teamsStore';
import { formatInstant } from '../time/graphDateTime';
import { collectionRequest, ok, odataContext, requireUser, type OperationHandler } from './handlerContext';

// GET /users/{id}/onlineMeetings?$filter=JoinWebUrl eq '…': Graph only lists meetings by a filter on
// the join link (or the join meeting id); an unfiltered list is refused, as Graph refuses it.

export const listOnlineMeetings: OperationHandler = (context) => {
  const user = requireUser(context);
  if (typeof context.query.$filter !== 'string') {
    throw badRequest(`Listing online meetings needs $filter, e.g. $filter=JoinWebUrl eq '<join link>'.`);
  }
  const { organisation } = context.state.directory;
  const meetings = context.state.teams.onlineMeetingsOf(user.id).map((meeting) => meetingResource(meeting, organisation.tenantId));
  return ok({
    '@odata.context': odataContext(context, `users('${user.id}')/onlineMeetings`),
    ...answerCollection(meetings, collectionRequest(context), { defaultPageSize: 100 }),
  });
};

function meetingResource(meeting: OnlineMeetingRecord, tenantId: string): Record<string, unknown> {
  const participant = (person: OnlineMeetingRecord['attendees'][number], role: string) => ({
    upn: person.userPrincipalName,
    role,
    identity: { user: { id: person.id, displayName: person.displayName, tenantId } },
  });
  return {
    id: meeting.id,
    creationDateTime: meeting.creationDateTime,
    startDateTime: formatInstant(meeting.start),
    endDateTime: formatInstant(meeting.end),
    joinWebUrl: meeting.joinWebUrl,
    subject: meeting.subject,
    isEntryExitAnnounced: true,
    allowedPresenters: 'everyone',
    allowMeetingChat: 'enabled',
    chatInfo: { threadId: meeting.threadId, messageId: '0', replyChainMessageId: null },
    joinMeetingIdSettings: { joinMeetingId: meeting.joinMeetingId, isPasscodeRequired: false, passcode: null },
    participants: {
      organizer: participant(meeting.organiser, 'presenter'),
      attendees: meeting.attendees.filter((p) => p.id !== meeting.organiser.id).map((p) => participant(p, 'attendee')),
    },
  };
}
