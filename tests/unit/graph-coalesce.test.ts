import { coalescing } from '../../src/adapters/graph/coalesce';

// Lookups asked for at the same time go to Graph together, each caller getting its own answer.
function recorder(answer: (key: string) => string | Error = (key) => key.toUpperCase()) {
  const requests: string[][] = [];
  const lookup = coalescing<string, string>({
    maxPerRequest: 3,
    maxInFlight: 2,
    groupOf: (key) => key.split(':')[0]!,
    fetch: async (keys) => {
      requests.push([...keys]);
      return keys.map(answer);
    },
  });
  return { requests, lookup };
}

it('sends the keys asked for in the same turn in requests of at most maxPerRequest, per group', async () => {
  const { requests, lookup } = recorder();
  const answers = await Promise.all(['a:1', 'a:2', 'b:1', 'a:3', 'a:4'].map((key) => lookup(key)));
  expect(answers).toEqual(['A:1', 'A:2', 'B:1', 'A:3', 'A:4']);
  expect(requests).toEqual([['a:1', 'a:2', 'a:3'], ['b:1'], ['a:4']]);
});

it('lets keys asked while every request is out join the next request', async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const requests: string[][] = [];
  const lookup = coalescing<string, string>({ maxPerRequest: 20, maxInFlight: 1, fetch: async (keys) => { requests.push([...keys]); await gate; return [...keys]; } });
  const first = lookup('x');
  await new Promise((resolve) => setImmediate(resolve));
  const later = ['y', 'z', 'w'].map((key) => lookup(key));
  release();
  expect(await Promise.all([first, ...later])).toEqual(['x', 'y', 'z', 'w']);
  expect(requests).toEqual([['x'], ['y', 'z', 'w']]);
});

it('rejects only the key whose answer is an error, and every key of a request that fails', async () => {
  const { lookup } = recorder((key) => (key === 'a:2' ? new Error('no mailbox for a:2') : key));
  const answers = await Promise.allSettled(['a:1', 'a:2', 'a:3'].map((key) => lookup(key)));
  expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((answers[1] as PromiseRejectedResult).reason).toEqual(new Error('no mailbox for a:2'));

  const failing = coalescing<string, string>({ maxPerRequest: 5, maxInFlight: 1, fetch: async () => { throw new Error('Graph is down'); } });
  const both = await Promise.allSettled(['p', 'q'].map((key) => failing(key)));
  expect(both.map((a) => a.status === 'rejected' && (a.reason as Error).message)).toEqual(['Graph is down', 'Graph is down']);
});

it('rejects a caller that stops waiting, and still answers the others', async () => {
  const { lookup } = recorder();
  const stop = new AbortController();
  const gone = lookup('a:1', stop.signal);
  const stays = lookup('a:2');
  stop.abort(new Error('job cancelled'));
  await expect(gone).rejects.toThrow('job cancelled');
  await expect(stays).resolves.toBe('A:2');
});

it('waits up to the linger for others to join the first key', async () => {
  const requests: string[][] = [];
  const lookup = coalescing<string, string>({ maxPerRequest: 20, maxInFlight: 4, lingerInMs: 20, fetch: async (keys) => { requests.push([...keys]); return [...keys]; } });
  const first = lookup('x');
  await new Promise((resolve) => setImmediate(resolve));
  const second = lookup('y');
  expect(await Promise.all([first, second])).toEqual(['x', 'y']);
  expect(requests).toEqual([['x', 'y']]);
});

it('names a key asked twice at once only once in the request, and answers both callers from it', async () => {
  const { requests, lookup } = recorder();
  const answers = await Promise.all(['a:1', 'a:1', 'a:2'].map((key) => lookup(key)));
  expect(answers).toEqual(['A:1', 'A:1', 'A:2']);
  // A request that named a person twice was answered for one of the two places only (getSchedule answers by
  // address), so the other caller saw an empty schedule: a busy person looked free.
  expect(requests).toEqual([['a:1', 'a:2']]);
});
