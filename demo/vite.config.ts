import { resolve } from 'node:path';
import { type Connect, type Plugin, defineConfig } from 'vite';
import { type TwitchEmulator, startTwitchEmulator } from '../emulator/index.js';

const DEMO_PORT = Number(process.env['DEMO_PORT'] ?? 5173);
const DEMO_ORIGIN = `http://localhost:${DEMO_PORT}`;

/**
 * Starts the local Twitch emulator beside the dev server and hands its endpoints to the page.
 * With TWITCH_CLIENT_ID set, the demo talks to real Twitch instead.
 */
function twitchBackend(): Plugin {
  let emulator: TwitchEmulator | undefined;
  let demo: Record<string, unknown> = {};
  return {
    name: 'twitch-demo-backend',
    async config() {
      const clientId = process.env['TWITCH_CLIENT_ID'];
      const redirectUris = ['', 'script-tag.html', 'react.html', 'vue.html', 'twurple.html'].map(
        (page) => `${DEMO_ORIGIN}/${page}`,
      );
      if (clientId !== undefined && clientId !== '') {
        demo = { clientId, endpoints: {}, emulator: null };
      } else {
        emulator = await startTwitchEmulator({
          port: Number(process.env['EMULATOR_PORT'] ?? 0),
          clients: [
            { clientId: 'emulator-client-id', name: 'twitch-spa-login demo', redirectUris },
          ],
        });
        demo = {
          clientId: 'emulator-client-id',
          endpoints: emulator.endpoints,
          emulator: emulator.url,
        };
      }
      // twurple 8 sends Helix calls to the Twitch CLI mock API (the emulator's /mock/) when this
      // is set; it reads process.env (absent in a browser), then import.meta.env.
      const mockPort = emulator === undefined ? null : String(emulator.port);
      return {
        define: {
          __DEMO_CONFIG__: JSON.stringify(demo),
          // Vue's esm-bundler build warns on load unless its compile-time flags are set; the demo
          // uses setup() only, and ships neither devtools nor SSR hydration.
          __VUE_OPTIONS_API__: 'false',
          __VUE_PROD_DEVTOOLS__: 'false',
          __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
          'import.meta.env.TWURPLE_MOCK_API_PORT': JSON.stringify(mockPort),
        },
        optimizeDeps: {
          rolldownOptions: {
            transform: {
              define: { 'import.meta.env.TWURPLE_MOCK_API_PORT': JSON.stringify(mockPort) },
            },
          },
        },
      };
    },
    configureServer(server) {
      // The script-tag page is a classic script, untouched by Vite's `define`.
      server.middlewares.use('/demo-config.json', (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(demo));
      });
      server.httpServer?.once('listening', () => {
        const where =
          emulator === undefined
            ? 'real Twitch (TWITCH_CLIENT_ID)'
            : `the emulator at ${emulator.url}`;
        server.config.logger.info(
          `\n  twitch-spa-login demo: ${DEMO_ORIGIN}/  (signing in against ${where})\n`,
        );
      });
      server.httpServer?.once('close', () => void emulator?.close());
    },
  };
}

/** The callback page must not leak its URL to anyone through the Referer header. */
function noReferrer(): Plugin {
  // Returns nothing: a function returned from configureServer would run as a post hook.
  const add = (server: { middlewares: Connect.Server }): void => {
    server.middlewares.use((_req, res, next) => {
      res.setHeader('Referrer-Policy', 'no-referrer');
      next();
    });
  };
  return { name: 'no-referrer', configureServer: add, configurePreviewServer: add };
}

export default defineConfig({
  root: resolve(import.meta.dirname),
  publicDir: resolve(import.meta.dirname, '../dist'),
  server: { port: DEMO_PORT, strictPort: true, host: 'localhost' },
  plugins: [twitchBackend(), noReferrer()],
  build: {
    outDir: resolve(import.meta.dirname, '../.tmp/demo'),
    rolldownOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        scriptTag: resolve(import.meta.dirname, 'script-tag.html'),
        react: resolve(import.meta.dirname, 'react.html'),
        vue: resolve(import.meta.dirname, 'vue.html'),
        twurple: resolve(import.meta.dirname, 'twurple.html'),
        device: resolve(import.meta.dirname, 'device.html'),
      },
    },
  },
});
