import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import type { Browser } from 'playwright-core';
import { entraAuthenticator } from '../../src/api/auth';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { launchChromium } from '../support/browser';
import { startTestStack, type TestStack } from '../support/service';
import { saveScreenshot, seriousAxeViolations, tabContext, UI_TIMEOUT } from '../support/tab';
import { installForeignHost, installTeamsHost } from '../support/tabTeamsHost';

// The tab inside a simulated Teams host with AUTH_MODE=entra: teams-js initialises against the host, the tab asks
// for an SSO token (authentication.getAuthToken), the service validates it against a local JWKS and maps the user
// by the token's oid. Outside Teams the visitor gets "open this in Teams"; inside a host that never answers,
// teams-js initialisation gives up on its own instead of hanging.
jest.setTimeout(90_000);

const organisation = loadDemoOrganisation();
const person = organisation.people.find((p) => p.displayName === 'Sofia Marin')!;
const tenantId = organisation.tenantId;
const clientId = '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const issuer = `https://login.microsoftonline.com/${tenantId}/v2.0`;

let stack: TestStack;
let browser: Browser;
let privateKey: KeyLike;

async function token(claims: Record<string, unknown> = {}, expiresIn = '1h'): Promise<string> {
  return new SignJWT({ oid: person.id, tid: tenantId, scp: 'access_as_user', name: 'Name claims are not identity', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'tab-key' }).setIssuer(issuer).setAudience(`api://practiceloop.test/${clientId}`)
    .setIssuedAt().setExpirationTime(expiresIn).sign(privateKey);
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'tab-key', alg: 'RS256' };
  const authenticate = entraAuthenticator({ tenantId, clientId, apiHost: 'practiceloop.test', keys: createLocalJWKSet({ keys: [jwk] }), issuers: [issuer] });
  stack = await startTestStack('tabsso', {
    env: { AUTH_MODE: 'entra', AAD_APP_CLIENT_ID: clientId, AAD_APP_TENANT_ID: tenantId, MicrosoftAppId: 'b0f7b3a2-0000-4000-8000-000000000001', MicrosoftAppPassword: 'x' },
    overrides: { authenticate },
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the tab in Teams (simulated host, AUTH_MODE=entra)', () => {
  it('signs in with the Teams SSO token and shows the person the token’s oid names', async () => {
    const context = await tabContext(browser);
    const hostUrl = await installTeamsHost(context, stack.service.url, { token: await token(), userObjectId: person.id, tenantId, theme: 'dark' });
    const page = await context.newPage();
    const apiCalls: string[] = [];
    page.on('request', (request) => { if (request.url().includes('/api/')) apiCalls.push(`${request.url()} ${request.headers().authorization ? 'bearer' : 'none'}`); });
    await page.goto(hostUrl);
    const tab = page.frameLocator('#tab');
    await tab.getByText(person.displayName).first().waitFor({ timeout: UI_TIMEOUT });
    expect(await tab.getByText('You are not in a practice round yet').count()).toBe(1);
    expect(await tab.getByLabel('Signed in as').count()).toBe(0);
    expect(apiCalls.filter((c) => c.includes('/api/dashboard')).every((c) => c.endsWith('bearer'))).toBe(true);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen).toEqual(expect.arrayContaining(['initialize', 'getContext', 'authentication.getAuthToken']));
    // The Teams theme (dark) was followed.
    expect(await tab.locator('html').getAttribute('data-theme')).toBe('dark');
    await saveScreenshot(page, 'teams-host-dark');
    // Switching Teams to high contrast re-themes the open tab.
    await page.evaluate(() => (window as unknown as { switchTheme(t: string): void }).switchTheme('contrast'));
    for (let i = 0; i < 50 && (await tab.locator('html').getAttribute('data-theme')) !== 'contrast'; i += 1) await page.waitForTimeout(100);
    expect(await tab.locator('html').getAttribute('data-theme')).toBe('contrast');
    await context.close();
  });

  it('says to reopen the tab when the SSO token is refused (expired), without a stack trace', async () => {
    const context = await tabContext(browser);
    const hostUrl = await installTeamsHost(context, stack.service.url, { token: await token({}, '-10m'), userObjectId: person.id, tenantId });
    const page = await context.newPage();
    await page.goto(hostUrl);
    const tab = page.frameLocator('#tab');
    await tab.getByRole('alert').waitFor({ timeout: UI_TIMEOUT });
    const text = await tab.locator('body').innerText();
    expect(text).toMatch(/expired; reopen the tab/);
    expect(text).not.toMatch(/JWTExpired|at .*\.js/);
    await context.close();
  });

  it('says what to do when Teams cannot give a token (no consent)', async () => {
    const context = await tabContext(browser);
    const hostUrl = await installTeamsHost(context, stack.service.url, { token: '', userObjectId: person.id, tenantId });
    const page = await context.newPage();
    await page.goto(hostUrl);
    const tab = page.frameLocator('#tab');
    await tab.getByText(/Teams could not sign you in to Practice Loop/).waitFor({ timeout: UI_TIMEOUT });
    await context.close();
  });
});

describe('the tab outside Teams (AUTH_MODE=entra)', () => {
  it('shows a clear "open this in Teams" page, not a blank screen, and no sign-in picker', async () => {
    const context = await tabContext(browser);
    const page = await context.newPage();
    await page.goto(`${stack.service.url}/tab/index.html`);
    await page.getByRole('heading', { name: 'Open Practice Loop in Microsoft Teams' }).waitFor({ timeout: 10_000 });
    expect(await page.getByLabel('Signed in as').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'open-in-teams');
    await context.close();
  });

  it('does not hang inside a site that is not Teams: teams-js initialisation is time-boxed', async () => {
    const context = await tabContext(browser);
    const url = await installForeignHost(context, stack.service.url);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(url);
    await page.frameLocator('iframe').getByRole('heading', { name: 'Open Practice Loop in Microsoft Teams' }).waitFor({ timeout: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    await context.close();
  });
});
