import type { TenantId, UserId } from '../domain/ids';

/** Who is calling the REST API, as established by the auth middleware (never taken from the body). */
export interface CallerIdentity {
  readonly userId: UserId;
  readonly tenantId: TenantId;
  readonly displayName: string;
  /** How the identity was established: a validated Teams SSO token, or the dev picker. */
  readonly via: 'entra' | 'dev';
}
