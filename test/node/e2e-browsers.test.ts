// The e2e suite's browser check: a missing browser is installed from Debian when this user may,
// and otherwise the run fails naming the one install command (never skipped tests).
import { describe, expect, it } from 'vitest';
import {
  BROWSER_PATHS,
  type InstallEnvironment,
  ensureBrowsers,
  installCommand,
  missingPackages,
} from '../e2e/browsers';

const ALL = ['chromium', 'firefox', 'webkit'] as const;

function machine(
  missing: string[],
  options: { root?: boolean; sudo?: boolean; installs?: boolean; status?: number } = {},
) {
  const absent = new Set(missing);
  const commands: string[] = [];
  const env: InstallEnvironment = {
    exists: (path) => !absent.has(path),
    root: options.root ?? false,
    passwordlessSudo: () => options.sudo ?? false,
    run: (command) => {
      commands.push(command);
      if (options.installs ?? true) absent.clear();
      return options.status ?? 0;
    },
  };
  return { env, commands };
}

describe('e2e browser packages', () => {
  it('names the Debian package of each missing file, once each', () => {
    const exists = (path: string) =>
      path !== BROWSER_PATHS.miniBrowser && path !== BROWSER_PATHS.xvfb;
    expect(missingPackages(ALL, exists)).toEqual(['webkit2gtk-driver', 'xvfb']);
    expect(missingPackages(['chromium', 'firefox'], exists)).toEqual([]);
    expect(missingPackages(ALL, () => false)).toEqual([
      'chromium',
      'firefox-esr',
      'webkit2gtk-driver',
      'xvfb',
    ]);
  });

  it('writes the install command with sudo unless root', () => {
    expect(installCommand(['firefox-esr'], false)).toBe(
      'sudo apt-get update && sudo apt-get install -y firefox-esr',
    );
    expect(installCommand(['chromium', 'xvfb'], true)).toBe(
      'apt-get update && apt-get install -y chromium xvfb',
    );
  });

  it('does nothing when every browser is there', () => {
    const { env, commands } = machine([]);
    ensureBrowsers(ALL, env);
    expect(commands).toEqual([]);
  });

  it('fails naming the install command when this user may not install', () => {
    const { env, commands } = machine([BROWSER_PATHS.firefox]);
    expect(() => ensureBrowsers(ALL, env)).toThrow(
      /missing: firefox-esr\.[\s\S]*\n {2}sudo apt-get update && sudo apt-get install -y firefox-esr$/,
    );
    expect(commands).toEqual([]);
  });

  it('installs only the missing packages as root, or with passwordless sudo', () => {
    const asRoot = machine([BROWSER_PATHS.webkitDriver], { root: true });
    ensureBrowsers(ALL, asRoot.env);
    expect(asRoot.commands).toEqual([
      "DEBIAN_FRONTEND=noninteractive sh -c 'apt-get update && apt-get install -y webkit2gtk-driver'",
    ]);
    const withSudo = machine([BROWSER_PATHS.chromium], { sudo: true });
    ensureBrowsers(ALL, withSudo.env);
    expect(withSudo.commands).toEqual([
      "DEBIAN_FRONTEND=noninteractive sh -c 'sudo apt-get update && sudo apt-get install -y chromium'",
    ]);
  });

  it('fails naming the command when the install fails or leaves a browser missing', () => {
    expect(() =>
      ensureBrowsers(ALL, machine([BROWSER_PATHS.xvfb], { root: true, status: 100 }).env),
    ).toThrow(/exit status 100[\s\S]*apt-get install -y xvfb/);
    expect(() =>
      ensureBrowsers(ALL, machine([BROWSER_PATHS.xvfb], { root: true, installs: false }).env),
    ).toThrow(/still missing: xvfb[\s\S]*apt-get install -y xvfb/);
  });
});
