import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet, type KeyLike } from 'jose';
import { DEV_TENANT_ID, entraAuthenticator } from '../../src/api/auth';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { startTestStack, type TestStack } from '../support/service';

const organisation = loadDemoOrganisation();
const person = organisation.people[3]!;

describe('the REST API in AUTH_MODE=dev', () => {
  let stack: TestStack;
  beforeAll(async () => { stack = await startTestStack('apidev'); });
  afterAll(async () => { await stack.stop(); });

  it('uses the demo organisation tenant for dev identities', () => {
    expect(DEV_TENANT_ID).toBe(organisation.tenantId);
  });

  it('lists the demo users for the sign-in picker', async () => {
    const response = await fetch(`${stack.service.url}/api/dev/users`);
    const body = (await response.json()) as { value: Array<{ id: string }> };
    expect(body.value.map((u) => u.id).sort()).toEqual(organisation.people.map((p) => p.id).sort());
  });

  it('refuses a caller who chose no demo user (401, says what to do)', async () => {
    const response = await fetch(`${stack.service.url}/api/me`);
    expect(response.status).toBe(401);
    expect((await response.json()).error).toMatch(/Choose a demo user/);
  });

  it('refuses an id that is not in the directory', async () => {
    const response = await fetch(`${stack.service.url}/api/me`, { headers: { 'x-dev-user': '00000000-0000-4000-8000-000000000000' } });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toMatch(/No demo user/);
  });

  it('answers as the chosen demo user', async () => {
    const response = await fetch(`${stack.service.url}/api/me`, { headers: { 'x-dev-user': person.id } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: person.id, displayName: person.displayName, signedInVia: 'dev' });
  });

  it('serves the tab', async () => {
    const response = await fetch(`${stack.service.url}/tab/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Practice Loop');
  });

  it('reports 404 with the route for an unknown API path', async () => {
    const response = await fetch(`${stack.service.url}/api/nothing-here`, { headers: { 'x-dev-user': person.id } });
    expect(response.status).toBe(404);
    expect((await response.json()).error).toContain('/api/nothing-here');
  });
});

describe('the REST API in AUTH_MODE=entra', () => {
  const tenantId = organisation.tenantId;
  const clientId = '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
  const issuer = `https://login.microsoftonline.com/${tenantId}/v2.0`;
  let stack: TestStack;
  let privateKey: KeyLike;
  let strangerKey: KeyLike;

  async function token(claims: Record<string, unknown>, options: { key?: KeyLike; expiresIn?: string; issuer?: string } = {}) {
    return new SignJWT({ oid: person.id, tid: tenantId, scp: 'access_as_user', name: person.displayName, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(typeof claims.aud === 'string' ? claims.aud : `api://localhost:53000/${clientId}`)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '1h')
      .sign(options.key ?? privateKey);
  }

  async function me(bearer?: string) {
    return fetch(`${stack.service.url}/api/me`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  }

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256' };
    const authenticate = entraAuthenticator({ tenantId, clientId, apiHost: 'localhost:53000', keys: createLocalJWKSet({ keys: [jwk] }), issuers: [issuer] });
    stack = await startTestStack('apientra', {
      env: { AUTH_MODE: 'entra', AAD_APP_CLIENT_ID: clientId, AAD_APP_TENANT_ID: tenantId, MicrosoftAppId: 'b0f7b3a2-0000-4000-8000-000000000001', MicrosoftAppPassword: 'x' },
      overrides: { authenticate },
    });
  });
  afterAll(async () => { await stack.stop(); });

  it('has no dev sign-in route', async () => {
    expect((await fetch(`${stack.service.url}/api/dev/users`)).status).toBe(401);
  });

  it('ignores the dev header', async () => {
    const response = await fetch(`${stack.service.url}/api/me`, { headers: { 'x-dev-user': person.id } });
    expect(response.status).toBe(401);
  });

  it('accepts the bare client id as audience', async () => {
    expect((await me(await token({ aud: clientId }))).status).toBe(200);
  });

  it('answers a valid token for someone who is not in the directory without a 500', async () => {
    const ghost = '0f0f0f0f-1111-4222-8333-444455556666';
    for (const path of ['/api/me', '/api/dashboard', '/api/reviews', '/api/reports', '/api/rounds']) {
      const response = await fetch(`${stack.service.url}${path}`, { headers: { authorization: `Bearer ${await token({ oid: ghost })}` } });
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }
  });

  it('accepts a valid Teams SSO token and takes the identity from its claims', async () => {
    const response = await me(await token({}));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: person.id, tenantId, signedInVia: 'entra' });
  });

  it.each([
    ['no token', async () => undefined, /single sign-on token/],
    ['a token signed by another key', async () => token({}, { key: strangerKey }), /not valid/],
    ['an expired token', async () => token({}, { expiresIn: '-10m' }), /expired/],
    ['a token from another issuer', async () => token({}, { issuer: 'https://login.microsoftonline.com/other/v2.0' }), /not valid/],
    ['a token for another app', async () => token({ aud: 'api://elsewhere/11111111-1111-4111-8111-111111111111' }), /another application/],
    ['a token for this client id on another host', async () => token({ aud: `api://evil.example.com/${clientId}` }), /another application/],
    ['a token whose audience only ends with the client id', async () => token({ aud: `api://localhost:53000/x/${clientId}` }), /another application/],
    ['a token for a longer host that ends like ours', async () => token({ aud: `api://evil-localhost:53000/${clientId}` }), /another application/],
    ['a token without access_as_user', async () => token({ scp: 'User.Read' }), /access_as_user/],
    ['a token from another tenant', async () => token({ tid: '11111111-1111-4111-8111-111111111111' }), /another tenant/],
  ])('refuses %s with 401 and a reason', async (_case, makeToken, reason) => {
    const response = await me(await makeToken());
    expect(response.status).toBe(401);
    expect((await response.json()).error).toMatch(reason);
  });
});
