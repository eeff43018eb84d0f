import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { eventually } from './eventually';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * Helpers for the tab suites (tests/tab): a browser context that never leaves loopback (teams-js' valid-domains
 * fetch is answered locally), a page opened as a demo user, axe checks, and screenshots kept as test artefacts.
 */
export const ARTIFACTS = resolve(__dirname, '..', '..', 'test-artifacts', 'tab');

/** What teams-js fetches at start to learn which hosts may embed it (a CDN this machine cannot reach). */
export const VALID_DOMAINS_URL = 'https://res.cdn.office.net/teams-js/validDomains/json/validDomains.json';
export const VALID_DOMAINS = { validOrigins: ['teams.microsoft.com', '*.teams.microsoft.com', 'teams.cloud.microsoft', '*.office.com', 'outlook.office.com'] };

/**
 * How long a view may take to appear. Generous on purpose: three people share this 2-core machine and a cold
 * page (React, Fluent, a lazy chunk, a few API calls) can take many seconds when the load average is high.
 */
export const UI_TIMEOUT = 45_000;

export interface ContextOptions {
  readonly viewport?: { width: number; height: number };
  readonly locale?: string;
  readonly timezoneId?: string;
  readonly colorScheme?: 'light' | 'dark';
  readonly forcedColors?: 'active' | 'none';
}

export async function tabContext(browser: Browser, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: options.locale ?? 'en-GB',
    timezoneId: options.timezoneId ?? 'Europe/London',
    colorScheme: options.colorScheme ?? 'light',
    forcedColors: options.forcedColors ?? 'none',
  });
  context.setDefaultTimeout(UI_TIMEOUT);
  await context.route(VALID_DOMAINS_URL, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(VALID_DOMAINS) }));
  return context;
}

/** Opens the dashboard as a demo user (AUTH_MODE=dev; `?as=` seeds the "signed in as" picker). */
export async function openDashboard(context: BrowserContext, serviceUrl: string, userId: string, hash = '', query = ''): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  (page as Page & { collectedErrors?: string[] }).collectedErrors = errors;
  await page.goto(`${serviceUrl}/tab/index.html?as=${userId}${query}${hash}`);
  return page;
}

export function pageErrorsOf(page: Page): string[] {
  return (page as Page & { collectedErrors?: string[] }).collectedErrors ?? [];
}

/** axe-core on the page: serious and critical violations (Fluent's focus-trap helpers are not content). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).exclude('[data-tabster-dummy]').analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/**
 * Saves a screenshot, never a blank one. the owner's meeting side panel was saved as an empty page while
 * its assertions passed. The tab there is a cross-origin (out-of-process) iframe in the simulated Teams host, and
 * Chromium sometimes hands back a capture before that frame's content is composited: measured on this machine, 2 of
 * 4 captures of the panel's own <main> came back as one flat colour while the host-page capture taken just before and
 * after showed it. The page itself was never empty (headings, form and list were found and axe-checked), so what a
 * person sees is fine and the capture is retaken until it shows something; a page that really is one flat colour
 * still fails here after the deadline.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await eventually(async () => {
    await page.screenshot({ path, fullPage: true });
    if (inkFraction(path) === 0) throw new Error(`the screenshot ${name}.png came out blank`);
  }, { timeoutInMs: 10_000 });
  return path;
}

/**
 * How much of a screenshot is not its background: the share of pixels whose colour differs from the most common one.
 * A blank capture (the owner's side panel came out as an empty page) is about 0; a real view is several %.
 */
export function inkFraction(path: string): number {
  const png = PNG.sync.read(readFileSync(path));
  const counts = new Map<number, number>();
  for (let i = 0; i < png.data.length; i += 4) {
    const key = png.data.readUInt32BE(i);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const background = Math.max(...counts.values());
  return 1 - background / (png.width * png.height);
}

/** True when nothing on the page is wider than the viewport (no sideways scrolling at 320 px). */
export async function fitsViewport(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}
