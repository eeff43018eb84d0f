import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { describeValidationErrors } from './describeValidationErrors';
import {
  HTTP_METHODS,
  loadGraphSpec,
  type GraphSpecDocument,
  type JsonSchema,
  type SpecOperation,
  type SpecParameter,
  type SpecResponse,
} from './loadGraphSpec';

// The request contract of the sandbox: which operations exist (routing) and whether a request matches
// the OpenAPI description (validation). Ajv is used directly rather than openapi-backend: the sandbox
// needs case-insensitive segment matching, `microsoft.graph.` stripping, getSchedule's parameter-name
// normalisation and readable messages, which would all have to be bolted around a framework's router.

const COMPONENTS_ID = 'urn:practice-loop:graph-v1.0-subset:components';

type PathSegment = { literal: string } | { parameter: string };

/** Validates a value; returns readable problems naming `subject` (empty when valid). */
export type SchemaCheck = (value: unknown, subject: string) => string[];

export interface ContractParameter {
  name: string;
  in: SpecParameter['in'];
  required: boolean;
  schema: JsonSchema;
  check: SchemaCheck;
}

export interface GraphOperation {
  operationId: string;
  /** Upper case, e.g. 'POST'. */
  method: string;
  /** Exactly as the description spells it, e.g. '/users/{user-id}/calendar/getSchedule'. */
  pathTemplate: string;
  segments: PathSegment[];
  parameters: ContractParameter[];
  requestBody?: { required: boolean; check: SchemaCheck; propertyNames: string[] };
  /** Actions take their parameters in the body; the service reads their names case-insensitively. */
  isAction: boolean;
  /** Collections that may answer with @odata.nextLink (and so accept our $skiptoken). */
  isPageable: boolean;
  spec: SpecOperation;
}

export type OperationMatch =
  | { kind: 'operation'; operation: GraphOperation; pathParams: Record<string, string> }
  | { kind: 'not-described'; methodsOnPath: string[] };

export interface RequestToValidate {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface ValidatedRequest {
  errors: string[];
  /** Query options by their spec name, coerced ($top → number, $select → string[]). */
  query: Record<string, unknown>;
  /** The body with action parameter names normalised (getSchedule: schedules → Schedules). */
  body: unknown;
}

export interface GraphContract {
  operations: readonly GraphOperation[];
  match(method: string, segments: readonly string[]): OperationMatch;
  validateRequest(operation: GraphOperation, request: RequestToValidate): ValidatedRequest;
  /** For tests: does a response (as the sandbox sends it) match the description? Returns the problems. */
  validateResponse(operation: GraphOperation, status: number, body: unknown): string[];
}

let cached: GraphContract | undefined;

/** The contract built from the bundled spec; built once per process (Ajv compilation takes a moment). */
export function getGraphContract(): GraphContract {
  cached ??= createGraphContract(loadGraphSpec());
  return cached;
}

export function createGraphContract(spec: GraphSpecDocument): GraphContract {
  const ajv = createAjv();
  ajv.addSchema({ $id: COMPONENTS_ID, components: { schemas: spec.components.schemas } });
  const compile = (schema: JsonSchema): ValidateFunction => ajv.compile(pointRefsAtComponents(schema));
  // Compiled on first use: the event schema alone takes a noticeable part of a second.
  const lazyCheck = (schema: JsonSchema): SchemaCheck => {
    let validate: ValidateFunction | undefined;
    return (value, subject) => {
      validate ??= compile(schema);
      return validate(value) ? [] : describeValidationErrors(validate.errors ?? [], value, subject);
    };
  };

  const operations: GraphOperation[] = [];
  for (const [pathTemplate, item] of Object.entries(spec.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const declared = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => resolveParameter(spec, p));
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        pathTemplate,
        segments: pathTemplate.split('/').filter(Boolean).map(toSegment),
        parameters: declared.map((p) => ({ name: p.name, in: p.in, required: p.required ?? false, schema: p.schema, check: lazyCheck(p.schema) })),
        requestBody: bodySchema && operation.requestBody
          ? { required: operation.requestBody.required ?? false, check: lazyCheck(bodySchema), propertyNames: topLevelPropertyNames(bodySchema) }
          : undefined,
        isAction: operation['x-ms-docs-operation-type'] === 'action',
        isPageable: operation['x-ms-pageable'] !== undefined,
        spec: operation,
      });
    }
  }
  // Literal segments win over parameters when two templates could match the same URL.
  operations.sort((a, b) => literalCount(b) - literalCount(a));

  const responseValidators = new Map<string, ValidateFunction | null>();
  const responseValidator = (operation: GraphOperation, status: number): ValidateFunction | null | undefined => {
    const key = pickResponseKey(operation.spec, status);
    if (!key) return undefined;
    const cacheKey = `${operation.operationId} ${key}`;
    if (!responseValidators.has(cacheKey)) {
      const schema = resolveResponse(spec, operation.spec.responses[key]).content?.['application/json']?.schema;
      responseValidators.set(cacheKey, schema ? compile(schema) : null);
    }
    return responseValidators.get(cacheKey);
  };

  return {
    operations,
    match: (method, segments) => matchOperation(operations, method, segments),
    validateRequest,
    validateResponse(operation, status, body) {
      const validate = responseValidator(operation, status);
      if (validate === undefined) return [`status ${status} is not described for ${operation.method} ${operation.pathTemplate}`];
      if (validate === null) return body === undefined ? [] : [`status ${status} is described without a body, but one was sent`];
      return validate(body) ? [] : describeValidationErrors(validate.errors ?? [], body, 'response body');
    },
  };
}

