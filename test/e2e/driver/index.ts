// One way to write an end-to-end test: against E2EPage, once, for every engine in ENGINES.
import { launchChromiumEngine } from './chromium';
import { launchFirefoxEngine } from './firefox';
import type { E2EBrowser, E2EPage, EngineName } from './types';
import { launchWebKitEngine } from './webkit';

export { engines } from './types';
export type { E2EBrowser, E2EContext, E2EPage, EngineName } from './types';

export function launch(engine: EngineName): Promise<E2EBrowser> {
  switch (engine) {
    case 'chromium':
      return launchChromiumEngine();
    case 'firefox':
      return launchFirefoxEngine();
    case 'webkit':
      return launchWebKitEngine();
  }
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
