import type { AnswerOf, ContractName } from '../../../contracts';

/**
 * The tabs' fetch: same-origin /api, with a Teams SSO token (in Teams) or the chosen demo user (AUTH_MODE=dev).
 * Every failure becomes an ApiError with a message written for people: the server's `error` when it sent
 * one, otherwise what to try next. Nothing shows a stack trace.
 * A read names its answer's contract (src/contracts): its type comes from there, and a development build checks
 * the answer against the schema, so a server and tab that drift apart fail at once instead of rendering nonsense.
 */
export type Credentials =
  | { readonly kind: 'teams'; getToken(): Promise<string> }
  | { readonly kind: 'dev'; readonly userId: string };

export interface ApiErrorBody {
  readonly error?: string;
  readonly fieldErrors?: Record<string, string>;
  readonly current?: unknown;
  readonly [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: ApiErrorBody = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get fieldErrors(): Record<string, string> {
    return this.body.fieldErrors ?? {};
  }

  /** A stale write: someone saved first; `current` is the record as it now stands. */
  get isConflict(): boolean {
    return this.status === 409;
  }
}

export interface ApiClient {
  get<N extends ContractName>(path: string, contract: N, init?: { signal?: AbortSignal }): Promise<AnswerOf<N>>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** A file download (e.g. CSV) as a Blob, with the same credentials. */
  download(path: string): Promise<Blob>;
}

export const DEV_USER_HEADER = 'x-dev-user';

function fallbackMessage(status: number): string {
  if (status === 401) return 'You are not signed in. Reopen Practice Loop from Teams (or choose a demo user) and try again.';
  if (status === 403) return 'You do not have access to this. Ask the round’s owner if you think you should.';
  if (status === 404) return 'That could not be found. It may have been removed; go back to your dashboard.';
  if (status === 409) return 'This changed since you opened it. Reload to see the latest version.';
  if (status >= 500) return 'Something went wrong on our side. Try again in a minute.';
  return 'The request was not accepted. Check the form and try again.';
}

export function createApiClient(credentials: Credentials, base = '/api'): ApiClient {
  async function headers(json: boolean): Promise<Record<string, string>> {
    const result: Record<string, string> = { accept: 'application/json' };
    if (json) result['content-type'] = 'application/json';
    if (credentials.kind === 'dev') result[DEV_USER_HEADER] = credentials.userId;
    else {
      try {
        result.authorization = `Bearer ${await credentials.getToken()}`;
      } catch {
        throw new ApiError(401, 'Teams could not sign you in to Practice Loop. Close and reopen the tab; if it keeps happening, ask your Teams admin to grant the app consent.');
      }
    }
    return result;
  }

  async function request(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { method, headers: await headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (error) {
      if (error instanceof ApiError || (error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'Practice Loop could not be reached. Check your connection and try again.');
    }
    if (!response.ok) {
      let parsed: ApiErrorBody = {};
      try {
        parsed = (await response.json()) as ApiErrorBody;
      } catch {
        // Not JSON (a proxy's error page): the status decides the message.
      }
      const message = typeof parsed.error === 'string' && parsed.error ? parsed.error : fallbackMessage(response.status);
      throw new ApiError(response.status, message, parsed);
    }
    return response;
  }

  return {
    async get<N extends ContractName>(path: string, contract: N, init?: { signal?: AbortSignal }) {
      const answer: unknown = await (await request('GET', path, undefined, init?.signal)).json();
      if (import.meta.env.DEV) await checkContract(path, contract, answer);
      return answer as AnswerOf<N>;
    },
    async send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
      const response = await request(method, path, body ?? {});
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async download(path: string) {
      return (await request('GET', path, undefined)).blob();
    },
  };
}

/**
 * Development builds only: the schemas (and zod) are loaded on first use, so a production bundle carries neither.
 * The answer itself is returned unchanged either way; the check only refuses one that does not match.
 */
async function checkContract(path: string, contract: ContractName, answer: unknown): Promise<void> {
  const { CONTRACTS } = await import('../../../contracts');
  const parsed = CONTRACTS[contract].safeParse(answer);
  if (parsed.success) return;
  const where = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`).join('; ');
  console.error(`GET ${path} does not match its contract "${contract}"`, parsed.error.issues);
  throw new ApiError(500, `The answer from ${path} does not match what this page expects (${contract}: ${where}).`);
}

/** A message for any thrown value, safe to show: never a stack. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something unexpected went wrong in this page. Reload it; if it happens again, tell the round’s owner.';
}