function validateRequest(operation: GraphOperation, request: RequestToValidate): ValidatedRequest {
  const errors: string[] = [];
  for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
    errors.push(...parameter.check(request.pathParams[parameter.name], `path segment {${parameter.name}}`));
  }

  const query: Record<string, unknown> = {};
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  for (const [rawName, rawValue] of request.query) {
    const parameter = queryParameters.find((p) => p.name === rawName) ?? queryParameters.find((p) => p.name.toLowerCase() === rawName.toLowerCase());
    if (!parameter) {
      // Our own @odata.nextLink links carry $skiptoken; Graph's do too.
      if (operation.isPageable && rawName.toLowerCase() === '$skiptoken') query.$skiptoken = rawValue;
      else errors.push(`query option '${rawName}' is not described for ${operation.method} ${operation.pathTemplate}`);
      continue;
    }
    const value = coerceQueryValue(rawValue, parameter.schema);
    const problems = parameter.check(value, `query option '${parameter.name}'`);
    if (problems.length === 0) query[parameter.name] = value;
    else errors.push(...problems);
  }
  for (const parameter of queryParameters) {
    if (parameter.required && !(parameter.name in query) && !errors.some((e) => e.includes(`'${parameter.name}'`))) {
      errors.push(`query option '${parameter.name}' is required`);
    }
  }

  let body = request.body;
  const described = operation.requestBody;
  if (described) {
    if (operation.isAction) {
      const normalised = normaliseParameterNames(body, described.propertyNames);
      errors.push(...normalised.errors);
      body = normalised.body;
    }
    if (body === undefined) {
      if (described.required) errors.push('a JSON request body is required');
    } else {
      errors.push(...described.check(body, 'request body'));
    }
  }
  return { errors, query, body };
}

function matchOperation(operations: readonly GraphOperation[], method: string, segments: readonly string[]): OperationMatch {
  const onPath: GraphOperation[] = [];
  for (const operation of operations) {
    const pathParams = matchSegments(operation.segments, segments);
    if (!pathParams) continue;
    if (operation.method === method.toUpperCase()) return { kind: 'operation', operation, pathParams };
    onPath.push(operation);
  }
  return { kind: 'not-described', methodsOnPath: [...new Set(onPath.map((o) => o.method))] };
}

