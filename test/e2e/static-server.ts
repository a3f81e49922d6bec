import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The strict CSP of the issue: only same-origin scripts, and Trusted Types enforced. */
const STRICT_CSP = "script-src 'self'; require-trusted-types-for 'script'; object-src 'none'";

const FILES: Record<string, { path: string; type: string }> = {
  '/app.html': { path: 'test/e2e/fixtures/app.html', type: 'text/html; charset=utf-8' },
  '/csp-watch.js': { path: 'test/e2e/fixtures/csp-watch.js', type: 'text/javascript' },
  '/app.js': { path: 'test/e2e/fixtures/app.js', type: 'text/javascript' },
  '/twitch-spa-login.iife.js': { path: 'dist/twitch-spa-login.iife.js', type: 'text/javascript' },
};

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the test app and the built IIFE under the strict CSP, with no Referer leaks. */
export async function startStaticServer(root = process.cwd()): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const file = FILES[new URL(req.url ?? '/', 'http://x').pathname];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(root, file.path)).then(
      (body) => {
        res.writeHead(200, {
          'content-type': file.type,
          'content-security-policy': STRICT_CSP,
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-store',
        });
        res.end(body);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
