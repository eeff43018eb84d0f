import { Client, AuthenticationHandler, HTTPMessageHandler, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
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

/** One Graph client per process: auth → retry/throttle policy → HTTP. */
export function createGraphClient(options: CreateGraphClientOptions): Client {
  const authentication = new AuthenticationHandler(authenticationProvider(options.credential));
  const policy = new GraphPolicyMiddleware(options.policy);
  const http = new HTTPMessageHandler();
  authentication.setNext(policy);
  policy.setNext(http);
  const base = new URL(options.baseUrl);
  return Client.initWithMiddleware({
    baseUrl: `${base.origin}/`,
    defaultVersion: 'v1.0',
    middleware: authentication,
    // Without this the auth handler refuses to send a token to a host that is not Microsoft's (the sandbox).
    customHosts: new Set([base.hostname]),
  });
}
