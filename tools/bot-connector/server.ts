import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/**
 * A stand-in for the Bot Connector service (dev, tests and benchmarks only): the bot's replies and
 * proactive messages are POSTed to the activity's `serviceUrl`, so pointing `serviceUrl` here lets a
 * test read exactly what the bot sent. It answers like the connector (`{ id }`) and, when asked,
 * enforces Teams' per-app rate limit with 429 + Retry-After, or refuses the next sends with a chosen
 * status (`failNext`: a blocked user's 403, a gone conversation's 404, a 503).
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

export interface FailNextOptions {
  /** e.g. 403, 404, 412, 429, 503. */
  readonly status: number;
  /** How many activity sends to refuse (default 1). */
  readonly count?: number;
  /** Sent as `Retry-After` when given. */
  readonly retryAfterSeconds?: number;
  /** The connector's error code in the body, e.g. "ConversationBlockedByUser" (default: one for the status). */
  readonly code?: string;
  /** Only sends to this conversation (default: any). */
  readonly conversationId?: string;
}

export interface RunningConnector {
  readonly url: string;
  readonly activities: CapturedActivity[];
  /** Resolves with the captured activities of a conversation once there are at least `count`. */
  waitFor(conversationId: string, count?: number, timeoutInMs?: number): Promise<CapturedActivity[]>;
  throttledCount(): number;
  /** Refuse the next activity sends (POST/PUT …/activities) with a status, like the real connector would. */
  failNext(options: FailNextOptions): void;
  /** Every activity request that reached the stand-in for a conversation: delivered, refused or throttled. */
  requestsTo(conversationId: string): number;
  /** Forgets captured activities, per-conversation request counts and pending failures (not `throttledCount`). */
  clear(): void;
  close(): Promise<void>;
}

export async function startBotConnector(options: StartConnectorOptions = {}): Promise<RunningConnector> {
  const activities: CapturedActivity[] = [];
  const waiters = new Set<() => void>();
  let throttled = 0;
  let windowStartedAt = Date.now();
  let inWindow = 0;
  const requestCounts = new Map<string, number>();
  const faults: Array<{ status: number; remaining: number; retryAfterSeconds?: number; code: string; conversationId?: string }> = [];
  const defaultCodes: Record<number, string> = {
    400: 'BadSyntax', 401: 'Unauthorized', 403: 'Forbidden', 404: 'ConversationNotFound', 412: 'PreconditionFailed',
    429: 'TooManyRequests', 500: 'InternalServerError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout',
  };

  const app = express();
  app.use(express.json({ limit: '1mb' }));
  // Counted before the rate limit so a test sees every attempt, throttled ones included.
  app.use((req, _res, next) => {
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/|$)/.exec(req.path);
    if (match?.[1]) {
      const conversationId = decodeURIComponent(match[1]);
      requestCounts.set(conversationId, (requestCounts.get(conversationId) ?? 0) + 1);
    }
    next();
  });
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
      const conversationId = String(req.params.conversationId);
      const fault = faults.find((f) => f.remaining > 0 && (f.conversationId === undefined || f.conversationId === conversationId));
      if (fault) {
        fault.remaining--;
        if (fault.remaining === 0) faults.splice(faults.indexOf(fault), 1);
        if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
        res.status(fault.status).json({ error: { code: fault.code, message: `Refused by the connector stand-in (${fault.status} ${fault.code})` } });
        return;
      }
      const activity = (req.body ?? {}) as Record<string, unknown>;
      // teams-ai shows a typing indicator when a turn runs long (a loaded machine): transient UI, not a reply to read.
      if (activity.type === 'typing') return void res.status(200).json({ id: randomUUID() });
      activities.push({ conversationId, replyToId: req.params.activityId ? String(req.params.activityId) : null, method, activity, receivedAt: Date.now() });
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
    failNext(fail) {
      faults.push({ status: fail.status, remaining: fail.count ?? 1, retryAfterSeconds: fail.retryAfterSeconds, code: fail.code ?? defaultCodes[fail.status] ?? 'Error', conversationId: fail.conversationId });
    },
    requestsTo: (conversationId) => requestCounts.get(conversationId) ?? 0,
    clear() {
      activities.length = 0;
      requestCounts.clear();
      faults.length = 0;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
