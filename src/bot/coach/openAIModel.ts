import { AsyncLocalStorage } from 'node:async_hooks';
import { OpenAIModel } from '@microsoft/teams-ai';
import type { Logger } from '../../logging';

/**
 * teams-ai's `OpenAIModel` as the coach and the natural chat use it: Azure OpenAI (a key, or an Entra token from
 * a managed identity) or any OpenAI-compatible endpoint, no retries of the client's own (each caller has its one
 * retry policy), and an HTTP layer that records what the model wrapper drops — token usage, status, Retry-After,
 * whether the client gave up — for the caller's one log line per call.
 *
 * teams-ai writes to the console on its own (`OpenAIModel` prints every failed call with the error object, the
 * tools augmentation prints tool arguments it cannot parse, the planner's default "unknown action" prints the
 * name). The service logs only through pino, and never text a person or a model wrote: console output made during
 * a model call is caught here and becomes one pino line that names the kind of output and withholds its text.
 */
export interface ModelSettings {
  readonly provider: 'azure-openai' | 'openai-compatible';
  /** Azure: https://<resource>.openai.azure.com; otherwise the API's base URL (…/v1). */
  readonly endpoint: string;
  /** The Azure deployment name, or the model name. */
  readonly model: string;
  readonly apiKey?: string;
  readonly apiVersion?: string;
  /** Azure with a managed identity: a bearer token for https://cognitiveservices.azure.com. */
  readonly azureADTokenProvider?: () => Promise<string>;
  readonly timeoutInMs: number;
}

/** What the HTTP layer saw during one model call (the model wrapper keeps only a message of failures). */
export interface CallRecord {
  tokensIn: number;
  tokensOut: number;
  status: number | null;
  retryAfterInMs: number | null;
  timedOut: boolean;
}

export const newCallRecord = (): CallRecord => ({ tokensIn: 0, tokensOut: 0, status: null, retryAfterInMs: null, timedOut: false });

export interface RecordedModel {
  readonly model: OpenAIModel;
  /** Runs `work` (which calls the model) with `record` collecting what the HTTP layer sees, and teams-ai's console output going to `logger`. */
  recording<T>(record: CallRecord, scope: { readonly logger: Logger; readonly feature: string }, work: () => Promise<T>): Promise<T>;
}

interface ModelCallScope {
  readonly record: CallRecord;
  readonly logger: Logger;
  readonly feature: string;
}

const modelCalls = new AsyncLocalStorage<ModelCallScope>();

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
let consoleRouted = false;

/** What a console argument is, without its text: an error's class and HTTP status, or the argument's type. */
function kindOf(value: unknown): Record<string, unknown> {
  if (value instanceof Error) {
    const status = (value as { status?: unknown }).status;
    return { error: value.constructor.name, ...(typeof status === 'number' ? { status } : {}) };
  }
  return { type: value === null ? 'null' : typeof value };
}

/**
 * Console output made inside a model call goes to that call's pino logger instead (text withheld); anything else
 * passes through to the console method that was in place when this was installed. Installed once per process,
 * when the first model is created, so a service with no model configured leaves the console alone.
 */
function routeModelConsoleOutput(): void {
  if (consoleRouted) return;
  consoleRouted = true;
  for (const method of CONSOLE_METHODS) {
    const original = console[method];
    console[method] = (...args: unknown[]): void => {
      const scope = modelCalls.getStore();
      if (!scope) {
        original.apply(console, args);
        return;
      }
      const level = method === 'error' ? 'error' : method === 'warn' ? 'warn' : 'info';
      scope.logger[level]({ teamsAi: { feature: scope.feature, console: method, parts: args.slice(0, 3).map(kindOf) } }, 'teams-ai console output (text withheld)');
    };
  }
}

export function createRecordedOpenAIModel(settings: ModelSettings): RecordedModel {
  routeModelConsoleOutput();
  const recordingFetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const record = modelCalls.getStore()?.record;
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      if (record && (init?.signal?.aborted ?? false)) record.timedOut = true;
      throw error;
    }
    if (record) {
      record.status = response.status;
      const retryAfter = Number(response.headers.get('retry-after'));
      record.retryAfterInMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null;
      if (response.ok) {
        const body: unknown = await response.clone().json().catch(() => null);
        const usage = (body as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } | null)?.usage;
        if (typeof usage?.prompt_tokens === 'number') record.tokensIn += usage.prompt_tokens;
        if (typeof usage?.completion_tokens === 'number') record.tokensOut += usage.completion_tokens;
      }
    }
    return response;
  };

  const clientOptions = {
    timeout: settings.timeoutInMs,
    maxRetries: 0, // one retry policy per caller: the client's own would multiply the waits
    // openai's Fetch type is its own shim of the same function; the WHATWG one is what runs on Node 20.
    fetch: recordingFetch as unknown as NonNullable<ConstructorParameters<typeof OpenAIModel>[0]['clientOptions']>['fetch'],
  };
  const model = settings.provider === 'azure-openai'
    ? new OpenAIModel({
      azureEndpoint: settings.endpoint,
      azureDefaultDeployment: settings.model,
      azureApiVersion: settings.apiVersion ?? '2024-10-21',
      ...(settings.apiKey ? { azureApiKey: settings.apiKey } : {}),
      ...(settings.azureADTokenProvider ? { azureADTokenProvider: settings.azureADTokenProvider } : {}),
      useSystemMessages: true,
      clientOptions,
    })
    : new OpenAIModel({ apiKey: settings.apiKey ?? 'not-needed', defaultModel: settings.model, endpoint: settings.endpoint, useSystemMessages: true, clientOptions });
  return {
    model,
    recording: (record, scope, work) => modelCalls.run({ record, logger: scope.logger, feature: scope.feature }, work),
  };
}
