import { readFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { type Plugin, type ViteDevServer, createServer } from 'vite';

/** A free loopback port (the demo's redirect URIs must name the port before the server starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

export interface DemoServer {
  readonly url: string;
  /** The emulator's origin, for its /_emulator control API. */
  readonly emulator: string;
  close(): Promise<void>;
}

/** Puts fixtures/console-watch.js first in every page's head, before any of the page's scripts. */
function consoleWatch(): Plugin {
  const children = readFileSync('test/e2e/fixtures/console-watch.js', 'utf8');
  return {
    name: 'e2e-console-watch',
    transformIndexHtml: () => [{ tag: 'script', children, injectTo: 'head-prepend' }],
  };
}

/**
 * Starts `npm run demo`'s Vite server (with its emulator) in-process on a free port. With
 * `watchConsole`, every page records its console problems for `E2EPage.consoleProblems()` in
 * engines whose driver cannot read the console.
 */
export async function startDemo(options: { watchConsole?: boolean } = {}): Promise<DemoServer> {
  const port = await freePort();
  process.env['DEMO_PORT'] = String(port);
  delete process.env['TWITCH_CLIENT_ID'];
  const server: ViteDevServer = await createServer({
    configFile: 'demo/vite.config.ts',
    logLevel: 'error',
    server: { port, strictPort: true, host: 'localhost', hmr: false },
    plugins: options.watchConsole === true ? [consoleWatch()] : [],
  });
  await server.listen();
  const url = `http://localhost:${port}`;
  const config = (await (await fetch(`${url}/demo-config.json`)).json()) as { emulator: string };
  return { url, emulator: config.emulator, close: () => server.close() };
}

/** Calls the emulator's control API. */
export async function control(
  emulator: string,
  path: string,
  body: unknown = {},
): Promise<unknown> {
  const response = await fetch(`${emulator}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status}`);
  const text = await response.text();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}
