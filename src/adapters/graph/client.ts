import { Client, HTTPMessageHandler, type AuthenticationProvider, type Context } from '@microsoft/microsoft-graph-client';
import type { Middleware } from '@microsoft/microsoft-graph-client/lib/src/middleware/IMiddleware';
import { setRequestHeader } from '@microsoft/microsoft-graph-client/lib/src/middleware/MiddlewareUtil';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import { GraphPolicyMiddleware, type GraphPolicyOptions } from './policy';

export type GraphCredentialConfig =
  | { kind: 'sandbox' }
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'managedIdentity'; clientId?: string };

export interface CreateGraphClientOptions {
  readonly baseUrl: string;
  readonly credential: GraphCredentialConfig;
  readonly policy?: GraphPolicyOptions;
}

// The local Graph sandbox only checks that a bearer token is present; real Graph never sees this value.
export const SANDBOX_TOKEN = 'practice-loop-graph-sandbox';

function authenticationProvider(credential: GraphCredentialConfig): AuthenticationProvider {
  const scopes = ['https://graph.microsoft.com/.default'];
  switch (credential.kind) {
    case 'sandbox':
      return { getAccessToken: async () => SANDBOX_TOKEN };
    case 'clientSecret':
      return new TokenCredentialAuthenticationProvider(
        new ClientSecretCredential(credential.tenantId, credential.clientId, credential.clientSecret), { scopes });
    case 'managedIdentity':
      return new TokenCredentialAuthenticationProvider(
        credential.clientId ? new ManagedIdentityCredential(credential.clientId) : new ManagedIdentityCredential(), { scopes });
  }
}

/**
 * Adds the bearer token to every request. The SDK's own AuthenticationHandler only signs https URLs,
 * so it would never authenticate to the http sandbox; this client only ever calls its one base URL
 * (and the nextLinks that base URL returns), so signing every request is right here.
 */
class BearerTokenMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly provider: AuthenticationProvider) {}
  setNext(next: Middleware): void {
    this.next = next;
  }
  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('BearerTokenMiddleware must not be last in the chain');
    const token = await this.provider.getAccessToken();
    if (!token) throw new Error('no Graph access token could be obtained');
    setRequestHeader(context.request, context.options ?? (context.options = {}), 'Authorization', `Bearer ${token}`);
    await this.next.execute(context);
  }
}

/** One Graph client per process: auth → retry/throttle policy → HTTP. */
export function createGraphClient(options: CreateGraphClientOptions): Client {
  const authentication = new BearerTokenMiddleware(authenticationProvider(options.credential));
  const policy = new GraphPolicyMiddleware(options.policy);
  const http = new HTTPMessageHandler();
  authentication.setNext(policy);
  policy.setNext(http);
  const base = new URL(options.baseUrl);
  return Client.initWithMiddleware({
    baseUrl: `${base.origin}/`,
    defaultVersion: 'v1.0',
    middleware: authentication,
  });
}
