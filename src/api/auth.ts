import type { NextFunction, Request, Response } from 'express';
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import { parseTenantId, parseUserId, type TenantId } from '../domain/ids';
import type { Logger } from '../logging';
import type { DirectoryPort } from '../ports/directory';
import type { CallerIdentity } from './identity';

export type Authenticate = (req: Request) => Promise<CallerIdentity | { failure: string }>;

/** The header the dev sign-in picker sets. Only read when AUTH_MODE=dev. */
export const DEV_USER_HEADER = 'x-dev-user';
/** The demo organisation's tenant (tools/demo-org; the Playground config uses the same; a test keeps them equal). */
export const DEV_TENANT_ID = '9015d13f-d040-45c4-a7e8-9f2c90715197' as TenantId;

/**
 * AUTH_MODE=dev: the caller names a demo user explicitly (the tab's "signed in as" picker); the id must
 * exist in the directory (the Graph sandbox), so a typo is a 401, not a ghost user.
 */
export function devAuthenticator(directory: DirectoryPort): Authenticate {
  return async (req) => {
    const raw = req.header(DEV_USER_HEADER);
    if (!raw) return { failure: `Choose a demo user: send the ${DEV_USER_HEADER} header with their id (AUTH_MODE=dev).` };
    const userId = parseUserId(raw);
    if (!userId) return { failure: `${DEV_USER_HEADER} must be a user's object id (a GUID).` };
    const person = await directory.getPerson(userId);
    if (!person) return { failure: `No demo user has the id ${userId}.` };
    return { userId, tenantId: DEV_TENANT_ID, displayName: person.displayName, via: 'dev' };
  };
}

export interface EntraAuthenticatorOptions {
  readonly tenantId: string;
  readonly clientId: string;
  /**
   * The host of the app's Application ID URI, `api://<host>/<client id>` (the tab's domain, from TAB_ENDPOINT).
   * Without it only the bare client id is accepted as audience.
   */
  readonly apiHost?: string;
  /** Override for tests (a local JWKS); production fetches the tenant's published keys. */
  readonly keys?: JWTVerifyGetKey;
  /** Override for tests; production accepts the tenant's v1 and v2 issuers. */
  readonly issuers?: readonly string[];
}

/**
 * AUTH_MODE=entra: a Teams SSO token (from `authentication.getAuthToken()`), validated for signature
 * (the tenant's keys), issuer, audience (this app's client id or its `api://…/<client id>` URI), expiry,
 * and the `access_as_user` scope. The identity comes from the token's `oid` and `tid` claims.
 */
export function entraAuthenticator(options: EntraAuthenticatorOptions): Authenticate {
  const keys = options.keys ?? createRemoteJWKSet(new URL(`https://login.microsoftonline.com/${options.tenantId}/discovery/v2.0/keys`));
  const issuers = options.issuers ?? [`https://login.microsoftonline.com/${options.tenantId}/v2.0`, `https://sts.windows.net/${options.tenantId}/`];
  // Exactly this app: its client id, or its Application ID URI on the configured host. A suffix match would let
  // `api://evil.example.com/<client id>` through.
  const audiences = new Set([options.clientId.toLowerCase(), ...(options.apiHost ? [`api://${options.apiHost.toLowerCase()}/${options.clientId.toLowerCase()}`] : [])]);
  const audienceAccepted = (aud: string) => audiences.has(aud.toLowerCase());
  return async (req) => {
    const header = req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return { failure: 'Sign in through Teams: this API needs a Teams single sign-on token (Authorization: Bearer …).' };
    try {
      const { payload } = await jwtVerify(match[1], keys, { issuer: [...issuers], clockTolerance: 60 });
      const tokenAudiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ''];
      if (!tokenAudiences.some(audienceAccepted)) return { failure: 'The token was issued for another application.' };
      const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
      if (!scopes.includes('access_as_user')) return { failure: 'The token lacks the access_as_user scope.' };
      const userId = parseUserId(payload.oid);
      const tenantId = parseTenantId(payload.tid);
      if (!userId || !tenantId) return { failure: 'The token does not name a user and a tenant.' };
      if (tenantId !== options.tenantId.toLowerCase()) return { failure: 'The token comes from another tenant.' };
      const name = typeof payload.name === 'string' ? payload.name : '';
      return { userId, tenantId, displayName: name, via: 'entra' };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { failure: 'The sign-in token has expired; reopen the tab to get a new one.' };
      if (error instanceof joseErrors.JOSEError) return { failure: `The sign-in token is not valid (${error.code}).` };
      throw error;
    }
  };
}

/** Express middleware: 401 with a reason unless the caller is authenticated; the identity goes to res.locals.caller. */
export function requireCaller(authenticate: Authenticate, logger: Logger) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const result = await authenticate(req);
      if ('failure' in result) {
        res.status(401).json({ error: result.failure });
        return;
      }
      res.locals.caller = result;
      next();
    } catch (error) {
      logger.error({ err: { message: (error as Error).message }, path: req.path }, 'authentication could not complete');
      res.status(503).json({ error: 'Sign-in could not be checked right now; try again in a minute.' });
    }
  };
}

export function callerOf(res: Response): CallerIdentity {
  const caller: unknown = res.locals.caller;
  if (!caller) throw new Error('callerOf used on a route without requireCaller');
  // Set only by requireCaller above, from a validated identity.
  return caller as CallerIdentity;
}
