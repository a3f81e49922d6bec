import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Plugin, defineConfig } from 'vite';

const IIFE = 'twitch-spa-login.iife.js';
const DEVICE_IIFE = 'twitch-spa-login.device.iife.js';

/**
 * Writes the Subresource Integrity hash of the IIFE beside it (`<file>.sri`, shipped in the package
 * so a user can read it for the exact version they pin) and prints it. Hashes the file as written
 * to disk, after every other plugin has had its say.
 */
function subresourceIntegrity(name: string): Plugin {
  return {
    name: 'twitch-spa-login:sri',
    apply: 'build',
    writeBundle(options) {
      const file = join(options.dir ?? 'dist', name);
      const sri = `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`;
      writeFileSync(`${file}.sri`, `${sri}\n`);
      console.log(`\n${name} integrity: ${sri}`);
    },
  };
}

// `vite build` makes the ESM entries (jose, react and vue stay imports for the user's bundler) and
// the lazy callback chunk they import() on a callback page; `vite build --mode iife` makes the
// self-contained script-tag bundle with jose and the callback path inside (one file, no chunk).
export default defineConfig(({ mode }) => {
  if (mode === 'iife') {
    return {
      build: {
        emptyOutDir: false,
        target: 'es2022',
        lib: {
          entry: 'src/iife.ts',
          name: 'TwitchLogin',
          formats: ['iife'],
          fileName: () => IIFE,
        },
        rolldownOptions: { output: { codeSplitting: false } },
      },
      plugins: [subresourceIntegrity(IIFE)],
    };
  }
  if (mode === 'iife-device') {
    // The device add-on: extends window.TwitchLogin (it exports nothing of its own).
    return {
      build: {
        emptyOutDir: false,
        target: 'es2022',
        lib: {
          entry: 'src/device/iife.ts',
          name: 'TwitchLoginDevice',
          formats: ['iife'],
          fileName: () => DEVICE_IIFE,
        },
        rolldownOptions: { output: { codeSplitting: false } },
      },
      plugins: [subresourceIntegrity(DEVICE_IIFE)],
    };
  }
  return {
    build: {
      target: 'es2022',
      minify: false,
      lib: {
        entry: {
          'twitch-spa-login': 'src/index.ts',
          react: 'src/react/index.tsx',
          vue: 'src/vue/index.ts',
          twurple: 'src/twurple/index.ts',
          device: 'src/device/index.ts',
        },
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      },
      rolldownOptions: {
        external: [/^jose(\/|$)/, /^react(\/|$)/, /^react-dom(\/|$)/, /^vue(\/|$)/, /^@twurple\//],
        // Stable names: the callback chunk is a file users may need to allow or host.
        output: { chunkFileNames: 'chunks/[name].js' },
      },
    },
  };
});
