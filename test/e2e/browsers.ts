// Which Debian packages the end-to-end suite needs, and what to do when one is missing: install it
// when this user may (root, or sudo without a password), otherwise fail naming the one command.
// A missing browser must never turn into skipped, and so silently "passing", tests.
import type { EngineName } from './driver/types';

/** Debian's binaries; the tests never download a browser. Each path can be overridden. */
export const BROWSER_PATHS = {
  chromium: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  firefox: process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr',
  webkitDriver: process.env['WEBKIT_DRIVER_PATH'] ?? '/usr/bin/WebKitWebDriver',
  miniBrowser:
    process.env['MINIBROWSER_PATH'] ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  xvfb: process.env['XVFB_PATH'] ?? '/usr/bin/Xvfb',
} as const;

/** Each engine's Debian packages and the files they provide (MiniBrowser comes with the driver's dependency). */
const NEEDS: Record<EngineName, readonly { package: string; paths: readonly string[] }[]> = {
  chromium: [{ package: 'chromium', paths: [BROWSER_PATHS.chromium] }],
  firefox: [{ package: 'firefox-esr', paths: [BROWSER_PATHS.firefox] }],
  webkit: [
    {
      package: 'webkit2gtk-driver',
      paths: [BROWSER_PATHS.webkitDriver, BROWSER_PATHS.miniBrowser],
    },
    { package: 'xvfb', paths: [BROWSER_PATHS.xvfb] },
  ],
};

/** The Debian packages whose files are missing for these engines, in a stable order. */
export function missingPackages(
  engines: readonly EngineName[],
  exists: (path: string) => boolean,
): string[] {
  const missing = engines.flatMap((engine) =>
    NEEDS[engine].filter((need) => !need.paths.every(exists)).map((need) => need.package),
  );
  return [...new Set(missing)];
}

/** The one command that installs them; `sudo` unless already root. */
export function installCommand(packages: readonly string[], root: boolean): string {
  const sudo = root ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
}

export interface InstallEnvironment {
  exists(path: string): boolean;
  root: boolean;
  /** True when `sudo -n true` succeeds (sudo present, no password asked). */
  passwordlessSudo(): boolean;
  /** Runs a shell command, inheriting output; returns its exit status. */
  run(command: string): number;
}

/**
 * Makes sure every engine's browser is installed, installing from Debian when allowed.
 * @throws Error naming the install command when a browser is missing and cannot be installed here.
 */
export function ensureBrowsers(engines: readonly EngineName[], env: InstallEnvironment): void {
  const missing = missingPackages(engines, env.exists);
  if (missing.length === 0) return;
  const command = installCommand(missing, env.root);
  const fail = (why: string): never => {
    throw new Error(
      `The end-to-end tests need Debian packages that are missing: ${missing.join(', ')}.\n${why} Install them with:\n  ${command}`,
    );
  };
  if (!env.root && !env.passwordlessSudo())
    fail('This user may not install them (not root, no passwordless sudo).');
  const status = env.run(`DEBIAN_FRONTEND=noninteractive sh -c '${command}'`);
  if (status !== 0) fail(`Installing them failed (exit status ${status}).`);
  const still = missingPackages(engines, env.exists);
  if (still.length > 0) fail(`After the install these are still missing: ${still.join(', ')}.`);
}
