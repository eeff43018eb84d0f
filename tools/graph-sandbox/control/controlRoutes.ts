import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { UnknownMailboxError, type SandboxControl } from './sandboxControl';

// SandboxControl over HTTP, for a sandbox started by another process (a benchmark, the dev server):
//   GET  /_sandbox/health                      → 200 { status: 'ok' }
//   POST /_sandbox/faults                      { status: 429|503|403|404, count, retryAfterSeconds?, mailbox?, method?, pathContains?, code? } → 204
//   GET  /_sandbox/requests                    → every request; /_sandbox/requests/invalid → contract breaches
//   POST /_sandbox/reset                       → 204
//   GET  /_sandbox/mailboxes/{mailbox}/events  → events held (UTC)
//   PUT  /_sandbox/service-time                { serviceTimeInMs } → 204
//   GET  /_sandbox/activity-notifications[?mailbox=…]

const faultsBody = z.object({
  status: z.union([z.literal(429), z.literal(503), z.literal(403), z.literal(404)]),
  count: z.number().int().positive(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  mailbox: z.string().min(1).optional(),
  method: z.string().min(1).optional(),
  pathContains: z.string().min(1).optional(),
  code: z.string().min(1).optional(),
}).strict();
const serviceTimeBody = z.object({ serviceTimeInMs: z.number().nonnegative() }).strict();

export function createControlRouter(control: SandboxControl): Router {
  const router = express.Router();
  router.get('/health', (_req, res) => { res.json(control.health()); });
  router.post('/faults', (req, res) => answer(res, () => { control.injectFaults(faultsBody.parse(jsonBody(req))); }));
  router.get('/requests', (_req, res) => { res.json(control.requests()); });
  router.get('/requests/invalid', (_req, res) => { res.json(control.invalidRequests()); });
  router.post('/reset', (_req, res) => answer(res, () => control.reset()));
  router.get('/mailboxes/:mailbox/events', (req, res) => answer(res, () => control.events(String(req.params.mailbox))));
  router.put('/service-time', (req, res) => answer(res, () => control.setServiceTime(serviceTimeBody.parse(jsonBody(req)).serviceTimeInMs)));
  router.get('/activity-notifications', (req, res) =>
    answer(res, () => control.activityNotifications(typeof req.query.mailbox === 'string' ? req.query.mailbox : undefined)));
  return router;
}

/** Runs a control call: a value → 200 JSON, nothing → 204, bad input → 400, unknown mailbox → 404. */
function answer(res: Response, call: () => unknown): void {
  try {
    const result = call();
    if (result === undefined) res.status(204).end();
    else res.json(result);
  } catch (error) {
    if (error instanceof z.ZodError) res.status(400).json({ error: { code: 'BadRequest', message: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') } });
    else if (error instanceof UnknownMailboxError) res.status(404).json({ error: { code: 'NotFound', message: error.message } });
    else if (error instanceof RangeError) res.status(400).json({ error: { code: 'BadRequest', message: error.message } });
    else throw error;
  }
}

/** The app-level raw parser leaves a Buffer; control bodies are small JSON documents. */
function jsonBody(req: Request): unknown {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (cause) {
    throw new z.ZodError([{ code: 'custom', path: [], message: `body is not JSON (${String(cause)})` }]);
  }
}
