import type { Browser, Page } from 'playwright-core';
import { freePort } from '../../tools/free-port';
import { startPlayground, type RunningPlayground } from '../../tools/playground/start';
import { launchChromium } from './browser';
import type { TestStack } from './service';

export interface OpenPlayground {
  readonly playground: RunningPlayground;
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

/** The Agents Playground talking to the test stack's service, open in headless Chromium as one demo person. */
export async function openPlaygroundAs(stack: TestStack, userId: string): Promise<OpenPlayground> {
  const playground = await startPlayground({ port: await freePort(), botEndpoint: `${stack.service.url}/api/messages`, userId });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  // A step that cannot find its element fails in seconds with the locator named, not at the test's deadline.
  page.setDefaultTimeout(8_000);
  // Loading the Playground's client is the slow part (several MB of script), especially on a busy 2-core machine.
  await page.goto(playground.url, { timeout: 45_000 });
  return {
    playground, browser, page,
    async close() {
      await browser.close();
      await playground.stop();
    },
  };
}