function matchSegments(template: readonly PathSegment[], segments: readonly string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const actual = segments[i] ?? '';
    if ('literal' in part) {
      if (part.literal.toLowerCase() !== actual.toLowerCase()) return undefined;
    } else {
      if (actual === '') return undefined;
      params[part.parameter] = actual;
    }
  }
  return params;
}

/** Renames body keys to the declared spelling, case-insensitively: { startTime } → { StartTime }. */
function normaliseParameterNames(body: unknown, declared: readonly string[]): { body: unknown; errors: string[] } {
  if (!isPlainObject(body)) return { body, errors: [] };
  const byLowerCase = new Map(declared.map((name) => [name.toLowerCase(), name]));
  const renamed: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const name = byLowerCase.get(key.toLowerCase()) ?? key;
    if (name in renamed) errors.push(`parameter '${name}' is given twice (names are case-insensitive)`);
    renamed[name] = value;
  }
  return { body: renamed, errors };
}

function coerceQueryValue(raw: string, schema: JsonSchema): unknown {
  switch (schema.type) {
    case 'array': {
      // explode: false → one comma-separated value: $select=subject,start
      const items = isPlainObject(schema.items) ? schema.items : {};
      return raw.split(',').map((item) => coerceQueryValue(item.trim(), items));
    }
    case 'number':
    case 'integer': {
      const number = Number(raw);
      return raw.trim() !== '' && Number.isFinite(number) ? number : raw;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    default:
      return raw;
  }
}

function createAjv(): Ajv {
  // strict: false because the description carries OpenAPI-only keywords (discriminator, x-ms-*, example).
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('base64url', /^[A-Za-z0-9_-]*={0,2}$/);
  // ajv-formats' "time" demands a zone offset; Graph's Edm.TimeOfDay ("09:00:00.0000000") has none.
  ajv.addFormat('time', /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,12})?$/);
  return ajv;
}

/** Schemas outside the components document refer to it by its $id. */
function pointRefsAtComponents(node: unknown): JsonSchema {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) =>
        key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/') ? [key, `${COMPONENTS_ID}${inner}`] : [key, rewrite(inner)]),
    );
  };
  const rewritten = rewrite(node);
  return isPlainObject(rewritten) ? rewritten : {};
}

function isReference(value: unknown): value is { $ref: string } {
  return isPlainObject(value) && typeof value.$ref === 'string';
}

function resolveParameter(spec: GraphSpecDocument, parameter: SpecParameter | { $ref: string }): SpecParameter {
  if (!isReference(parameter)) return parameter;
  const name = parameter.$ref.replace('#/components/parameters/', '');
  const resolved = spec.components.parameters[name];
  if (!resolved) throw new Error(`the spec refers to parameter ${parameter.$ref}, which it does not define`);
  return resolved;
}

function resolveResponse(spec: GraphSpecDocument, response: SpecResponse | { $ref: string } | undefined): SpecResponse {
  if (!response) return {};
  if (!isReference(response)) return response;
  const resolved = spec.components.responses[response.$ref.replace('#/components/responses/', '')];
  if (!resolved) throw new Error(`the spec refers to response ${response.$ref}, which it does not define`);
  return resolved;
}

/** '204' matches '204'; 201 matches '2XX'; 404 matches '4XX'. */
function pickResponseKey(operation: SpecOperation, status: number): string | undefined {
  const keys = Object.keys(operation.responses);
  return keys.find((k) => k === String(status)) ?? keys.find((k) => k.toUpperCase() === `${String(status)[0]}XX`) ?? keys.find((k) => k === 'default');
}

function topLevelPropertyNames(schema: JsonSchema): string[] {
  return isPlainObject(schema.properties) ? Object.keys(schema.properties) : [];
}

function toSegment(part: string): PathSegment {
  const parameter = /^\{(.+)\}$/.exec(part)?.[1];
  return parameter ? { parameter } : { literal: part };
}

function literalCount(operation: GraphOperation): number {
  return operation.segments.filter((s) => 'literal' in s).length;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
