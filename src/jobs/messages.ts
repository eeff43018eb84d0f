import type { UserId } from '../domain/ids';
import type { Round } from '../domain/round';
import type { CardContent } from '../ports/chatMessenger';
import type { Job, JobHandler } from '../ports/jobQueue';
import type { JournalReminder } from '../ports/journalRepo';
import { handlerFor, type JobKind, type ParsedPayloadOf } from '../usecases/jobKinds';
import { sendOnce } from '../usecases/journal';
import { personalConversationOf } from '../usecases/kickoff';
import type { UseCasePorts } from '../usecases/ports';

/*
 * A message kind is a view and a card. The view (a read model in src/usecases) loads the state as it is when the job
 * runs and says who gets what: one item per card, each with its recipient, the round whose tenant a new chat is
 * opened in, and the card's data — nothing when nothing should go out. The card renders that data. One sender runs
 * both for every message kind, so the card named in the registry is the one that goes out, and its data type is
 * checked against the view's where the two meet.
 */

/** One card the view says should go out: to whom, in which round's tenant, with what. */
export interface Addressed<D> {
  readonly to: UserId;
  readonly round: Pick<Round, 'tenantId'>;
  readonly data: D;
}

/** The reminder row (`JournalReminders`) that makes a job's sends happen once. */
export type ReminderKey = Pick<JournalReminder, 'userId' | 'kind' | 'key'>;

export interface MessageKind<K extends JobKind, D> {
  /** What should go out now, read from the current state; [] when nothing should. */
  readonly view: (payload: ParsedPayloadOf<K>, job: Job) => Promise<readonly Addressed<NoInfer<D>>[]>;
  /** Renders one item; its data type is the one the view must return. */
  readonly card: (data: D) => CardContent;
  /**
   * How a repeated job (queued again by an outbox after a crash, or delivered twice) is kept from sending twice:
   * - absent: it is not (the view's own conditions decide);
   * - a reminder row of the job (`oncePerJob`, or a key of the kind's own such as a journal prompt's week): recorded
   *   before the view runs, so whatever the job sends goes once (and nothing is sent once the row exists);
   * - `'per-recipient'`: a `notice|<job id>` row per recipient, recorded before that recipient's cards go.
   * A failed send releases the row, so the retry sends again.
   */
  readonly once?: 'per-recipient' | ((payload: ParsedPayloadOf<K>, job: Job) => ReminderKey);
}

/** The `notice|<job id>` row of a message to one person, named in the payload as `participantId` or `userId`. */
export function oncePerJob(payload: { participantId: UserId } | { userId: UserId }, job: Job): ReminderKey {
  return { userId: 'participantId' in payload ? payload.participantId : payload.userId, kind: 'notice', key: job.id };
}

/** The sender every message kind shares: runs the view, renders each item with the card, sends it to its recipient's personal chat. */
export function messageHandler<K extends JobKind, D>(kind: K, entry: MessageKind<K, D>, ports: UseCasePorts): JobHandler {
  const send = async (items: readonly Addressed<D>[]) => {
    for (const item of items) await ports.messenger.sendCard(await personalConversationOf(item.to, item.round, ports), entry.card(item.data));
  };
  return handlerFor(kind, async (payload, job) => {
    const { once } = entry;
    if (once === undefined) {
      await send(await entry.view(payload, job));
    } else if (once === 'per-recipient') {
      const items = await entry.view(payload, job);
      for (const to of new Set(items.map((item) => item.to))) {
        await sendOnce(ports, { userId: to, kind: 'notice', key: job.id }, async () => {
          await send(items.filter((item) => item.to === to));
          return true;
        });
      }
    } else {
      await sendOnce(ports, once(payload, job), async () => {
        const items = await entry.view(payload, job);
        await send(items);
        return items.length > 0;
      });
    }
  });
}
