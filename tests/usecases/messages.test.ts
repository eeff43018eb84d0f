import type { UserId } from '../../src/domain/ids';
import { DeliveryError } from '../../src/ports/chatMessenger';
import type { Job } from '../../src/ports/jobQueue';
import { messageHandler, oncePerJob, type Addressed, type MessageKind } from '../../src/jobs/messages';
import { PEOPLE, ROUND_ID } from '../support/builders';
import { aWorld } from './world';

// The one sender every message kind goes through: the view says who gets what, the entry's card renders it.

const CONTEXT = { attempt: 1, abortSignal: new AbortController().signal };
const note = (id: string): Job => ({ kind: 'checkin.note', id, payload: { roundId: ROUND_ID, userId: PEOPLE.dana, key: id, fromName: 'Maria', text: 'Keep going' } });
const card = (data: { line: string }) => ({ type: 'AdaptiveCard' as const, body: [{ type: 'TextBlock', text: data.line }] });
const textOf = (sent: { card: { readonly [key: string]: unknown } }) => (sent.card['body'] as { text: string }[])[0]!.text;

async function aSender(once: MessageKind<'checkin.note', { line: string }>['once']) {
  const { ports, round } = await aWorld();
  let items: Addressed<{ line: string }>[] = [];
  let views = 0;
  const handler = messageHandler('checkin.note', {
    view: async (payload) => { views += 1; return items.map((i) => ({ ...i, data: { line: `${i.data.line} (${payload.text})` } })); },
    card, once,
  }, ports);
  const to = (userId: UserId, line: string) => ({ to: userId, round, data: { line } });
  return {
    ports, to, handler: (job: Job) => handler(job, CONTEXT),
    willSend: (next: Addressed<{ line: string }>[]) => { items = next; },
    views: () => views,
    sent: () => ports.messenger.sent.map((s) => ({ to: s.conversationId, text: textOf(s) })),
  };
}

describe('the message sender', () => {
  it('sends each item the view returns, rendered by the entry\'s card, to its recipient', async () => {
    const sender = await aSender(undefined);
    sender.willSend([sender.to(PEOPLE.dana, 'to Dana'), sender.to(PEOPLE.maria, 'to Maria'), sender.to(PEOPLE.dana, 'to Dana again')]);
    await sender.handler(note('n1'));
    expect(sender.sent()).toEqual([
      { to: `a:personal-${PEOPLE.dana}`, text: 'to Dana (Keep going)' },
      { to: `a:personal-${PEOPLE.maria}`, text: 'to Maria (Keep going)' },
      { to: `a:personal-${PEOPLE.dana}`, text: 'to Dana again (Keep going)' },
    ]);
  });

  it('sends nothing when the view returns nothing, and records no row for it per recipient', async () => {
    const sender = await aSender('per-recipient');
    sender.willSend([]);
    await sender.handler(note('n1'));
    expect(sender.sent()).toEqual([]);
    sender.willSend([sender.to(PEOPLE.dana, 'now there is')]);
    await sender.handler(note('n1'));
    expect(sender.sent()).toEqual([{ to: `a:personal-${PEOPLE.dana}`, text: 'now there is (Keep going)' }]);
  });

  it('per recipient: a repeated job id sends nothing to whoever had it, a new id sends again', async () => {
    const sender = await aSender('per-recipient');
    sender.willSend([sender.to(PEOPLE.omar, 'report'), sender.to(PEOPLE.priya, 'report')]);
    await sender.handler(note('n1'));
    await sender.handler(note('n1'));
    expect(sender.sent().map((s) => s.to)).toEqual([`a:personal-${PEOPLE.omar}`, `a:personal-${PEOPLE.priya}`]);
    // A recipient the view names only later still gets theirs under the same job id.
    sender.willSend([sender.to(PEOPLE.omar, 'report'), sender.to(PEOPLE.sam, 'report')]);
    await sender.handler(note('n1'));
    expect(sender.sent().map((s) => s.to)).toEqual([`a:personal-${PEOPLE.omar}`, `a:personal-${PEOPLE.priya}`, `a:personal-${PEOPLE.sam}`]);
    await sender.handler(note('n2'));
    expect(sender.sent()).toHaveLength(5);
  });

  it('once per job: the row is the job\'s, so a repeat neither reads the state nor sends, even what the view would add', async () => {
    const sender = await aSender(oncePerJob);
    sender.willSend([sender.to(PEOPLE.dana, 'booked'), sender.to(PEOPLE.maria, 'her calendar is full')]);
    await sender.handler(note('n1'));
    await sender.handler(note('n1'));
    expect(sender.sent()).toHaveLength(2);
    expect(sender.views()).toBe(1);
    expect((await sender.ports.journals.listReminders(PEOPLE.dana, 'notice')).map((r) => r.key)).toEqual(['n1']);
  });

  it('a failed send releases the row, so the retry sends', async () => {
    const sender = await aSender(oncePerJob);
    sender.willSend([sender.to(PEOPLE.dana, 'booked')]);
    sender.ports.messenger.failNext(`a:personal-${PEOPLE.dana}`, new DeliveryError('throttled', true));
    await expect(sender.handler(note('n1'))).rejects.toThrow();
    await sender.handler(note('n1'));
    expect(sender.sent()).toEqual([{ to: `a:personal-${PEOPLE.dana}`, text: 'booked (Keep going)' }]);
  });
});
