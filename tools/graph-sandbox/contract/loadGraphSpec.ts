import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

// Loads the bundled OpenAPI subset (spec/graph-v1.0-subset.yaml) and applies the relaxations that
// spec/NOTICE.md lists. Only the parts of the document the sandbox relies on are typed here.

export const SPEC_DIRECTORY = join(__dirname, '..', 'spec');
export const GRAPH_SPEC_FILE = join(SPEC_DIRECTORY, 'graph-v1.0-subset.yaml');
export const BATCH_SCHEMA_FILE = join(SPEC_DIRECTORY, 'batch.schema.json');

export type JsonSchema = Record<string, unknown>;

const jsonSchema = z.record(z.unknown());
const reference = z.object({ $ref: z.string() }).strict();

const parameter = z
  .object({
    name: z.string(),
    in: z.enum(['path', 'query', 'header', 'cookie']),
    required: z.boolean().optional(),
    explode: z.boolean().optional(),
    schema: jsonSchema,
  })
  .passthrough();

const mediaTypes = z.record(z.object({ schema: jsonSchema }).passthrough());
const response = z.object({ description: z.string().optional(), content: mediaTypes.optional() }).passthrough();

const operation = z
  .object({
    operationId: z.string(),
    parameters: z.array(z.union([reference, parameter])).optional(),
    requestBody: z.object({ required: z.boolean().optional(), content: mediaTypes }).passthrough().optional(),
    responses: z.record(z.union([reference, response])),
    'x-ms-docs-operation-type': z.string().optional(),
    'x-ms-pageable': z.unknown().optional(),
  })
  .passthrough();

const pathItem = z
  .object({
    parameters: z.array(z.union([reference, parameter])).optional(),
    get: operation.optional(),
    post: operation.optional(),
    patch: operation.optional(),
    put: operation.optional(),
    delete: operation.optional(),
  })
  .passthrough();

const specDocument = z
  .object({
    openapi: z.string().startsWith('3.'),
    paths: z.record(pathItem),
    components: z.object({
      schemas: z.record(jsonSchema),
      parameters: z.record(parameter),
      responses: z.record(response),
    }).passthrough(),
  })
  .passthrough();

export type SpecParameter = z.infer<typeof parameter>;
export type SpecOperation = z.infer<typeof operation>;
export type SpecResponse = z.infer<typeof response>;
export type GraphSpecDocument = z.infer<typeof specDocument>;
export const HTTP_METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Parses the YAML (or any already-parsed document), relaxed as spec/NOTICE.md describes. */
export function loadGraphSpec(yamlText: string = readFileSync(GRAPH_SPEC_FILE, 'utf8')): GraphSpecDocument {
  const document: unknown = parse(yamlText);
  dropRequiredODataType(document);
  return specDocument.parse(document);
}

export function loadBatchSchema(): JsonSchema {
  return jsonSchema.parse(JSON.parse(readFileSync(BATCH_SCHEMA_FILE, 'utf8')));
}

/**
 * The converter marks '@odata.type' required on every entity and complex type; real clients never
 * send it, so as shipped the file rejects every realistic body (msgraph-metadata#1166). Drop it.
 */
function dropRequiredODataType(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(dropRequiredODataType);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>; // plain object from the YAML parser
  const required = record.required;
  if (Array.isArray(required)) {
    const kept = required.filter((name) => name !== '@odata.type');
    if (kept.length > 0) record.required = kept;
    else delete record.required;
  }
  Object.values(record).forEach(dropRequiredODataType);
}
