import { defineConfig } from 'vite';

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
          fileName: () => 'twitch-spa-login.iife.js',
        },
        rolldownOptions: { output: { codeSplitting: false } },
      },
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
        },
        formats: ['es'],
        fileName: (_format, name) => `${name}.js`,
      },
      rolldownOptions: {
        external: [/^jose(\/|$)/, /^react(\/|$)/, /^react-dom(\/|$)/, /^vue(\/|$)/],
        // Stable names: the callback chunk is a file users may need to allow or host.
        output: { chunkFileNames: 'chunks/[name].js' },
      },
    },
  };
});
