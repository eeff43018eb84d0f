import type { DemoPerson } from '../../tools/demo-org';

export interface ApiAnswer {
  readonly status: number;
  /** The parsed body, or null when it is empty or not JSON. */
  readonly json: any;
  readonly text: string;
}

/**
 * A REST call as one demo person (AUTH_MODE=dev, the `x-dev-user` header), against the service whose URL `baseUrl`
 * gives at call time (suites start their stack in beforeAll). A string body is sent as it is.
 */
export function apiAs(baseUrl: () => string) {
  return async (person: DemoPerson | null, method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const response = await fetch(`${baseUrl()}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(person ? { 'x-dev-user': person.id } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: the text says what came back */ }
    return { status: response.status, json, text };
  };
}
