import type { Page } from 'playwright-core';
import { launchChromium } from '../browser';
import type { E2EBrowser, E2EPage } from './types';

function wrap(page: Page): E2EPage {
  const problems: string[] = [];
  page.on('console', (message) => {
    const type = message.type();
    if (type === 'warning' || type === 'error') problems.push(`console.${type}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
  });
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
    consoleProblems: async () => [...problems],
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
