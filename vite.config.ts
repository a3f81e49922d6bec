import { defineConfig } from 'vite';

// `vite build` makes the ESM entries (jose, react and vue stay imports for the user's bundler);
// `vite build --mode iife` makes the self-contained script-tag bundle with jose inside.
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
      },
    },
  };
});
