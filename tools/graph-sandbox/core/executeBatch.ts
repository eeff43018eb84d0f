import type { BatchItem } from '../contract/batchContract';
import { parseBatchRequest } from '../contract/batchContract';
import { createSemaphore } from '../throttle/semaphore';
import { executeGraphRequest } from './executeGraphRequest';
import { odataErrorResponse, type GraphRequest, type GraphResponse } from './graphResponses';
import type { SandboxRuntime } from './sandboxRuntime';

// POST /v1.0/$batch (learn.microsoft.com/graph/json-batching): a malformed batch is 400; otherwise 200
// with one response per item. Each item goes through the same pipeline as a top-level request, so it
// is validated and throttled on its own (429 inside the 200). Graph hands Outlook at most 4 items of a
// batch at a time; items wait for their dependsOn, and an item whose dependency failed gets 424.

const ITEMS_IN_FLIGHT_PER_BATCH = 4;

interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export async function executeBatch(runtime: SandboxRuntime, envelope: GraphRequest): Promise<GraphResponse> {
  const { errors, items } = parseBatchRequest(envelope.body);
  runtime.log.add({
    at: new Date().toISOString(),
    method: 'POST',
    path: '/v1.0/$batch',
    status: errors.length ? 400 : 200,
    valid: errors.length === 0,
    ...(errors.length ? { validationErrors: errors, errorCode: 'BadRequest' } : {}),
  });
  if (errors.length) return odataErrorResponse(400, 'BadRequest', `Invalid batch request: ${errors.join('; ')}`);

  const byId = new Map(items.map((item) => [item.id.toLowerCase(), item]));
  const limit = createSemaphore(ITEMS_IN_FLIGHT_PER_BATCH);
  const outcomes = new Map<string, Promise<BatchItemResponse>>();
  const run = (item: BatchItem): Promise<BatchItemResponse> => {
    const key = item.id.toLowerCase();
    const existing = outcomes.get(key);
    if (existing) return existing;
    const outcome = (async () => {
      // Wait for dependencies outside the semaphore, so a waiting item never holds a slot.
      const dependencies = await Promise.all((item.dependsOn ?? []).map((d) => run(requireItem(byId, d))));
      const failed = dependencies.find((d) => d.status >= 400);
      // Not sent to the service, so not in the request log.
      if (failed) return failedDependency(item, failed.id);
      return limit(() => runItem(runtime, envelope, item));
    })();
    outcomes.set(key, outcome);
    return outcome;
  };
  const responses = await Promise.all(items.map(run));
  return { status: 200, body: { responses } };
}

async function runItem(runtime: SandboxRuntime, envelope: GraphRequest, item: BatchItem): Promise<BatchItemResponse> {
  const headers = Object.fromEntries(Object.entries(item.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const response = await executeGraphRequest(runtime, {
    method: item.method.toUpperCase(),
    target: item.url.startsWith('/') ? item.url : `/${item.url}`,
    headers: { ...headers, authorization: envelope.headers.authorization ?? '' },
    body: item.body,
    origin: envelope.origin,
    inBatch: true,
  });
  return {
    id: item.id,
    status: response.status,
    headers: { ...(response.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...response.headers },
    ...(response.body === undefined ? {} : { body: response.body }),
  };
}

/** parseBatchRequest already refused unknown dependencies; this only narrows the type. */
function requireItem(byId: Map<string, BatchItem>, id: string): BatchItem {
  const item = byId.get(id.toLowerCase());
  if (!item) throw new Error(`batch item '${id}' vanished after validation`);
  return item;
}

function failedDependency(item: BatchItem, dependencyId: string): BatchItemResponse {
  const { body } = odataErrorResponse(424, 'FailedDependency', `Request '${item.id}' was not run because request '${dependencyId}', which it depends on, failed.`);
  return { id: item.id, status: 424, headers: { 'Content-Type': 'application/json' }, body };
}
