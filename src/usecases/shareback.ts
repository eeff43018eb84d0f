import type { UserId } from '../domain/ids';
import type { RoundId } from '../domain/roundIds';
import type { Effect } from './jobKinds';
import { PRACTICE_CATEGORY } from './booking';
import { escapeHtml } from './html';
import type { UseCasePorts } from './ports';

export const SHAREBACK_JOB_KIND = 'shareback.schedule';

export function sharebackJob(roundId: RoundId, version: number): Effect<'shareback.schedule'> {
  return { kind: SHAREBACK_JOB_KIND, id: `shareback:${roundId}:${version}`, payload: { roundId } };
}

export type SharebackOutcome = 'created' | 'updated' | 'unchanged' | 'no-round';

/**
 * The shareback is on everyone's calendar from day one (step 3): one Teams meeting in the first owner's
 * calendar with every participant, their managers and the round's other owners invited, and the app's tab added to its chat.
 * Run again whenever people join: the invite list is brought up to date, never a second meeting
 * (the create carries a deterministic transactionId).
 */
export async function scheduleShareback(roundId: RoundId, ports: UseCasePorts, settings: { tabEndpoint: string | null }): Promise<SharebackOutcome> {
  const stored = await ports.rounds.get(roundId);
  if (!stored || stored.round.status === 'draft') return 'no-round';
  const round = stored.round;
  const organiserId = round.ownerIds[0]!;
  const withdrawn = new Set((await ports.experiments.listForRound(roundId)).filter((e) => e.state === 'withdrawn').map((e) => e.participantId));
  const members = (await ports.roundMembers.list(roundId)).filter((member) => !withdrawn.has(member.userId));
  // Every owner decides in this meeting, so co-owners are invited too (only the organiser's invitees were).
  const invited = new Set<UserId>(round.ownerIds);
  for (const member of members) {
    invited.add(member.userId);
    const manager = await ports.directory.getManager(member.userId);
    if (manager) invited.add(manager.id);
  }
  invited.delete(organiserId);
  const attendees = [];
  for (const id of invited) {
    const person = await ports.directory.getPerson(id);
    if (person?.mail) attendees.push({ email: person.mail, name: person.displayName });
  }
  attendees.sort((a, b) => a.email.localeCompare(b.email));
  const emails = attendees.map((a) => a.email);
  const now = ports.clock.now().toISOString();

  const existing = await ports.sharebacks.get(roundId);
  // The meeting tab finds its round by the meeting chat (written on every run: replay-safe).
  if (existing?.chatId) await ports.sharebackSessions.linkChat(existing.chatId, roundId);
  if (existing) {
    if (existing.attendeeEmails.join('\n') === emails.join('\n') && (existing.tabAdded || !ports.teamsAppId)) return 'unchanged';
    if (existing.attendeeEmails.join('\n') !== emails.join('\n')) await ports.calendar.updateAttendees(existing.organiserId, existing.eventId, attendees);
    const tabAdded = existing.tabAdded || (await addTab(existing.chatId, roundId, ports, settings));
    await ports.sharebacks.save({ ...existing, attendeeEmails: emails, tabAdded, updatedAt: now });
    return 'updated';
  }

  const endsAt = new Date(Date.parse(round.shareback.startsAt) + round.shareback.durationMinutes * 60_000).toISOString();
  const body = [
    `<p>The shareback for <b>${escapeHtml(round.name)}</b>: each person shows what they tried, what worked, what failed and what they saved for others.</p>`,
    '<p>Before the meeting ends, every experiment gets a decision with an owner and a date. The Practice Loop tab in this meeting shows the running order and each summary.</p>',
  ].join('');
  const [created] = await ports.calendar.createEvents(organiserId, [{
    transactionId: `shareback:${roundId}`,
    subject: `Practice Loop shareback: ${round.name}`,
    bodyHtml: body,
    start: round.shareback.startsAt,
    end: endsAt,
    showAs: 'busy',
    categories: [PRACTICE_CATEGORY],
    reminderMinutesBeforeStart: 15,
    attendees,
    onlineMeeting: true,
  }]);
  if (!created) throw new Error(`the shareback meeting of ${roundId} was not created`);
  if (created.chatId) await ports.sharebackSessions.linkChat(created.chatId, roundId);
  const tabAdded = await addTab(created.chatId, roundId, ports, settings);
  await ports.sharebacks.save({ roundId, organiserId, eventId: created.eventId, joinUrl: created.joinUrl, chatId: created.chatId, attendeeEmails: emails, tabAdded, updatedAt: now });
  return 'created';
}

async function addTab(chatId: string | null, roundId: RoundId, ports: UseCasePorts, settings: { tabEndpoint: string | null }): Promise<boolean> {
  if (!chatId || !ports.teamsAppId || !settings.tabEndpoint) return false;
  // The meeting tab itself (side panel, stage, chat tab); it finds the round from the meeting's chat id.
  const contentUrl = `${settings.tabEndpoint}/tab/meeting.html`;
  await ports.calendar.addAppToMeetingChat(chatId, ports.teamsAppId, { displayName: 'Practice Loop shareback', contentUrl, websiteUrl: contentUrl, entityId: `shareback-${roundId}` });
  return true;
}

