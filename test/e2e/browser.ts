import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { BROWSER_PATHS, installCommand } from './browsers';

/** Debian's Chromium; the tests never download a browser. */
const CHROMIUM_PATH = BROWSER_PATHS.chromium;

/**
 * Launches headless Chromium, or fails loudly with the install command: a missing browser must
 * never turn into skipped (and so silently "passing") end-to-end tests.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}. The end-to-end tests need Debian's Chromium:\n` +
        `  ${installCommand(['chromium'], false)}\n` +
        '(or set CHROMIUM_PATH to another Chromium binary).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
