import { randomUUID } from 'node:crypto';

// What one Graph request and its answer look like inside the sandbox, whether it arrived on its own
// or as an item of a JSON batch.

export interface GraphRequest {
  /** Upper case. */
  method: string;
  /** Path and query relative to /v1.0, starting with '/': '/users/x/events?$top=5'. */
  target: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON, or undefined when there was none. */
  body: unknown;
  /** 'http://127.0.0.1:5123' — for @odata.nextLink and @odata.context. */
  origin: string;
  inBatch: boolean;
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A refusal in Graph's terms; handlers throw it, the pipeline turns it into an ODataError response. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

/** Graph's error body: { error: { code, message, innerError: { date, request-id, client-request-id } } }. */
export function odataErrorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): GraphResponse {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'request-id': requestId, ...headers },
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), 'request-id': requestId, 'client-request-id': requestId },
      },
    },
  };
}

export function responseForError(error: GraphError): GraphResponse {
  return odataErrorResponse(error.status, error.code, error.message, error.headers);
}

export const notFound = (message: string, code = 'ErrorItemNotFound') => new GraphError(404, code, message);
export const badRequest = (message: string, code = 'BadRequest') => new GraphError(400, code, message);
