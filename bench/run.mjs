// npm run bench: what twitch-spa-login costs a page, side by side with the libraries users would
// otherwise pick, measured in the same run and reported as ratios.
import { build } from 'esbuild';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bundleCost, compressed } from './size.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ratio = (a, b) => Math.round((a / b) * 100) / 100;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

async function sizes() {
  const core = await bundleCost(['createTwitchAuth'], './src/index.ts');
  const iifePath = join(ROOT, 'dist/twitch-spa-login.iife.js');
  if (!existsSync(iifePath)) throw new Error('Run `npm run build` first (the IIFE is measured as shipped).');
  const iife = compressed(readFileSync(iifePath, 'utf8'));
  const react = await bundleCost(['TwitchAuthProvider', 'useTwitchAuth'], './src/react/index.tsx', { external: ['react', 'react-dom', 'react/jsx-runtime'] });
  const vue = await bundleCost(['createTwitchAuthPlugin', 'useTwitchAuth'], './src/vue/index.ts', { external: ['vue'] });
  const oidc = await bundleCost(['UserManager'], 'oidc-client-ts');
  const auth0 = await bundleCost(['createAuth0Client'], '@auth0/auth0-spa-js');
  const floor = await bundleCost(['jwtVerify', 'createRemoteJWKSet'], 'jose');
  return { core, iife, react, vue, oidc, auth0, floor };
}

async function browserFigures(runs) {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: sudo apt-get install -y chromium`);
  const bundle = await build({ entryPoints: [join(ROOT, 'bench/page.mjs')], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false, minify: true, logLevel: 'silent' });
  const script = bundle.outputFiles[0].text;
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (req.url?.startsWith('/helix/users')) return res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[{"id":"1","login":"bench"}]}');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/bench.js"></script>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${server.address().port}/`);
    return await page.evaluate((n) => window.runBench({ runs: n }), runs);
  } finally {
    await browser.close();
    server.close();
  }
}

const runs = Number(process.env.BENCH_RUNS ?? 200);
const s = await sizes();
const b = await browserFigures(runs);
const rows = [
  ['createTwitchAuth (ESM, gzip)', kb(s.core.gzip), `oidc-client-ts UserManager ${kb(s.oidc.gzip)}`, ratio(s.core.gzip, s.oidc.gzip), '≤ 0.6', ratio(s.core.gzip, s.oidc.gzip) <= 0.6],
  ['createTwitchAuth (ESM, gzip)', kb(s.core.gzip), 'budget 10 KB', ratio(s.core.gzip, 10240), '≤ 1.0', s.core.gzip <= 10240],
  ['createTwitchAuth (ESM, gzip)', kb(s.core.gzip), `jose jwtVerify+createRemoteJWKSet ${kb(s.floor.gzip)}`, ratio(s.core.gzip, s.floor.gzip), 'floor', true],
  ['createTwitchAuth (ESM, gzip)', kb(s.core.gzip), `auth0-spa-js createAuth0Client ${kb(s.auth0.gzip)}`, ratio(s.core.gzip, s.auth0.gzip), '-', true],
  ['IIFE (gzip / brotli)', `${kb(s.iife.gzip)} / ${kb(s.iife.brotli)}`, `core ${kb(s.core.gzip)}`, ratio(s.iife.gzip, s.core.gzip), '-', true],
  ['react adapter over react (gzip)', kb(s.react.gzip), `core ${kb(s.core.gzip)}`, ratio(s.react.gzip, s.core.gzip), '-', true],
  ['vue adapter over vue (gzip)', kb(s.vue.gzip), `core ${kb(s.core.gzip)}`, ratio(s.vue.gzip, s.core.gzip), '-', true],
  ['handleRedirect, warm keys (median)', `${b.callback.sdkMedianMs.toFixed(2)} ms`, `jose jwtVerify ${b.callback.joseMedianMs.toFixed(2)} ms`, ratio(b.callback.sdkMedianMs, b.callback.joseMedianMs), '≤ 1.3', ratio(b.callback.sdkMedianMs, b.callback.joseMedianMs) <= 1.3],
  ['auth.fetch (median)', `${b.fetch.sdkMedianMs.toFixed(3)} ms`, `fetch ${b.fetch.plainMedianMs.toFixed(3)} ms`, ratio(b.fetch.sdkMedianMs, b.fetch.plainMedianMs), '≤ 1.05', ratio(b.fetch.sdkMedianMs, b.fetch.plainMedianMs) <= 1.05],
  ['JWKS requests, 20 logins', String(b.requests.jwksFor20Logins), 'target 1', b.requests.jwksFor20Logins, '= 1', b.requests.jwksFor20Logins === 1],
  ['JWKS requests, reload in max age', String(b.requests.jwksOnReload), 'target 0', b.requests.jwksOnReload, '= 0', b.requests.jwksOnReload === 0],
  ['validate requests, start-up + 2 intervals', String(b.requests.validatePerTwoIntervals), 'target 1 + 2', b.requests.validatePerTwoIntervals, '= 3', b.requests.validatePerTwoIntervals === 3],
];
console.log('\n| measure | ours | compared with | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |');
for (const [name, ours, other, r, target, met] of rows) console.log(`| ${name} | ${ours} | ${other} | ${r} | ${target} | ${met ? 'yes' : 'MISSED'} |`);
console.log('\nWhere the core bytes go (minified bytes per input, top 12):');
for (const input of s.core.inputs.slice(0, 12)) console.log(`  ${String(input.bytes).padStart(6)}  ${input.path}`);
const results = { date: new Date().toISOString(), sizes: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { minified: v.minified, gzip: v.gzip, brotli: v.brotli }])), browser: b, rows };
writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nWrote bench/results.json');
