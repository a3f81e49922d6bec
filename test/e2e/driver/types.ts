/** The three engines the end-to-end suite runs in, each from a Debian package. */
const ENGINES = ['chromium', 'firefox', 'webkit'] as const;
export type EngineName = (typeof ENGINES)[number];

/**
 * The engines this run covers: all three, or a comma-separated subset in E2E_ENGINES for a quick
 * local run (`E2E_ENGINES=webkit npx vitest run --project e2e`).
 */
export const engines: readonly EngineName[] = (() => {
  const wanted = process.env['E2E_ENGINES'];
  if (wanted === undefined || wanted === '') return ENGINES;
  const list = wanted.split(',').map((name) => name.trim());
  const unknown = list.filter((name) => !(ENGINES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`E2E_ENGINES names unknown engines: ${unknown.join(', ')}`);
  return list as EngineName[];
})();

/**
 * One tab or popup. Deliberately small: a test is written once against this and runs in every
 * engine, so anything here must exist in Playwright, WebDriver BiDi and classic WebDriver alike.
 */
export interface E2EPage {
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** The browser's Back button; may return before the page it goes back to has loaded. */
  back(): Promise<void>;
  url(): Promise<string>;
  /** Runs `fn` in the page (it is serialised: no closures) with one JSON argument. */
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Clicks the element as a user would (a trusted click, so popups open); waits for it first. */
  click(selector: string): Promise<void>;
  /** Runs `action` (e.g. a click) and returns the popup window it opened. */
  popup(action: () => Promise<void>): Promise<E2EPage>;
  isClosed(): Promise<boolean>;
  /**
   * The console warnings and errors, uncaught errors and failed requests (status 400 or more, or
   * no answer) of this tab so far. Chromium and Firefox report what their protocol sees; classic
   * WebDriver (WebKit) has no console, so there it is what fixtures/console-watch.js recorded in
   * the current document, and a page without that script fails the call.
   */
  consoleProblems(): Promise<string[]>;
  /** Closes the window, as a user closing it would. */
  close(): Promise<void>;
}

/** An isolated profile: its pages share storage with each other and with nothing else. */
export interface E2EContext {
  newPage(): Promise<E2EPage>;
  close(): Promise<void>;
}

export interface E2EBrowser {
  readonly engine: EngineName;
  newContext(): Promise<E2EContext>;
  close(): Promise<void>;
}
