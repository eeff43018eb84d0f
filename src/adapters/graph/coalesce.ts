/**
 * Lookups of the same kind asked for by callers that run at the same time (a worker books many people at once)
 * go to Graph together: the keys asked for within `lingerInMs` of the first one, or while all `maxInFlight`
 * requests are out, are sent in requests of at most `maxPerRequest` keys. Under light load a key waits at most
 * the linger; under heavy load requests fill up, so the number of Graph calls falls as the load rises.
 *
 * Each caller gets its own key's answer: one person's error (no mailbox, access refused) rejects that person
 * only; a failure of the request itself rejects every key in it. A caller that stops waiting (abort) is
 * rejected at once; the request carries on for the others.
 */
export interface CoalescerOptions<K, V> {
  readonly maxPerRequest: number;
  readonly maxInFlight: number;
  /**
   * How long the first waiting key waits for others (default 0: the next turn of the event loop). Callers that
   * started together drift apart by a few milliseconds (their storage reads finish at different times).
   */
  readonly lingerInMs?: number;
  /** Keys of different groups never share a request (e.g. getSchedule for different windows). */
  readonly groupOf?: (key: K) => string;
  /**
   * What makes two keys the same lookup (default: the key itself, for strings). Callers asking for the same key at
   * once share one place in the request: a request never names a key twice, which Graph answers once.
   */
  readonly identityOf?: (key: K) => string;
  /** One request for `keys`: per key, in the same order, its value or its own error. A throw fails every key. */
  readonly fetch: (keys: readonly K[]) => Promise<ReadonlyArray<V | Error>>;
}

interface Waiting<K, V> {
  readonly key: K;
  readonly resolve: (value: V) => void;
  readonly reject: (reason: unknown) => void;
}

export type Coalesced<K, V> = (key: K, abortSignal?: AbortSignal) => Promise<V>;

export function coalescing<K, V>(options: CoalescerOptions<K, V>): Coalesced<K, V> {
  if (options.maxPerRequest < 1 || options.maxInFlight < 1) throw new RangeError('a coalescer needs at least one key per request and one request in flight');
  // Groups in the order they first waited; a group that still has keys after a request goes to the back (round robin).
  const waiting = new Map<string, Waiting<K, V>[]>();
  let inFlight = 0;
  let pumpScheduled = false;

  const identityOf = options.identityOf ?? ((key: K) => String(key));
  const send = async (taken: readonly Waiting<K, V>[]) => {
    try {
      const distinct = new Map<string, number>();
      const keys: K[] = [];
      for (const entry of taken) {
        const identity = identityOf(entry.key);
        if (!distinct.has(identity)) {
          distinct.set(identity, keys.length);
          keys.push(entry.key);
        }
      }
      const answers = await options.fetch(keys);
      taken.forEach((entry) => {
        const answer = answers[distinct.get(identityOf(entry.key))!];
        if (answer === undefined) entry.reject(new Error('a coalesced Graph lookup gave no answer for one of its keys'));
        else if (answer instanceof Error) entry.reject(answer);
        else entry.resolve(answer);
      });
    } catch (error) {
      for (const entry of taken) entry.reject(error);
    }
  };

  const pump = () => {
    pumpScheduled = false;
    while (inFlight < options.maxInFlight) {
      const first = waiting.entries().next();
      if (first.done) return;
      const [group, queue] = first.value;
      const taken = queue.splice(0, options.maxPerRequest);
      waiting.delete(group);
      if (queue.length > 0) waiting.set(group, queue);
      inFlight += 1;
      void send(taken).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  };

  return (key, abortSignal) => new Promise<V>((resolve, reject) => {
    if (abortSignal?.aborted) {
      reject(abortSignal.reason);
      return;
    }
    const onAbort = () => reject(abortSignal?.reason);
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    const settle = <A>(done: (value: A) => void) => (value: A) => {
      abortSignal?.removeEventListener('abort', onAbort);
      done(value);
    };
    const group = options.groupOf?.(key) ?? '';
    let queue = waiting.get(group);
    if (!queue) waiting.set(group, (queue = []));
    queue.push({ key, resolve: settle(resolve), reject: settle(reject) });
    if (queue.length >= options.maxPerRequest && inFlight < options.maxInFlight) {
      pump(); // a full request need not wait for the linger
    } else if (!pumpScheduled) {
      pumpScheduled = true;
      if (options.lingerInMs) setTimeout(pump, options.lingerInMs);
      else setImmediate(pump);
    }
  });
}
