import type { z } from 'zod';
import type { DemoPerson } from '../../demo-org';
import type { GraphOperation } from '../contract/graphContract';
import { badRequest, type GraphResponse } from '../core/graphResponses';
import type { CollectionRequest } from '../odata/collections';
import type { SandboxState } from '../state/sandboxState';

/** What a handler gets: a request that already matched an operation and passed validation. */
export interface HandlerContext {
  state: SandboxState;
  operation: GraphOperation;
  /** The `{user-id}` of the path, resolved (404 was already answered if unknown). */
  user: DemoPerson | undefined;
  pathParams: Record<string, string>;
  /** Validated, coerced query options ($top: number, $select: string[]). */
  query: Record<string, unknown>;
  /** Validated body (action parameter names normalised). */
  body: unknown;
  headers: Record<string, string>;
  origin: string;
  /** The request path relative to /v1.0, as received: '/users/amara.okafor@contoso.example/events'. */
  pathname: string;
  rawQuery: URLSearchParams;
  now: () => Date;
}

export type OperationHandler = (context: HandlerContext) => GraphResponse;

export const ok = (body: unknown): GraphResponse => ({ status: 200, body });
export const created = (body?: unknown): GraphResponse => ({ status: 201, body });
export const noContent = (): GraphResponse => ({ status: 204 });

export function requireUser(context: HandlerContext): DemoPerson {
  if (!context.user) throw new Error(`${context.operation.operationId} has no {user-id}: the handler is wired to the wrong operation`);
  return context.user;
}

/** The body narrowed to what the handler uses; the spec already validated it, this types it. */
export function parseBody<T>(context: HandlerContext, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(context.body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`'${issue?.path.join('.') ?? 'body'}' ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

export function collectionRequest(context: HandlerContext): CollectionRequest {
  return {
    query: context.query,
    linkForOffset: (offset) => {
      const params = new URLSearchParams(context.rawQuery);
      params.set('$skiptoken', String(offset));
      return `${context.origin}/v1.0${context.pathname}?${params.toString().replace(/%24/g, '$')}`;
    },
  };
}

export function odataContext(context: HandlerContext, fragment: string): string {
  return `${context.origin}/v1.0/$metadata#${fragment}`;
}
