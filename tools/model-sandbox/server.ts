import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { DEFAULT_FIXTURES, isToolCallsReply, type ModelFixture, type ToolCallsReply } from './fixtures';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from './requestSchema';

/**
 * The model sandbox: a dev/test stand-in for an OpenAI-compatible chat-completions endpoint on 127.0.0.1.
 * `POST /v1/chat/completions` validates the request against the openai package's request shape (an invalid
 * request is a 400 and is recorded, so a test fails on it) and answers from scripted fixtures, chosen by a
 * phrase of the system prompt (one per coach feature). It can be told to fail: 429 with Retry-After, 500,
 * a timeout (holds the request), malformed JSON or an answer of the wrong shape, each for the next N calls.
 *
 * Control (JSON): POST /_sandbox/faults `{ kind, times?, retryAfterSeconds?, feature? }`, POST /_sandbox/reset,
 * PUT /_sandbox/service-time `{ ms }`, GET /_sandbox/requests (each request as received, for tests).
 */

export const FAULT_KINDS = ['rate_limit', 'server_error', 'timeout', 'malformed_json', 'wrong_shape'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const faultSchema = z.object({
  kind: z.enum(FAULT_KINDS),
  times: z.number().int().min(1).max(10_000).default(1),
  retryAfterSeconds: z.number().min(0).max(60).default(1),
  /** Only calls of this fixture (feature) fail; others are answered. */
  feature: z.string().optional(),
}).strict();
export type Fault = z.input<typeof faultSchema>;

export interface SandboxRequestRecord {
  readonly at: string;
  readonly feature: string | null;
  readonly valid: boolean;
  readonly error?: string;
  readonly body: ChatCompletionRequest | null;
  readonly outcome: 'answered' | FaultKind | 'invalid_request' | 'no_fixture';
}

export interface ModelSandboxControl {
  injectFaults(fault: Fault): void;
  setServiceTime(ms: number): void;
  reset(): void;
  requests(): readonly SandboxRequestRecord[];
}

export interface StartModelSandboxOptions {
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** Emulated model time per answer (default 0). */
  serviceTimeInMs?: number;
  fixtures?: readonly ModelFixture[];
  /** How long a "timeout" fault holds a request before giving up on it (default 120 s); the client's timeout ends it first. */
  holdInMs?: number;
}

export interface RunningModelSandbox {
  /** e.g. http://127.0.0.1:5200 */
  url: string;
  /** The OpenAI base URL for clients: `${url}/v1`. */
  baseUrl: string;
  control: ModelSandboxControl;
  close(): Promise<void>;
}

/** About four characters a token, as OpenAI's guide suggests for English; enough for a budget figure. */
export function roughTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function textOf(content: ChatCompletionRequest['messages'][number]['content']): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function openAiError(res: ServerResponse, status: number, message: string, type: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, type, param: null, code: null } }, headers);
}

/**
 * A fixture's tool calls as OpenAI sends them. Faults bend them the way a model can: malformed JSON in the
 * arguments, or the wrong shape (a call of a function the request never offered).
 */
function toolCallsOf(reply: ToolCallsReply, fault: FaultKind | undefined, counter: number) {
  const calls = fault === 'wrong_shape' ? [{ name: 'unexpected_function', arguments: {} }] : reply.toolCalls;
  return calls.map((call, i) => ({
    id: `call_sandbox_${counter}_${i}`,
    type: 'function' as const,
    function: { name: call.name, arguments: fault === 'malformed_json' ? `${JSON.stringify(call.arguments).slice(0, -1)},"oops": ` : JSON.stringify(call.arguments) },
  }));
}

