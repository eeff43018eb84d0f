import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/**
 * A stand-in for the Bot Connector service (dev, tests and benchmarks only): the bot's replies and
 * proactive messages are POSTed to the activity's `serviceUrl`, so pointing `serviceUrl` here lets a
 * test read exactly what the bot sent. It answers like the connector (`{ id }`) and, when asked,
 * enforces Teams' per-app rate limit with 429 + Retry-After.
 */
export interface CapturedActivity {
  readonly conversationId: string;
  readonly replyToId: string | null;
  readonly method: 'POST' | 'PUT';
  readonly activity: Record<string, unknown>;
  readonly receivedAt: number;
}

export interface StartConnectorOptions {
  /** Requests per second allowed before 429 (Teams documents 50 per app per tenant); unlimited when absent. */
  readonly requestsPerSecond?: number;
}

export interface RunningConnector {
  readonly url: string;
  readonly activities: CapturedActivity[];
  /** Resolves with the captured activities of a conversation once there are at least `count`. */
  waitFor(conversationId: string, count?: number, timeoutInMs?: number): Promise<CapturedActivity[]>;
  throttledCount(): number;
  clear(): void;
  close(): Promise<void>;
}

export async function startBotConnector(options: StartConnectorOptions = {}): Promise<RunningConnector> {
  const activities: CapturedActivity[] = [];
  const waiters = new Set<() => void>();
  let throttled = 0;
  let windowStartedAt = Date.now();
  let inWindow = 0;

  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use((_req, res, next) => {
    if (!options.requestsPerSecond) return next();
    const now = Date.now();
    if (now - windowStartedAt >= 1000) { windowStartedAt = now; inWindow = 0; }
    if (++inWindow > options.requestsPerSecond) {
      throttled++;
      res.setHeader('Retry-After', '1');
      res.status(429).json({ error: { code: 'TooManyRequests', message: 'Too many requests' } });
      return;
    }
    next();
  });

  function capture(method: 'POST' | 'PUT') {
    return (req: Request, res: Response) => {
      const activity = (req.body ?? {}) as Record<string, unknown>;
      activities.push({ conversationId: String(req.params.conversationId), replyToId: req.params.activityId ? String(req.params.activityId) : null, method, activity, receivedAt: Date.now() });
      for (const wake of waiters) wake();
      res.status(200).json({ id: req.params.activityId && method === 'PUT' ? req.params.activityId : randomUUID() });
    };
  }
  app.post('/v3/conversations/:conversationId/activities', capture('POST'));
  app.post('/v3/conversations/:conversationId/activities/:activityId', capture('POST'));
  app.put('/v3/conversations/:conversationId/activities/:activityId', capture('PUT'));
  app.post('/v3/conversations', (req: Request, res: Response) => {
    // Creating a personal conversation returns its id; Teams' ids look like "a:1…"; ours are stable per user.
    const member = (req.body as { members?: Array<{ id?: string }> } | undefined)?.members?.[0]?.id ?? randomUUID();
    res.status(201).json({ id: `a:${member}` });
  });

  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    activities,
    waitFor(conversationId, count = 1, timeoutInMs = 5000) {
      const matching = () => activities.filter((a) => a.conversationId === conversationId);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (matching().length >= count) { cleanup(); resolve(matching()); }
        };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`expected ${count} activities in ${conversationId}, got ${matching().length}`)); }, timeoutInMs);
        const cleanup = () => { clearTimeout(timer); waiters.delete(check); };
        waiters.add(check);
        check();
      });
    },
    throttledCount: () => throttled,
    clear() { activities.length = 0; },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
