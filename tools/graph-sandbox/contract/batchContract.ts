import Ajv, { type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { describeValidationErrors } from './describeValidationErrors';
import { loadBatchSchema } from './loadGraphSpec';

// POST /$batch bodies: spec/batch.schema.json (hand-written from the JSON batching docs) plus the
// rules it lists under x-rules-enforced-in-code: ids unique (case-insensitively), dependsOn names
// ids in the same batch, and (ours) no dependency cycles.

export const MAX_BATCH_REQUESTS = 20;

const batchItem = z.object({
  id: z.string(),
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string()).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.string()).optional(),
});
export type BatchItem = z.infer<typeof batchItem>;

let validateBatch: ValidateFunction | undefined;

export function parseBatchRequest(body: unknown): { errors: string[]; items: BatchItem[] } {
  if (body && typeof body === 'object' && 'requests' in body && Array.isArray(body.requests) && body.requests.length > MAX_BATCH_REQUESTS) {
    return { errors: [`A JSON batch may hold at most ${MAX_BATCH_REQUESTS} requests; this one has ${body.requests.length}.`], items: [] };
  }
  validateBatch ??= compileBatchRequestSchema();
  if (!validateBatch(body)) return { errors: describeValidationErrors(validateBatch.errors ?? [], body, 'batch body'), items: [] };
  const items = z.object({ requests: z.array(batchItem) }).parse(body).requests;
  return { errors: ruleViolations(items), items };
}

function ruleViolations(items: BatchItem[]): string[] {
  const errors: string[] = [];
  const ids = new Map(items.map((item) => [item.id.toLowerCase(), item]));
  if (ids.size !== items.length) errors.push('request ids must be unique within a batch (compared case-insensitively)');
  for (const item of items) {
    for (const dependency of item.dependsOn ?? []) {
      if (!ids.has(dependency.toLowerCase())) errors.push(`request '${item.id}' depends on '${dependency}', which is not in the batch`);
    }
  }
  if (errors.length === 0 && hasCycle(items, ids)) errors.push('the dependsOn chain of this batch has a cycle');
  return errors;
}

function hasCycle(items: BatchItem[], byId: Map<string, BatchItem>): boolean {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (item: BatchItem): boolean => {
    const key = item.id.toLowerCase();
    if (state.get(key) === 'done') return false;
    if (state.get(key) === 'visiting') return true;
    state.set(key, 'visiting');
    const cyclic = (item.dependsOn ?? []).some((d) => {
      const next = byId.get(d.toLowerCase());
      return next ? visit(next) : false;
    });
    state.set(key, 'done');
    return cyclic;
  };
  return items.some(visit);
}

function compileBatchRequestSchema(): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const schema = loadBatchSchema();
  ajv.addSchema(schema);
  const validate = ajv.getSchema(`${String(schema.$id)}#/definitions/batchRequest`);
  if (!validate) throw new Error('spec/batch.schema.json has no definitions/batchRequest');
  return validate;
}
