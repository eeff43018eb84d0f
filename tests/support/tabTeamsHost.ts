import type { BrowserContext } from 'playwright-core';

/**
 * A stand-in for the Teams web client, for the tab suites: a page on https://teams.microsoft.com (served by
 * Playwright routing, never the network) that embeds the tab in an iframe and answers teams-js' postMessage
 * calls the way the host does — initialize, getContext, authentication.getAuthToken, theme changes. The tab is
 * reached as https://practiceloop.test/tab/… and proxied to the service under test, so both sides are https
 * origins as in Teams. A host that never answers (any other site embedding the tab) is `foreignHostUrl`.
 */
export const TEAMS_ORIGIN = 'https://teams.microsoft.com';
export const TAB_ORIGIN = 'https://practiceloop.test';

export interface TeamsHostOptions {
  readonly token: string;
  readonly userObjectId: string;
  readonly tenantId: string;
  readonly theme?: 'default' | 'dark' | 'contrast';
  readonly locale?: string;
  readonly subPageId?: string;
}

function hostPage(options: TeamsHostOptions, tabPath: string): string {
  const context = {
    locale: options.locale ?? 'en-gb', theme: options.theme ?? 'default', userObjectId: options.userObjectId, tid: options.tenantId,
    entityId: 'dashboard', subEntityId: options.subPageId ?? '', frameContext: 'content', hostClientType: 'web', hostName: 'Teams',
    appSessionId: '6a2b1f3c-0000-4000-8000-000000000001', userPrincipalName: 'someone@example.test', loginHint: 'someone@example.test',
  };
  const runtime = { apiVersion: 4, isLegacyTeams: false, supports: { app: { lifecycle: { caching: {} } }, appInstallDialog: {}, pages: { appButton: {}, tabs: {}, config: {}, backStack: {} }, teams: { fullTrial: {} } } };
  return `<!doctype html><html lang="en"><head><title>Teams (test host)</title></head><body>
<iframe id="tab" title="Practice Loop" style="width:1200px;height:900px;border:0" src="${TAB_ORIGIN}${tabPath}"></iframe>
<script>
  window.seen = [];
  window.token = ${JSON.stringify(options.token)};
  const context = ${JSON.stringify(context)};
  const runtime = ${JSON.stringify(JSON.stringify(runtime))};
  let themeHandlerSource = null;
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m.func !== 'string') return;
    window.seen.push(m.func);
    const reply = (args) => event.source.postMessage({ id: m.id, uuidAsString: m.uuidAsString, args }, '*');
    switch (m.func) {
      case 'initialize': reply(['content', 'web', runtime, '2.58.0']); break;
      case 'getContext': reply([context]); break;
      case 'authentication.getAuthToken': reply(window.token ? [true, window.token] : [false, 'resourceRequiresConsent']); break;
      case 'registerHandler': if (m.args && m.args[0] === 'themeChange') themeHandlerSource = event.source; break;
      default: break;
    }
  });
  // The test switches the Teams theme like a user would.
  window.switchTheme = (theme) => {
    const frame = document.getElementById('tab').contentWindow;
    frame.postMessage({ func: 'themeChange', args: [theme] }, '*');
  };
</script></body></html>`;
}

/** Routes the Teams host page and the tab's origin (proxied to the service) in this browser context. */
export async function installTeamsHost(context: BrowserContext, serviceUrl: string, options: TeamsHostOptions, tabPath = '/tab/index.html'): Promise<string> {
  await context.route(`${TEAMS_ORIGIN}/_host`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: hostPage(options, tabPath) }));
  await context.route(`${TAB_ORIGIN}/**`, async (route) => {
    const url = route.request().url().replace(TAB_ORIGIN, serviceUrl);
    const response = await route.fetch({ url });
    await route.fulfill({ response });
  });
  return `${TEAMS_ORIGIN}/_host`;
}

/** Another site embedding the tab: nobody answers teams-js, so its initialisation must give up on its own. */
export async function installForeignHost(context: BrowserContext, serviceUrl: string): Promise<string> {
  await context.route('https://elsewhere.example/', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: `<!doctype html><html lang="en"><title>Elsewhere</title><iframe title="Embedded" style="width:1000px;height:800px" src="${TAB_ORIGIN}/tab/index.html"></iframe></html>` }));
  await context.route(`${TAB_ORIGIN}/**`, async (route) => {
    const response = await route.fetch({ url: route.request().url().replace(TAB_ORIGIN, serviceUrl) });
    await route.fulfill({ response });
  });
  return 'https://elsewhere.example/';
}
