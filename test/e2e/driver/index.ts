// One way to write an end-to-end test: against E2EPage, once, for every engine in ENGINES.
import { afterAll, beforeAll } from 'vitest';
import { launchChromiumEngine } from './chromium';
import { launchFirefoxEngine } from './firefox';
import type { E2EBrowser, E2EContext, E2EPage, EngineName } from './types';
import { launchWebKitEngine } from './webkit';

export { engines } from './types';
export type { E2EBrowser, E2EContext, E2EPage, EngineName } from './types';

function launch(engine: EngineName): Promise<E2EBrowser> {
  switch (engine) {
    case 'chromium':
      return launchChromiumEngine();
    case 'firefox':
      return launchFirefoxEngine();
    case 'webkit':
      return launchWebKitEngine();
  }
}

/**
 * Launches the engine's browser before the enclosing describe block's tests and closes it after
 * them; the returned function gives the browser inside a test or hook.
 */
export function useBrowser(engine: EngineName): () => E2EBrowser {
  let browser: E2EBrowser | undefined;
  beforeAll(async () => {
    browser = await launch(engine);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error(`${engine} did not launch`);
    return browser;
  };
}

/**
 * Closes the context and returns the CSP and Trusted Types violations its open pages recorded
 * (fixtures/csp-watch.js keeps them in the tab's sessionStorage, so they survive redirects). The
 * context closes even when reading fails: WebKitWebDriver allows one session at a time.
 */
export async function closeReportingCsp(
  context: E2EContext,
  pages: readonly E2EPage[],
): Promise<string[]> {
  const violations: string[] = [];
  try {
    for (const page of pages) {
      if (await page.isClosed()) continue;
      const seen = await page.evaluate(() => sessionStorage.getItem('csp-violations'));
      violations.push(...(JSON.parse(seen ?? '[]') as string[]));
    }
  } finally {
    await context.close();
  }
  return violations;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `selector` matches an element, retrying across navigations. */
export async function waitFor(page: E2EPage, selector: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await page.evaluate((s) => document.querySelector(s) !== null, selector)) return;
    } catch (error) {
      last = error; // the page is between documents
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${selector} at ${await page.url().catch(() => '?')}${last ? ` (${String(last)})` : ''}`,
      );
    }
    await sleep(50);
  }
}

/** The element's trimmed text, or null when nothing matches. */
export const text = (page: E2EPage, selector: string): Promise<string | null> =>
  page.evaluate((s) => document.querySelector(s)?.textContent?.trim() ?? null, selector);

export const attribute = (page: E2EPage, selector: string, name: string): Promise<string | null> =>
  page.evaluate(([s, n]) => document.querySelector(s)?.getAttribute(n) ?? null, [
    selector,
    name,
  ] as const);

/** The trimmed texts of every match. */
export const texts = (page: E2EPage, selector: string): Promise<string[]> =>
  page.evaluate(
    (s) => [...document.querySelectorAll(s)].map((item) => (item.textContent ?? '').trim()),
    selector,
  );
