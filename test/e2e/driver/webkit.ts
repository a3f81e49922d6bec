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
    child.kill('SIGTERM');
  });
}

/** Starts Xvfb on a free display; a second try if another process took the number meanwhile. */
async function startXvfb(): Promise<{ child: ChildProcess; display: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const display = freeDisplay();
    const child = spawn(
      XVFB_PATH,
      [`:${display}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
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
  const port = await freePort();
  const driver = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`], {
    // No accessibility bridge: a GTK program without a session bus can wait on D-Bus for the
    // AT-SPI bus at start-up (a suspect, not a proven cause, of a session start that once hung).
    env: { ...process.env, DISPLAY: `:${xvfb.display}`, NO_AT_BRIDGE: '1', GTK_A11Y: 'none' },
    stdio: 'ignore',
  });
  stopOnExit(driver);
  const driverUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${driverUrl}/status`)).ok, 'WebKitWebDriver', driver);
  } catch (error) {
    await stop(driver);
    await stop(xvfb.child);
    throw error;
  }
  return {
    engine: 'webkit',
    newContext: async () => {
      const session = await WebDriverSession.create(driverUrl, {
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
      });
      let pages = 0;
      return {
        newPage: () => session.newPage((pages += 1) === 1),
        close: async () => void (await session.delete()),
      };
    },
    close: async () => {
      await stop(driver);
      await stop(xvfb.child);
    },
  };
}
