import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express, type Request, type Response } from 'express';
import { loadDemoOrganisation, type DemoOrganisation } from '../demo-org';
import { createControlRouter } from './control/controlRoutes';
import { createSandboxControl, type SandboxControl } from './control/sandboxControl';
import { executeBatch } from './core/executeBatch';
import { executeGraphRequest } from './core/executeGraphRequest';
import { odataErrorResponse, type GraphRequest, type GraphResponse } from './core/graphResponses';
import { SandboxRuntime } from './core/sandboxRuntime';

// The Graph sandbox: a dev/test stand-in for Microsoft Graph v1.0 on 127.0.0.1. It serves the
// operations of spec/graph-v1.0-subset.yaml from in-memory mailboxes seeded with the demo
// organisation, validates every request against that description, and throttles like Outlook.

export type { SandboxControl, RemoteSandboxControl, InjectFaultsOptions, SandboxRequestRecord } from './control/sandboxControl';
export { connectSandboxControl } from './control/controlClient';

export interface StartGraphSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** Default: the demo organisation (tools/demo-org). */
  organisation?: DemoOrganisation;
  /** Emulated service time per request (default 0), so concurrency limits are observable. */
  serviceTimeInMs?: number;
  /** Seeds meetings relative to this "today" and stamps created items. Default: the real clock. */
  now?: () => Date;
}

export interface RunningGraphSandbox {
  /** e.g. http://127.0.0.1:5123 — clients call `${url}/v1.0/...`. */
  url: string;
  control: SandboxControl;
  close(): Promise<void>;
}

export type CreateGraphSandboxAppOptions = Pick<StartGraphSandboxOptions, 'organisation' | 'serviceTimeInMs' | 'now'>;

export function createGraphSandboxApp(options: CreateGraphSandboxAppOptions = {}): { app: Express; control: SandboxControl } {
  const runtime = new SandboxRuntime(options.organisation ?? loadDemoOrganisation(), options.now ?? (() => new Date()), options.serviceTimeInMs ?? 0);
  const control = createSandboxControl(runtime);
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.raw({ type: () => true, limit: '4mb' }));
  app.use('/_sandbox', createControlRouter(control));
  app.use((req, res, next) => {
    const version = /^\/v1\.0(?=[/?]|$)/i.exec(req.originalUrl);
    if (!version) {
      next();
      return;
    }
    serveGraph(runtime, req, req.originalUrl.slice(version[0].length) || '/')
      .then((response) => send(res, response))
      .catch(next);
  });
  app.use((req, res) => {
    send(res, odataErrorResponse(404, 'NotFound', `The Graph sandbox serves /v1.0/… (Graph) and /_sandbox/… (control); not ${req.method} ${req.path}.`));
  });
  return { app, control };
}

export async function startGraphSandbox(options: StartGraphSandboxOptions = {}): Promise<RunningGraphSandbox> {
  const { app, control } = createGraphSandboxApp(options);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    listening.once('error', reject);
  });
  const { port } = server.address() as AddressInfo; // listening on TCP, so address() is an AddressInfo
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serveGraph(runtime: SandboxRuntime, req: Request, target: string): Promise<GraphResponse> {
  const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value ?? '']));
  const path = target.split('?')[0] ?? '/';
  // The service document is public metadata, and what the app's health check pings.
  if (req.method === 'GET' && (path === '/' || path === '')) return serviceDocument(req);

  const logRefusal = (status: number, problem: string) =>
    runtime.log.add({ at: new Date().toISOString(), method: req.method, path: `/v1.0${path}`, status, valid: false, validationErrors: [problem] });
  if (!/^Bearer\s+\S+/i.test(headers.authorization ?? '')) {
    logRefusal(401, 'Authorization: Bearer <token> header is missing');
    return odataErrorResponse(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  }
  let body: unknown;
  const raw: unknown = req.body;
  if (Buffer.isBuffer(raw) && raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      logRefusal(400, 'the request body is not valid JSON');
      return odataErrorResponse(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
    }
  }
  const request: GraphRequest = { method: req.method.toUpperCase(), target, headers, body, origin: `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`, inBatch: false };
  if (/^\/\$batch$/i.test(path)) {
    if (request.method !== 'POST') return odataErrorResponse(405, 'MethodNotAllowed', 'JSON batching is POST /v1.0/$batch.');
    return executeBatch(runtime, request);
  }
  return executeGraphRequest(runtime, request);
}

function serviceDocument(req: Request): GraphResponse {
  return {
    status: 200,
    body: {
      '@odata.context': `${req.protocol}://${req.get('host') ?? '127.0.0.1'}/v1.0/$metadata`,
      value: [
        { name: 'users', kind: 'EntitySet', url: 'users' },
        { name: 'chats', kind: 'EntitySet', url: 'chats' },
      ],
    },
  };
}

function send(res: Response, response: GraphResponse): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  if (response.body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8');
  res.end(JSON.stringify(response.body));
}
