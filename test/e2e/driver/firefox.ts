import { existsSync } from 'node:fs';
import puppeteer, { type Page } from 'puppeteer-core';
import { BROWSER_PATHS, installCommand } from '../browsers';
import type { E2EBrowser, E2EPage } from './types';

const FIREFOX_PATH = BROWSER_PATHS.firefox;

function wrap(page: Page): E2EPage {
  const problems: string[] = [];
  page.on('console', (message) => {
    const type = message.type();
    if (type === 'warn' || type === 'error') problems.push(`console.${type}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${String(error)}`));
  page.on('requestfailed', (request) =>
    problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
  });
  return {
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    // Puppeteer's goBack waits for a load event, and a page Firefox restores from its back-forward
    // cache fires none; the test waits for what it expects on the page it went back to.
    back: async () => void (await page.evaluate(() => history.back())),
    url: async () => page.url(),
    evaluate: (fn, arg) => page.evaluate(fn as (a: unknown) => never, arg),
    // A user clicks in the tab in front; a background tab gets no animation frames, and the
    // locator's wait for a stable element (attached, visible, not moving) runs on them.
    click: async (selector) => {
      await page.bringToFront();
      await page.locator(selector).click();
    },
    popup: async (action) => {
      const popup = new Promise<Page | null>((resolve) => page.once('popup', resolve));
      await action();
      const opened = await popup;
      if (opened === null) throw new Error('the popup closed before it could be reached');
      return wrap(opened);
    },
    isClosed: async () => page.isClosed(),
    consoleProblems: async () => [...problems],
    close: () => page.close(),
  };
}

/** Debian's Firefox ESR through Puppeteer over WebDriver BiDi, headless. */
export async function launchFirefoxEngine(): Promise<E2EBrowser> {
  if (!existsSync(FIREFOX_PATH)) {
    throw new Error(
      `Firefox is missing at ${FIREFOX_PATH}; install it with:\n  ${installCommand(['firefox-esr'], false)}`,
    );
  }
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
  });
  return {
    engine: 'firefox',
    newContext: async () => {
      const context = await browser.createBrowserContext();
      return { newPage: async () => wrap(await context.newPage()), close: () => context.close() };
    },
    close: () => browser.close(),
  };
}
