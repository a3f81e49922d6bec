import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../demo-server';
import { BROWSER_PATHS, installCommand } from '../browsers';
import type { E2EBrowser } from './types';
import { WebDriverSession } from './webdriver';

// Debian's WebKitGTK driver (webkit2gtk-driver), the MiniBrowser it drives, and Xvfb.
const {
  webkitDriver: WEBKIT_DRIVER_PATH,
  miniBrowser: MINIBROWSER_PATH,
  xvfb: XVFB_PATH,
} = BROWSER_PATHS;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Children started in a process group of their own (stopped with their descendants). */
const groupLeaders = new WeakSet<ChildProcess>();

/** The first X display number with neither a lock file nor a socket. */
function freeDisplay(): number {
  for (let n = 99; n < 600; n += 1) {
    if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return n;
  }
  throw new Error('no free X display number');
}

async function waitFor(
  ready: () => boolean | Promise<boolean>,
  what: string,
  child: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (
    !(await Promise.resolve()
      .then(ready)
      .catch(() => false))
  ) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what} did not start`);
    await sleep(50);
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // A detached child leads its own process group: signal the group (the driver's browsers too).
    if (child.pid !== undefined && groupLeaders.has(child)) {
      try {
        process.kill(-child.pid, 'SIGTERM');
        return;
      } catch {
        // the group is gone already; fall through to the child
      }
    }
    child.kill('SIGTERM');
  });
}

/** Starts Xvfb on a free display; a second try if another process took the number meanwhile. */
async function startXvfb(): Promise<{ child: ChildProcess; display: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const display = freeDisplay();
    const child = spawn(
      XVFB_PATH,
      // -noreset: by default an X server resets when its last client leaves and drops every
      // client that connects meanwhile. Between two sessions the last client is the closing
      // MiniBrowser; the next one, dropped, exits ("cannot open display") and WebKitWebDriver
      // then never answers POST /session (it stops waiting for a browser that has gone, without
      // an error). Seen once in 50 to 100 session starts before this flag, none in 500 after.
      [`:${display}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp', '-noreset'],
      { stdio: 'ignore' },
    );
    stopOnExit(child);
    try {
      await waitFor(() => existsSync(`/tmp/.X11-unix/X${display}`), 'Xvfb', child);
      return { child, display };
    } catch (error) {
      await stop(child);
      if (attempt === 2) throw error;
    }
  }
}

/** A crashed or interrupted test run must not leave an X server or a driver behind. */
function stopOnExit(child: ChildProcess): void {
  const kill = (): void => void child.kill('SIGTERM');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
}

/**
 * MiniBrowser has no headless switch: it runs on a private Xvfb display, and WebKitWebDriver
 * starts one MiniBrowser per session. WebKitWebDriver allows one session at a time, which is all
 * the suite needs: each context is a session, so each test gets a fresh browser profile.
 */
export async function launchWebKitEngine(): Promise<E2EBrowser> {
  for (const path of [WEBKIT_DRIVER_PATH, MINIBROWSER_PATH, XVFB_PATH]) {
    if (!existsSync(path)) {
      throw new Error(
        `${path} is missing; install it with:\n  ${installCommand(['webkit2gtk-driver', 'xvfb'], false)}`,
      );
    }
  }
  const xvfb = await startXvfb();
  const driver = await startDriver(xvfb);
  const close = async (): Promise<void> => {
    await stop(driver.child);
    await stop(xvfb.child);
  };
  return {
    engine: 'webkit',
    newContext: async () => {
      const session = await createSession(driver.url);
      let pages = 0;
      return {
        newPage: () => session.newPage((pages += 1) === 1),
        close: async () => void (await session.delete()),
      };
    },
    close,
  };
}

/** How long a WebKit session may take to start (normally 0.5 to 1.5 s). */
const SESSION_START_MS = 20_000;

/** A session that does not start fails the test naming why, rather than at the test's timeout. */
async function createSession(driverUrl: string): Promise<WebDriverSession> {
  try {
    return await WebDriverSession.create(
      driverUrl,
      {
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
      },
      AbortSignal.timeout(SESSION_START_MS),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'TimeoutError')) throw error;
    throw new Error(
      `WebKitWebDriver did not answer POST /session in ${SESSION_START_MS} ms: the MiniBrowser it ` +
        'started has most likely exited (WebKitWebDriver does not report that)',
      { cause: error },
    );
  }
}

/** Starts WebKitWebDriver on a free port of the Xvfb display; resolves once it answers. */
async function startDriver(xvfb: {
  child: ChildProcess;
  display: number;
}): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`], {
    // No accessibility bridge: a GTK program without a session bus can wait on D-Bus for the
    // AT-SPI bus at start-up.
    env: { ...process.env, DISPLAY: `:${xvfb.display}`, NO_AT_BRIDGE: '1', GTK_A11Y: 'none' },
    stdio: 'ignore',
    // Its own process group, so stopping it also stops a MiniBrowser it started.
    detached: true,
  });
  groupLeaders.add(child);
  stopOnExit(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${url}/status`)).ok, 'WebKitWebDriver', child);
  } catch (error) {
    await stop(child);
    await stop(xvfb.child);
    throw error;
  }
  return { child, url };
}
