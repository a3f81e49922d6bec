import type { Page } from 'playwright-core';
import { launchChromium } from '../browser';
import type { E2EBrowser, E2EPage } from './types';

function wrap(page: Page): E2EPage {
  return {
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    back: async () => void (await page.goBack()),
    url: async () => page.url(),
    evaluate: (fn, arg) => page.evaluate(fn as (a: unknown) => never, arg),
    click: (selector) => page.click(selector),
    popup: async (action) => {
      const popup = page.waitForEvent('popup');
      await action();
      return wrap(await popup);
    },
    isClosed: async () => page.isClosed(),
    close: () => page.close(),
  };
}

/** Debian's Chromium through Playwright (CDP). */
export async function launchChromiumEngine(): Promise<E2EBrowser> {
  const browser = await launchChromium();
  return {
    engine: 'chromium',
    newContext: async () => {
      const context = await browser.newContext();
      return { newPage: async () => wrap(await context.newPage()), close: () => context.close() };
    },
    close: () => browser.close(),
  };
}
