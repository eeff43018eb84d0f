import type { Router } from 'express';
import { apiRouter } from '../../src/api/routes';
import { createLogger } from '../../src/logging';
import { offsetClock, systemClock } from '../../src/ports/clock';

export interface RouteEntry { readonly method: string; readonly path: string }

/** Walks the router stack: each route's methods and path, nested routers (mounted at '/') included. */
function routesOf(router: Router): RouteEntry[] {
  const found: RouteEntry[] = [];
  const walk = (stack: unknown[]) => {
    for (const layer of stack as Array<{ route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }>) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) if (method !== '_all') found.push({ method: method.toUpperCase(), path: layer.route.path });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as unknown as { stack: unknown[] }).stack);
  return found;
}

/**
 * Every /api route, enumerated from a router built with the same code the service mounts (its handlers are never
 * called here), so a route added later is in every table built from this without anyone remembering to add it.
 */
export function apiRoutes(): RouteEntry[] {
  return routesOf(apiRouter({
    authenticate: async () => ({ failure: 'enumeration only' }), directory: {} as never, logger: createLogger('routes', { level: 'silent' }),
    authMode: 'dev', ports: {} as never, callerFor: (() => { throw new Error('enumeration only'); }) as never,
    devClock: { clock: offsetClock(systemClock), store: {} as never },
  }));
}
