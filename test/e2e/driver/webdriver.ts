// A minimal classic W3C WebDriver client over fetch: just the commands the suite's E2EPage needs.
// (webdriverio and selenium-webdriver pull driver-downloading packages and Node 22-only releases.)
import type { E2EPage } from './types';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** A WebDriver session; it tracks the current window so every page can switch to its own. */
export class WebDriverSession {
  private current: string | undefined;

  private constructor(
    private readonly base: string,
    readonly id: string,
  ) {}

  /** POST /session with the given capabilities (W3C `alwaysMatch`). */
  static async create(
    driverUrl: string,
    capabilities: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<WebDriverSession> {
    const value = (await command(
      driverUrl,
      'POST',
      '/session',
      { capabilities: { alwaysMatch: capabilities } },
      signal,
    )) as {
      sessionId: string;
    };
    return new WebDriverSession(driverUrl, value.sessionId);
  }

  run(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    return command(this.base, method, `/session/${this.id}${path}`, body);
  }

  async handles(): Promise<string[]> {
    return (await this.run('GET', '/window/handles')) as string[];
  }

  /** Makes `handle` the window the next command goes to. */
  async focus(handle: string): Promise<void> {
    if (this.current === handle) return;
    await this.run('POST', '/window', { handle });
    this.current = handle;
  }

  forget(handle: string): void {
    if (this.current === handle) this.current = undefined;
  }

  async newPage(first: boolean): Promise<E2EPage> {
    const handle = first
      ? ((await this.run('GET', '/window')) as string)
      : ((await this.run('POST', '/window/new', { type: 'tab' })) as { handle: string }).handle;
    return webDriverPage(this, handle);
  }

  delete(): Promise<unknown> {
    return command(this.base, 'DELETE', `/session/${this.id}`);
  }
}

async function command(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: method === 'POST' ? JSON.stringify(body ?? {}) : null,
    signal: signal ?? null,
  });
  const json = (await response.json()) as { value: unknown };
  if (!response.ok) {
    const error = json.value as { error?: string; message?: string };
    throw new Error(
      `WebDriver ${method} ${path}: ${error.error ?? response.status}: ${error.message ?? ''}`,
    );
  }
  return json.value;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `attempt` until it returns a value, retrying errors (e.g. a page still navigating). */
async function until<T>(
  attempt: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(50);
  }
}

// The function runs as the body of an async script: its promise settles the command, and an error
// comes back as a value so WebDriver's own "javascript error" does not hide the message.
const ASYNC_WRAPPER = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (FN)(arguments[0])).then(
  (value) => done({ ok: value, undefined: value === undefined }),
  (error) => done({ error: String(error && error.stack || error) }));`;

function webDriverPage(session: WebDriverSession, handle: string): E2EPage {
  const run = async (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<unknown> => {
    await session.focus(handle);
    return session.run(method, path, body);
  };
  const page: E2EPage = {
    goto: async (url) => void (await run('POST', '/url', { url })),
    reload: async () => void (await run('POST', '/refresh')),
    back: async () => void (await run('POST', '/back')),
    url: async () => (await run('GET', '/url')) as string,
    evaluate: async (fn, arg) => {
      const script = ASYNC_WRAPPER.replace('FN', fn.toString());
      const result = (await run('POST', '/execute/async', { script, args: [arg ?? null] })) as {
        ok?: unknown;
        undefined?: boolean;
        error?: string;
      };
      if (result.error !== undefined) throw new Error(result.error);
      return (result.undefined === true ? undefined : result.ok) as never;
    },
    click: async (selector) => {
      const element = await until(
        async () =>
          (
            (await run('POST', '/element', { using: 'css selector', value: selector })) as Record<
              string,
              string
            >
          )[ELEMENT],
        selector,
      );
      await run('POST', `/element/${element}/click`);
    },
    popup: async (action) => {
      const before = new Set(await session.handles());
      await action();
      const opened = await until(
        async () => (await session.handles()).find((h) => !before.has(h)),
        'a popup',
      );
      return webDriverPage(session, opened);
    },
    isClosed: async () => !(await session.handles()).includes(handle),
    // Classic WebDriver has no console or network log: what fixtures/console-watch.js recorded.
    consoleProblems: async () => {
      const seen = await page.evaluate(
        () => (window as { __consoleWatch?: string[] }).__consoleWatch ?? null,
      );
      if (seen === null) throw new Error('this page did not load fixtures/console-watch.js');
      return seen;
    },
    close: async () => {
      await run('DELETE', '/window');
      session.forget(handle);
    },
  };
  return page;
}
