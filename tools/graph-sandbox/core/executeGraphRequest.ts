import { setTimeout as delay } from 'node:timers/promises';
import type { DemoPerson } from '../../demo-org';
import { DIRECTORY_OPERATIONS, HANDLERS } from '../handlers';
import type { HandlerContext } from '../handlers/handlerContext';
import { GraphError, odataErrorResponse, responseForError, type GraphRequest, type GraphResponse } from './graphResponses';
import type { SandboxRequestRecord } from './requestLog';
import type { SandboxRuntime } from './sandboxRuntime';

// One Graph request, top-level or a batch item, through the same steps:
//   route → validate against the spec → resolve {user-id} → injected fault → mailbox limits
//   → emulated service time → handler.
// Validation comes before throttling so a contract violation is reported even when the request
// would have been throttled.

export async function executeGraphRequest(runtime: SandboxRuntime, request: GraphRequest): Promise<GraphResponse> {
  const [rawPath = '/', rawQuery = ''] = splitOnce(request.target, '?');
  const record: SandboxRequestRecord = {
    at: new Date().toISOString(),
    method: request.method,
    path: `/v1.0${rawPath}`,
    ...(rawQuery ? { query: rawQuery } : {}),
    status: 0,
    valid: true,
    ...(request.inBatch ? { inBatch: true } : {}),
  };
  const finish = (response: GraphResponse): GraphResponse => {
    record.status = response.status;
    const code = errorCodeOf(response.body);
    if (code) record.errorCode = code;
    runtime.log.add(record);
    return response;
  };
  const refuse = (status: number, code: string, message: string, problems: string[] = [message]): GraphResponse => {
    record.valid = false;
    record.validationErrors = problems;
    return finish(odataErrorResponse(status, code, message));
  };

  let segments: string[];
  try {
    segments = rawPath.split('/').filter(Boolean).map((s) => decodeURIComponent(s).replace(/^microsoft\.graph\./i, ''));
  } catch {
    return refuse(400, 'BadRequest', `The request path is not valid percent-encoding: ${rawPath}`);
  }
  if (segments[0]?.toLowerCase() === 'me') {
    return refuse(400, 'BadRequest', '/me request is only valid with delegated authentication flow. The sandbox, like the app, uses application permissions: use /users/{id}.');
  }

  const match = runtime.contract.match(request.method, segments);
  if (match.kind === 'not-described') {
    const onPath = match.methodsOnPath.length ? ` (the spec describes ${match.methodsOnPath.join(', ')} on this path)` : '';
    return refuse(501, 'NotImplemented', `${request.method} ${rawPath} is not an operation in the Graph v1.0 subset the sandbox serves${onPath}. Add it with tools/graph-sandbox/spec/extract.mjs (see spec/NOTICE.md).`);
  }
  const { operation, pathParams } = match;
  record.operationId = operation.operationId;

  const validated = runtime.contract.validateRequest(operation, { pathParams, query: new URLSearchParams(rawQuery), body: request.body });
  if (validated.errors.length > 0) {
    return refuse(400, 'BadRequest', `Invalid request to ${operation.method} ${operation.pathTemplate}: ${validated.errors.join('; ')}`, validated.errors);
  }

  const { state } = runtime;
  const userKey = pathParams['user-id'];
  let user: DemoPerson | undefined;
  if (userKey !== undefined) {
    user = state.directory.findUser(userKey);
    if (!user) {
      return finish(DIRECTORY_OPERATIONS.has(operation.operationId)
        ? odataErrorResponse(404, 'Request_ResourceNotFound', `Resource '${userKey}' does not exist or one of its queried reference-property objects are not present.`)
        : odataErrorResponse(404, 'ErrorItemNotFound', `The requested user '${userKey}' was not found.`));
    }
    record.mailbox = user.id;
  }

  const fault = runtime.faults.take(user?.id, { method: request.method, path: rawPath });
  if (fault) {
    switch (fault.status) {
      case 429: return finish(throttled(fault.retryAfterSeconds, 'Too many requests (fault injected by the Graph sandbox).'));
      case 503: return finish(odataErrorResponse(503, 'ServiceUnavailable', 'The service is temporarily unavailable (fault injected by the Graph sandbox).', { 'Retry-After': String(fault.retryAfterSeconds) }));
      case 403: return finish(odataErrorResponse(403, fault.code ?? 'Forbidden', 'Access denied (fault injected by the Graph sandbox).'));
      case 404: return finish(odataErrorResponse(404, fault.code ?? 'ResourceNotFound', 'Not found (fault injected by the Graph sandbox).'));
    }
  }

  // Outlook's limits are per mailbox; requests that name no user (/users, /chats/…) are not limited.
  const admission = user ? runtime.limiter.tryAcquire(user.id) : undefined;
  if (admission && !admission.admitted) return finish(throttled(admission.retryAfterSeconds, admission.message));
  try {
    if (runtime.serviceTimeInMs > 0) await delay(runtime.serviceTimeInMs);
    const context: HandlerContext = {
      state,
      operation,
      user,
      pathParams,
      query: validated.query,
      body: validated.body,
      headers: request.headers,
      origin: request.origin,
      pathname: rawPath,
      rawQuery: new URLSearchParams(rawQuery),
      now: runtime.now,
    };
    const handler = HANDLERS[operation.operationId];
    if (!handler) throw new Error(`no handler for ${operation.operationId}`);
    return finish(handler(context));
  } catch (error) {
    if (error instanceof GraphError) return finish(responseForError(error));
    // A bug in the sandbox itself: answer like Graph's 500, but say what broke.
    const message = error instanceof Error ? error.stack ?? error.message : String(error);
    console.error(`graph-sandbox: ${request.method} ${request.target} failed:`, error);
    return finish(odataErrorResponse(500, 'InternalServerError', `The Graph sandbox failed: ${message}`));
  } finally {
    if (admission?.admitted) admission.release();
  }
}

function throttled(retryAfterSeconds: number, message: string): GraphResponse {
  return odataErrorResponse(429, 'ApplicationThrottled', message, { 'Retry-After': String(retryAfterSeconds) });
}

function errorCodeOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || !('error' in body)) return undefined;
  const error = body.error;
  return error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function splitOnce(text: string, separator: string): [string, string] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, ''] : [text.slice(0, index), text.slice(index + 1)];
}