export async function startModelSandbox(options: StartModelSandboxOptions = {}): Promise<RunningModelSandbox> {
  const fixtures = options.fixtures ?? DEFAULT_FIXTURES;
  const holdInMs = options.holdInMs ?? 120_000;
  let serviceTimeInMs = options.serviceTimeInMs ?? 0;
  let faults: { kind: FaultKind; left: number; retryAfterSeconds: number; feature?: string }[] = [];
  let records: SandboxRequestRecord[] = [];
  let counter = 0;
  const held = new Set<ServerResponse>();

  const control: ModelSandboxControl = {
    injectFaults(fault) {
      const parsed = faultSchema.parse(fault);
      faults.push({ kind: parsed.kind, left: parsed.times, retryAfterSeconds: parsed.retryAfterSeconds, feature: parsed.feature });
    },
    setServiceTime(ms) { serviceTimeInMs = ms; },
    reset() { faults = []; records = []; },
    requests: () => records,
  };

  function takeFault(feature: string | null) {
    const fault = faults.find((f) => f.left > 0 && (f.feature === undefined || f.feature === feature));
    if (!fault) return null;
    fault.left -= 1;
    faults = faults.filter((f) => f.left > 0);
    return fault;
  }

  async function completions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      records.push({ at: new Date().toISOString(), feature: null, valid: false, error: 'body is not JSON', body: null, outcome: 'invalid_request' });
      return openAiError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
    }
    const parsed = chatCompletionRequestSchema.safeParse(json);
    if (!parsed.success) {
      const error = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      records.push({ at: new Date().toISOString(), feature: null, valid: false, error, body: null, outcome: 'invalid_request' });
      return openAiError(res, 400, `Invalid request: ${error}`, 'invalid_request_error');
    }
    const request = parsed.data;
    const system = request.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => textOf(m.content)).join('\n');
    const fixture = fixtures.find((f) => system.includes(f.whenSystemIncludes)) ?? null;
    const feature = fixture?.feature ?? null;
    const record = (outcome: SandboxRequestRecord['outcome']) => records.push({ at: new Date().toISOString(), feature, valid: true, body: request, outcome });

    const fault = takeFault(feature);
    if (fault?.kind === 'timeout') {
      record('timeout');
      held.add(res);
      const released = new AbortController();
      res.once('close', () => { held.delete(res); released.abort(); });
      await sleep(holdInMs, undefined, { signal: released.signal }).catch(() => undefined); // the client gave up first
      if (!res.writableEnded && !res.destroyed) openAiError(res, 504, 'The sandbox held this request until it timed out.', 'timeout');
      return;
    }
    if (serviceTimeInMs > 0) await sleep(serviceTimeInMs);
    if (fault?.kind === 'rate_limit') {
      record('rate_limit');
      return openAiError(res, 429, 'Rate limit reached for requests. Please retry after a while.', 'requests', { 'retry-after': String(fault.retryAfterSeconds) });
    }
    if (fault?.kind === 'server_error') {
      record('server_error');
      return openAiError(res, 500, 'The server had an error while processing your request.', 'server_error');
    }
    if (!fixture) {
      record('no_fixture');
      return openAiError(res, 400, 'The model sandbox has no fixture for this system prompt.', 'invalid_request_error');
    }
    const answer = typeof fixture.reply === 'function' ? fixture.reply(request) : JSON.stringify(fixture.reply);
    record(fault ? fault.kind : 'answered');
    counter += 1;
    const promptTokens = request.messages.reduce((sum, m) => sum + roughTokens(textOf(m.content)), 0) + (request.tools ? roughTokens(JSON.stringify(request.tools)) : 0);
    const message = isToolCallsReply(answer)
      ? { role: 'assistant', content: null, refusal: null, tool_calls: toolCallsOf(answer, fault?.kind, counter) }
      : { role: 'assistant', content: fault?.kind === 'malformed_json' ? '{"this is": not json' : fault?.kind === 'wrong_shape' ? JSON.stringify({ unexpected: true }) : answer, refusal: null };
    const completionTokens = roughTokens(message.content ?? JSON.stringify(message.tool_calls));
    sendJson(res, 200, {
      id: `chatcmpl-sandbox-${counter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  }

  async function controlRoute(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === 'GET' && path === '/_sandbox/requests') return sendJson(res, 200, { requests: records });
    if (req.method === 'POST' && path === '/_sandbox/reset') {
      control.reset();
      return sendJson(res, 200, { ok: true });
    }
    const body = await readBody(req).then((raw) => (raw ? JSON.parse(raw) as unknown : {})).catch(() => null);
    if (req.method === 'POST' && path === '/_sandbox/faults') {
      const parsed = faultSchema.safeParse(body);
      if (!parsed.success) return sendJson(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      control.injectFaults(parsed.data);
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'PUT' && path === '/_sandbox/service-time') {
      const parsed = z.object({ ms: z.number().min(0).max(60_000) }).safeParse(body);
      if (!parsed.success) return sendJson(res, 400, { error: 'send { "ms": <0–60000> }' });
      control.setServiceTime(parsed.data.ms);
      return sendJson(res, 200, { ok: true });
    }
    return sendJson(res, 404, { error: `no control route ${req.method} ${path}` });
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = path.startsWith('/_sandbox/')
      ? controlRoute(req, res, path)
      : req.method === 'POST' && /^(\/v1)?\/chat\/completions$|^\/openai\/deployments\/[^/]+\/chat\/completions$/.test(path)
        ? completions(req, res)
        : Promise.resolve(openAiError(res, 404, `The model sandbox serves POST /v1/chat/completions; not ${req.method} ${path}.`, 'invalid_request_error'));
    route.catch((error: unknown) => {
      if (!res.headersSent) openAiError(res, 500, `sandbox error: ${(error as Error).message}`, 'server_error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo; // listening on TCP: always an AddressInfo
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    control,
    close: () => new Promise<void>((resolve) => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
