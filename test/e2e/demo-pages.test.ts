// Every demo page, signed out, as someone first opens it: an empty console (no warning, no error,
// no failed request) in every engine, and a layout that fits a 375 px wide phone.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DemoServer, startDemo } from './demo-server';
import { type E2EContext, type E2EPage, engines, useBrowser, waitFor } from './driver';

const PAGES = [
  '/',
  '/script-tag.html',
  '/react.html',
  '/vue.html',
  '/twurple.html',
  '/device.html',
] as const;
const PHONE_WIDTH = 375;

let demo: DemoServer;

beforeAll(async () => {
  demo = await startDemo({ watchConsole: true });
});
afterAll(async () => {
  await demo?.close();
});

/** Waits for the page's own start-up (body[data-ready]) and for its load event. */
async function loaded(page: E2EPage): Promise<void> {
  await waitFor(page, 'body[data-ready="true"]');
  await expect.poll(() => page.evaluate(() => document.readyState)).toBe('complete');
}

describe('every demo page declares an icon that loads', () => {
  // A browser asks for /favicon.ico on its own after the load event, and not every engine shows
  // that request to a test: the page must name an icon, and the icon must be there.
  it.each(PAGES)('%s', async (path) => {
    const html = await (await fetch(`${demo.url}${path}`)).text();
    const href = /<link rel="icon" href="([^"]+)"/.exec(html)?.[1];
    expect(href).toBeDefined();
    const icon = await fetch(new URL(href ?? '', `${demo.url}${path}`));
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\//);
  });
});

describe.each(engines)('%s', (engine) => {
  const browser = useBrowser(engine);
  let context: E2EContext;
  let page: E2EPage;

  beforeEach(async () => {
    context = await browser().newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context.close();
  });

  it.each(PAGES)('loads %s with an empty console and fits 375 px', async (path) => {
    await page.goto(`${demo.url}${path}`);
    await loaded(page);
    expect(await page.consoleProblems()).toEqual([]);

    // The same page in a 375 px wide frame (its viewport, for media queries and percentages),
    // first as it loads, then with every section shown and long unbreakable text in its status
    // and result boxes (the twurple page's scope_missing message once widened its card).
    await page.evaluate(
      ([src, width]) =>
        new Promise<void>((resolve, reject) => {
          const frame = document.createElement('iframe');
          frame.id = 'phone';
          frame.style.cssText = `width: ${width}px; height: 3000px; border: 0`;
          frame.onload = () => resolve();
          frame.onerror = () => reject(new Error(`${src} did not load in a frame`));
          frame.src = src;
          document.body.append(frame);
        }),
      [path, PHONE_WIDTH] as const,
    );
    const frameReady = (): Promise<boolean> =>
      page.evaluate(() => {
        const frame = document.getElementById('phone') as HTMLIFrameElement | null;
        return frame?.contentDocument?.body?.dataset['ready'] === 'true';
      });
    await expect.poll(frameReady).toBe(true);
    const widths = (fill: boolean): Promise<{ scroll: number; client: number }> =>
      page.evaluate((stuff) => {
        const frame = document.getElementById('phone') as HTMLIFrameElement;
        const doc = frame.contentDocument as Document;
        if (stuff) {
          const long = 'user:read:follows,channel:read:subscriptions,'.repeat(4);
          for (const element of doc.querySelectorAll('[hidden]')) element.removeAttribute('hidden');
          for (const element of doc.querySelectorAll('pre, [data-testid="status"], .name'))
            element.textContent = `${long} (scope_missing)`;
        }
        const root = doc.documentElement;
        return { scroll: root.scrollWidth, client: root.clientWidth };
      }, fill);
    for (const fill of [false, true]) {
      const { scroll, client } = await widths(fill);
      expect(client).toBeLessThanOrEqual(PHONE_WIDTH);
      expect(scroll, fill ? 'with long text' : 'as loaded').toBeLessThanOrEqual(client);
    }
  });
});
