// The README's script-tag Quick start, followed as written, in every engine: its `npx
// twitch-emulator` line starts the emulator (the package's own CLI, built in dist/), its page is
// served at the URL that line registers, beside the script file its `cp` line names (from dist/,
// where `npm run build` puts it), and a user signs in through the emulator's consent page. The
// page and the commands are read from README.md, never copied here.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type E2EContext, engines, text, useBrowser, waitFor } from './driver';

const ROOT = process.cwd();

/** The README's script-tag Quick start: its shell block and its page. */
async function quickStart(): Promise<{ commands: string[]; html: string }> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n### Script tag\n');
  if (start === -1) throw new Error('README.md has no "### Script tag" section');
  const end = readme.indexOf('\n### ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const sh = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  const html = /```html\n([\s\S]*?)```/.exec(section)?.[1];
  if (sh === undefined || html === undefined)
    throw new Error('the script-tag Quick start lacks its sh or html block');
  return { commands: sh.split('\n').filter((line) => line.trim() !== ''), html };
}

/** The words after `prefix` on the one command line that starts with it. */
function argsOf(commands: readonly string[], prefix: string): string[] {
  const line = commands.find((command) => command.startsWith(`${prefix} `));
  if (line === undefined) throw new Error(`the Quick start has no "${prefix}" line`);
  return line.slice(prefix.length).trim().split(/\s+/);
}

let emulator: ChildProcess | undefined;
let emulatorUrl: string;
let site: Server | undefined;
let pageUrl: URL;
let html: string;

/** Runs the README's emulator command with the built CLI and waits for the JSON it prints. */
async function startEmulator(args: readonly string[]): Promise<string> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/emulator/cli.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  emulator = child;
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`twitch-emulator exited (${code}) before it printed its endpoints: ${err}`)),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      try {
        resolve((JSON.parse(out) as { url: string }).url);
      } catch {
        // not the whole JSON yet
      }
    });
  });
}

beforeAll(async () => {
  const start = await quickStart();
  html = start.html;
  const emulatorArgs = argsOf(start.commands, 'npx twitch-emulator');
  pageUrl = new URL(emulatorArgs[emulatorArgs.indexOf('--redirect-uri') + 1] ?? '');
  // `cp node_modules/twitch-spa-login/dist/<file> .`: in this repository the file is in dist/.
  const [source] = argsOf(start.commands, 'cp');
  const script = basename(source ?? '');
  expect(html).toContain(`<script src="${script}"></script>`);
  const scriptBody = await readFile(join(ROOT, 'dist', script));

  emulatorUrl = await startEmulator(emulatorArgs);
  // The static server the README leaves to the reader: the folder holds index.html and the script.
  site = createServer((req, res) => {
    const path = new URL(req.url ?? '/', pageUrl).pathname;
    const page = path === pageUrl.pathname || path === `${pageUrl.pathname}index.html`;
    if (page) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (path === `${pageUrl.pathname}${script}`)
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(scriptBody);
    else res.writeHead(404).end();
  });
  const server = site;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(pageUrl.port), '127.0.0.1', resolve);
  });
});
afterAll(async () => {
  const server = site;
  if (server !== undefined) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  emulator?.kill('SIGTERM');
});

describe.each(engines)('%s', (engine) => {
  const browser = useBrowser(engine);
  let context: E2EContext;

  beforeEach(async () => {
    context = await browser().newContext();
    // A fresh consent page for each engine (consent is remembered by the emulator).
    const reset = await fetch(`${emulatorUrl}/_emulator/reset-consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(reset.ok).toBe(true);
  });
  afterEach(async () => {
    await context.close();
  });

  it("signs in and out with the README's script-tag page, served as the README says", async () => {
    expect(html).toContain(`'${emulatorUrl}'`); // the page talks to the emulator the command starts
    const page = await context.newPage();
    await page.goto(pageUrl.href);
    await waitFor(page, '#login:not([hidden])');
    await page.click('#login');
    await page.click('[data-testid="authorize"]');
    await expect.poll(() => text(page, '#hello')).toBe('Hello TwitchDev');
    expect(await page.url()).toBe(pageUrl.href);

    await page.click('#logout');
    await waitFor(page, '#login:not([hidden])');
    expect(await text(page, '#hello')).toBe('');
  });
});
