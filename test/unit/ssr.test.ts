// @vitest-environment node
// Every entry imports and constructs in plain Node, with no DOM: server-side rendering is safe.
// (In the unit project, in Node rather than happy-dom, so the mutation run sees these checks too.)
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString as renderVue } from 'vue/server-renderer';
import { createTwitchAuth, isTwitchAuthError } from '../../src/index';
import { browserWakeSignals } from '../../src/session/lifecycle';
import { TwitchAuthProvider, useTwitchAuth } from '../../src/react/index';
import { createTwitchAuthPlugin, useTwitchAuth as useVueTwitchAuth } from '../../src/vue/index';

const options = { clientId: 'ssr-client', redirectUri: 'https://example.com/callback' };

describe('server-side rendering', () => {
  it("runs the README's server-side rendering snippet verbatim, and the React and Vue ones construct without `location`", () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Server-side rendering'),
      readme.indexOf('## Popup login'),
    );
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(snippet).toContain("from 'twitch-spa-login'");
    const body = snippet.replace(/^import .*$/m, '');
    const logged: unknown[] = [];
    new Function('createTwitchAuth', 'console', body)(createTwitchAuth, {
      log: (v: unknown) => logged.push(v),
    });
    expect(logged).toEqual([false]);
    for (const heading of ['### React', '### Vue']) {
      const block = readme.slice(readme.indexOf(`\n${heading}\n`)).split('```')[1] ?? '';
      // The code before `createTwitchAuth(…);` and that call, without imports and comments.
      const code = block.replace(/^(?:tsx?|import .*|\s*\/\/.*)$/gm, '');
      const construct = /^[\s\S]*?const auth = createTwitchAuth\([\s\S]*?\);/.exec(code)?.[0] ?? '';
      expect(construct).toContain('const auth = createTwitchAuth(');
      expect(construct).not.toContain('location');
      new Function('createTwitchAuth', construct)(createTwitchAuth);
    }
  });

  it('has no DOM here', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
  });

  it('constructs and reads as signed out without touching browser globals', () => {
    const auth = createTwitchAuth(options);
    expect(auth.session).toBeNull();
    expect(auth.user).toBeNull();
    expect(auth.isAuthenticated()).toBe(false);
  });

  it('refuses browser-only calls with environment_unsupported', async () => {
    const auth = createTwitchAuth(options);
    for (const call of [
      () => auth.handleRedirect(),
      () => auth.login(),
      async () => auth.authorizeUrl(),
    ]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isTwitchAuthError(error) && error.code).toBe('environment_unsupported');
    }
    // Each message names the method actually called.
    expect(() => auth.authorizeUrl()).toThrow(/^authorizeUrl\(\) needs a browser/);
    await expect(auth.login()).rejects.toThrow(/^login\(\) needs a browser/);
    await expect(auth.handleRedirect()).rejects.toThrow(/^handleRedirect\(\) needs a browser/);
  });

  it('starts, validates and logs out as a signed-out client would, touching nothing', async () => {
    const auth = createTwitchAuth({ ...options, storage: 'local' });
    expect(() => auth.start()).not.toThrow();
    await expect(auth.validate()).rejects.toThrow(/no session to validate/);
    await expect(auth.logout()).resolves.toBeUndefined();
    // No page to wake: subscribing to its wake signals is a no-op.
    let woke = false;
    browserWakeSignals(() => (woke = true))();
    expect(woke).toBe(false);
    // A relative URL cannot be the Helix origin here (no page to resolve it against): no token.
    const seen: Request[] = [];
    const quiet = createTwitchAuth({
      ...options,
      fetch: async (input, init) => (
        seen.push(new Request(new URL(String(input), 'https://x.test'), init)),
        new Response('{}')
      ),
    });
    await quiet.fetch('/helix/users');
    expect(seen[0]?.headers.get('authorization')).toBeNull();
    auth.destroy();
  });

  it('renders the React provider and hook on the server as signed out and loading', () => {
    const auth = createTwitchAuth(options);
    function Status() {
      const { isAuthenticated, isLoading } = useTwitchAuth();
      return createElement('p', null, `${isAuthenticated}/${isLoading}`);
    }
    const html = renderToString(createElement(TwitchAuthProvider, { auth }, createElement(Status)));
    expect(html).toBe('<p>false/true</p>');
  });

  it('renders the Vue plugin and composable on the server as signed out', async () => {
    const auth = createTwitchAuth(options);
    const Status = defineComponent(() => {
      const { isAuthenticated } = useVueTwitchAuth();
      return () => h('p', String(isAuthenticated.value));
    });
    const app = createSSRApp(Status).use(createTwitchAuthPlugin(auth));
    expect(await renderVue(app)).toBe('<p>false</p>');
  });
});
