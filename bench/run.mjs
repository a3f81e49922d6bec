// npm run bench: what twitch-spa-login costs a page, side by side with what users would otherwise
// pick (oidc-client-ts, @auth0/auth0-spa-js). Every figure is measured in the same run as its
// comparison and reported as a ratio; timings are information and never gate anything.
// Prints markdown tables and writes bench/results.json (or --out=<file>). BENCH_RUNS (default 200)
// sets the runs. Timing ratios are paired: the median over rounds of ours over the comparison in
// the same round. `--smoke` runs every path with a few iterations (seconds, no meaningful timings):
// `npm test` does, through test/node/bench-smoke.test.ts, so a path that breaks fails CI.
// Needs dist/ (`npm run bench` and `npm test` build it first).
import { build } from 'esbuild';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CORE_IMPORTS, bundleCost, compressed, splitCost } from './size.mjs';
import { publicEntry, viteReactAppCosts } from './vite-app.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IIFE = join(ROOT, 'dist/twitch-spa-login.iife.js');
/** The device login as a script-tag add-on; absent until the IIFE is split (shown as n/a). */
const DEVICE_IIFE = join(ROOT, 'dist/twitch-spa-login.device.iife.js');
/** The peers' script-tag builds, as their READMEs point a <script> at. */
const PEER_SCRIPTS = {
  oidc: join(ROOT, 'node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js'),
  auth0: join(ROOT, 'node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js'),
};
const PEER_IMPORTS = {
  oidc: { 'oidc-client-ts': ['UserManager'] },
  auth0: { '@auth0/auth0-spa-js': ['createAuth0Client'] },
};
const KB = 1024;
/** Issue 12: an ordinary page's eager SDK code; a callback page (eager + lazy) and the IIFE. */
const CORE_TARGET = 9 * KB;
const CALLBACK_TARGET = 17 * KB;
const IIFE_TARGET = 17 * KB;
const CORE_AIM = 9 * KB;

const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;
const ms = (value) => `${value.toFixed(3)} ms`;
const round = (value) => Math.round(value * 1000) / 1000;

/** A file's compressed sizes, or null when it does not exist. */
const fileCost = (path) => (existsSync(path) ? compressed(readFileSync(path)) : null);

/** Bundle costs of ours, the adapters (net of framework and core), the peers and the jose floor. */
async function sizes() {
  for (const file of [IIFE, publicEntry('.'), publicEntry('./react')]) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run \`npm run build\` first (npm run bench does).`);
  }
  const react = { react: ['createElement'], 'react-dom/client': ['createRoot'] };
  const vue = { vue: ['createApp', 'h'] };
  const [split, reactAlone, reactAll, vueAlone, vueAll, oidc, auth0, floor] = await Promise.all([
    splitCost(CORE_IMPORTS),
    bundleCost(react),
    splitCost({
      ...react,
      ...CORE_IMPORTS,
      './src/react/index.tsx': ['TwitchAuthProvider', 'useTwitchAuth'],
    }),
    bundleCost(vue),
    splitCost({
      ...vue,
      ...CORE_IMPORTS,
      './src/vue/index.ts': ['createTwitchAuthPlugin', 'useTwitchAuth'],
    }),
    bundleCost(PEER_IMPORTS.oidc),
    bundleCost(PEER_IMPORTS.auth0),
    bundleCost({ jose: ['jwtVerify', 'createRemoteJWKSet'] }),
  ]);
  // After the esbuild bundles: Vite builds one app at a time.
  const [coreNames] = Object.values(CORE_IMPORTS);
  const app = await viteReactAppCosts({
    ours: {
      [publicEntry('.')]: coreNames ?? [],
      [publicEntry('./react')]: ['TwitchAuthProvider', 'useTwitchAuth'],
    },
    ...PEER_IMPORTS,
  });
  const core = split.eager;
  /** (adapter + framework + core) − framework − core, per measure, eager files only. */
  const net = (all, alone) =>
    Object.fromEntries(
      ['minified', 'gzip', 'brotli'].map((k) => [k, all.eager[k] - alone[k] - core[k]]),
    );
  return {
    core,
    callback: split.all,
    iife: compressed(readFileSync(IIFE)),
    device: fileCost(DEVICE_IIFE),
    react: { adapter: net(reactAll, reactAlone), framework: reactAlone },
    vue: { adapter: net(vueAll, vueAlone), framework: vueAlone },
    oidc,
    auth0,
    floor,
    scripts: { oidc: fileCost(PEER_SCRIPTS.oidc), auth0: fileCost(PEER_SCRIPTS.auth0) },
    app,
  };
}

/** Serves the bench page on loopback, runs it in headless Chromium and returns its figures. */
async function browserFigures(runs, smoke) {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}; set CHROMIUM_PATH.`);
  const bundle = await build({
    entryPoints: [join(ROOT, 'bench/page.mjs')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  const helix = { requests: 0, withToken: 0, validate: 0 };
  // COOP + COEP make the page cross-origin isolated: 5 µs timers instead of 100 µs.
  const isolated = {
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  };
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') {
      res.writeHead(200, { ...isolated, 'content-type': 'text/javascript' }).end(script);
    } else if (req.url === '/oauth2/validate') {
      helix.validate += 1;
      const valid = {
        client_id: 'bench-client',
        login: 'x',
        scopes: [],
        user_id: '12345',
        expires_in: 3600,
      };
      res
        .writeHead(200, { ...isolated, 'content-type': 'application/json' })
        .end(JSON.stringify(valid));
    } else if (req.url?.startsWith('/helix/users')) {
      helix.requests += 1;
      if (req.headers.authorization?.startsWith('Bearer ') && req.headers['client-id'])
        helix.withToken += 1;
      res
        .writeHead(200, { ...isolated, 'content-type': 'application/json' })
        .end('{"data":[{"id":"12345","login":"x"}]}');
    } else {
      res
        .writeHead(200, { ...isolated, 'content-type': 'text/html' })
        .end('<!doctype html><script src="/bench.js"></script>');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page
      .waitForFunction(() => typeof globalThis.runBench === 'function')
      .catch(() => {
        throw new Error(`The bench page did not start: ${errors.join('; ')}`);
      });
    const figures = await page.evaluate((options) => globalThis.runBench(options), { runs, smoke });
    return { ...figures, helix };
  } finally {
    await browser.close();
    server.close();
  }
}

/**
 * One table row. `met`: true/false against a target, null for a figure shown for context.
 * @param {string} name @param {string} value @param {string} comparison @param {number} ratio
 * @param {string} target @param {boolean | null} met
 */
const row = (name, value, comparison, ratio, target, met) => ({
  name,
  value,
  comparison,
  ratio: round(ratio),
  target,
  met,
});

function rows(s, b) {
  const gz = (c) => `${kb(c.gzip)} gz / ${kb(c.brotli)} br`;
  const ours = gz(s.core);
  const perLogin = (c) => `${c.sdkMedianMs.toFixed(3)} ms`;
  const r = b.requests;
  return [
    row(
      'Ordinary page: eager ESM (split bundle)',
      ours,
      `oidc-client-ts UserManager ${gz(s.oidc)}`,
      s.core.gzip / s.oidc.gzip,
      '≤ 0.6',
      s.core.gzip / s.oidc.gzip <= 0.6,
    ),
    row(
      'Ordinary page: eager ESM (split bundle)',
      ours,
      `target 9 KB gz`,
      s.core.gzip / CORE_TARGET,
      '≤ 1.0',
      s.core.gzip <= CORE_TARGET,
    ),
    row(
      'Callback page: eager + lazy chunk',
      gz(s.callback),
      `target 17 KB gz`,
      s.callback.gzip / CALLBACK_TARGET,
      '≤ 1.0',
      s.callback.gzip <= CALLBACK_TARGET,
    ),
    row(
      'IIFE, whole API (as shipped)',
      gz(s.iife),
      `target 17 KB gz`,
      s.iife.gzip / IIFE_TARGET,
      '≤ 1.0',
      s.iife.gzip <= IIFE_TARGET,
    ),
    row(
      'Ordinary page: eager ESM (split bundle)',
      ours,
      `jose jwtVerify + createRemoteJWKSet ${gz(s.floor)}`,
      s.core.gzip / s.floor.gzip,
      'floor',
      null,
    ),
    row(
      'Ordinary page: eager ESM (split bundle)',
      ours,
      `@auth0/auth0-spa-js createAuth0Client ${gz(s.auth0)}`,
      s.core.gzip / s.auth0.gzip,
      '—',
      null,
    ),
    row(
      'React adapter, net of react + react-dom and core',
      gz(s.react.adapter),
      `core; react + react-dom alone ${gz(s.react.framework)}`,
      s.react.adapter.gzip / s.core.gzip,
      '—',
      null,
    ),
    row(
      'Vue adapter, net of vue and core',
      gz(s.vue.adapter),
      `core; vue alone ${gz(s.vue.framework)}`,
      s.vue.adapter.gzip / s.core.gzip,
      '—',
      null,
    ),
    row(
      'handleRedirect, new client per login (median)',
      perLogin(b.callbackPageLoad),
      `jose jwtVerify + new local key set ${ms(b.callbackPageLoad.joseMedianMs)}`,
      b.callbackPageLoad.ratio,
      '—',
      null,
    ),
    row(
      'handleRedirect, same client (median)',
      perLogin(b.callbackSameClient),
      `jose jwtVerify + reused local key set ${ms(b.callbackSameClient.joseMedianMs)}`,
      b.callbackSameClient.ratio,
      '—',
      null,
    ),
    row(
      'auth.fetch to loopback Helix (median)',
      ms(b.fetch.sdkMedianMs),
      `plain fetch ${ms(b.fetch.plainMedianMs)}`,
      b.fetch.plainRatio,
      '≤ 1.05',
      b.helix.withToken > 0 && b.fetch.plainRatio <= 1.05,
    ),
    row(
      'auth.fetch to loopback Helix (median)',
      ms(b.fetch.sdkMedianMs),
      `fetch with the same headers by hand ${ms(b.fetch.byHandMedianMs)}`,
      b.fetch.byHandRatio,
      '≤ 1.05',
      b.helix.withToken > 0 && b.fetch.byHandRatio <= 1.05,
    ),
    row(
      "auth.fetch: the wrapper's own work per call, no network",
      `${b.fetch.wrapperMicroseconds.toFixed(1)} µs`,
      `a loopback request ${ms(b.fetch.plainMedianMs)}`,
      b.fetch.wrapperMicroseconds / 1000 / b.fetch.plainMedianMs,
      '—',
      null,
    ),
    row(
      `JWKS requests, ${r.logins} logins in one page`,
      String(r.jwksForLogins),
      'target 1',
      r.jwksForLogins / 1,
      '= 1',
      r.jwksForLogins === 1,
    ),
    row(
      `JWKS requests, ${b.callbackPageLoad.runs}+ page loads in one tab`,
      String(r.jwksDuringPageLoads),
      'target 1',
      r.jwksDuringPageLoads / 1,
      '= 1',
      r.jwksDuringPageLoads === 1,
    ),
    row(
      'JWKS requests, reload within max age',
      String(r.jwksOnReload),
      'target 0',
      r.jwksOnReload,
      '= 0',
      r.jwksOnReload === 0,
    ),
    row(
      'validate requests per interval (hourly at Twitch)',
      `${r.validateAtStartup} at start-up + ${r.validatePerInterval.toFixed(2)} per interval`,
      'target 1 + 1 per interval',
      r.validatePerInterval,
      '= 1',
      r.validateAtStartup === 1 && r.validatePerInterval === 1,
    ),
  ];
}

function printTable(list) {
  console.log(
    '\n| measure | ours | compared with | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |',
  );
  for (const r of list) {
    const met = r.met === null ? '—' : r.met ? 'yes' : '**MISSED**';
    console.log(
      `| ${r.name} | ${r.value} | ${r.comparison} | ${r.ratio.toFixed(3)} | ${r.target} | ${met} |`,
    );
  }
}

/** Where the core's bytes go (esbuild metafile), shown when a size target is missed. */
function printAnalysis(core) {
  const total = core.inputs.reduce((sum, input) => sum + input.bytes, 0);
  const jose = core.inputs
    .filter((i) => i.path.startsWith('node_modules/jose/'))
    .reduce((sum, i) => sum + i.bytes, 0);
  console.log(
    `\nBundle analysis of an ordinary page's eager code: ${total} minified bytes, jose ${jose} (${Math.round((jose / total) * 100)}%), own code ${total - jose}.`,
  );
  console.log('Top 15 inputs, minified bytes in the output:');
  for (const input of core.inputs.slice(0, 15)) {
    console.log(
      `  ${String(input.bytes).padStart(6)}  ${String(Math.round((input.bytes / total) * 100)).padStart(2)}%  ${input.path}`,
    );
  }
}

/** Where handleRedirect's time goes, and the floor under it (information, no target). */
function printPhases(b) {
  const p = b.callbackPhases;
  const line = (label, value, ratio) =>
    console.log(`  ${label}  ${ms(value)}  ${ratio.toFixed(2)}x jose`);
  console.log(
    `\nWhere handleRedirect's ${ms(b.callbackSameClient.sdkMedianMs)} goes (same client; each phase timed alone beside bare jose, ${ms(p.joseMs)}):`,
  );
  line(
    'ID token checks (strict structure, signature via jose, claims, at_hash)',
    p.verifyMs,
    p.verifyRatio,
  );
  line('URL read and full parse (readCallbackUrl, parseAuthResponse)', p.urlMs, p.urlRatio);
  line(
    'single-use pending request (one sessionStorage read + one write)',
    p.pendingMs,
    p.pendingRatio,
  );
  const rest = b.callbackSameClient.sdkMedianMs - p.verifyMs - p.urlMs - p.pendingMs;
  if (rest > 0)
    line('the rest (session store, events, timers, awaits between phases)', rest, rest / p.joseMs);
  else
    console.log('  (timed alone, each phase starts cold, so together they exceed the whole call)');
  console.log(
    'The floor, with none of our code: jose compactVerify with the key imported, the at_hash digest',
  );
  line(
    'beside it, one sessionStorage read + remove (the single-use request)',
    p.floorMs,
    p.floorRatio,
  );
}

/**
 * The headline sizes beside the peers, gzip -9 bytes (null: not built, or no such thing). Ours is
 * code split; a peer is one file, so its ordinary and callback page cost the same.
 */
function peerRows(s) {
  const app = s.app;
  return [
    {
      measure: 'Ordinary page: eager ESM',
      ours: s.core.gzip,
      oidc: s.oidc.gzip,
      auth0: s.auth0.gzip,
    },
    {
      measure: 'Callback page: eager + lazy ESM',
      ours: s.callback.gzip,
      oidc: s.oidc.gzip,
      auth0: s.auth0.gzip,
    },
    {
      measure: 'Core script tag (IIFE, as shipped)',
      ours: s.iife.gzip,
      oidc: s.scripts.oidc?.gzip ?? null,
      auth0: s.scripts.auth0?.gzip ?? null,
    },
    {
      measure: 'Device add-on script (IIFE, as shipped)',
      ours: s.device?.gzip ?? null,
      oidc: null,
      auth0: null,
    },
    {
      measure: 'Fresh React + Vite app: SDK up front (adapter included)',
      ours: app.ours.eager.gzip,
      oidc: app.oidc.eager.gzip,
      auth0: app.auth0.eager.gzip,
    },
  ];
}

function printPeerTable(list, s) {
  const size = (bytes, absent) => (bytes === null ? absent : `${kb(bytes)} (${bytes} B)`);
  const ratio = (ours, theirs) =>
    ours === null || theirs === null ? '—' : (ours / theirs).toFixed(2);
  console.log(
    '\nSizes beside the peers (gzip -9, KB = 1024 B; ratio = ours / theirs, lower is smaller):\n' +
      '\n| measure | twitch-spa-login | oidc-client-ts | ratio | @auth0/auth0-spa-js | ratio |' +
      '\n| --- | --- | --- | --- | --- | --- |',
  );
  for (const r of list) {
    console.log(
      `| ${r.measure} | ${size(r.ours, 'n/a')} | ${size(r.oidc, '—')} | ${ratio(r.ours, r.oidc)} | ${size(r.auth0, '—')} | ${ratio(r.ours, r.auth0)} |`,
    );
  }
  console.log(
    [
      '',
      'Peers: oidc-client-ts `UserManager` and @auth0/auth0-spa-js `createAuth0Client`, bundled by',
      'esbuild like ours (one file each, no lazy part). Script tag: oidc-client-ts.min.js and',
      'auth0-spa-js.production.js as published. Neither has a device login (—).',
      "React + Vite app: Vite's default production build, net of the same app without the library",
      `(react + react-dom alone ${kb(s.app.react.gzip)}). Ours: the core and twitch-spa-login/react from`,
      `dist/; its callback chunk (${kb(s.app.ours.lazy.gzip)}) loads later, on a callback. The peers:`,
      'their core without a React wrapper (react-oidc-context, @auth0/auth0-react not installed).',
      s.device === null
        ? 'n/a: dist/twitch-spa-login.device.iife.js is not built; until it is, the IIFE carries\n' +
          'the device login.'
        : '',
    ].join('\n'),
  );
}

const { values: args } = parseArgs({
  options: { smoke: { type: 'boolean', default: false }, out: { type: 'string' } },
});
const smoke = args.smoke ?? false;
// A smoke run writes results only where --out says: bench/results.json keeps the real figures.
const out = args.out ?? (smoke ? undefined : join(ROOT, 'bench/results.json'));
const runs = smoke ? 3 : Number(process.env.BENCH_RUNS ?? 200);
const s = await sizes();
const b = await browserFigures(runs, smoke);
if (!b.crossOriginIsolated)
  console.warn('The page was not cross-origin isolated: timers are coarse (100 µs).');
if (smoke) console.log(`Smoke run: ${runs} runs per timing, figures not meaningful.`);
const peers = peerRows(s);
printPeerTable(peers, s);
const table = rows(s, b);
printTable(table);
if (!smoke && (s.core.gzip > CORE_AIM || s.core.gzip / s.oidc.gzip > 0.6)) printAnalysis(s.core);
printPhases(b); // information: the callback-latency target is retired (issue 12)
const strip = ({ minified, gzip, brotli }) => ({ minified, gzip, brotli });
const results = {
  date: new Date().toISOString(),
  node: process.version,
  browser: b.userAgent,
  crossOriginIsolated: b.crossOriginIsolated,
  runs,
  smoke,
  peers,
  sizes: {
    core: strip(s.core),
    callback: strip(s.callback),
    iife: s.iife,
    deviceIife: s.device,
    reactViteApp: s.app,
    peerScripts: s.scripts,
    reactAdapterNet: s.react.adapter,
    reactFramework: strip(s.react.framework),
    vueAdapterNet: s.vue.adapter,
    vueFramework: strip(s.vue.framework),
    oidcClientTs: strip(s.oidc),
    auth0SpaJs: strip(s.auth0),
    joseFloor: strip(s.floor),
    coreInputs: s.core.inputs,
  },
  latency: {
    callbackPageLoad: b.callbackPageLoad,
    callbackSameClient: b.callbackSameClient,
    callbackPhases: b.callbackPhases,
    fetch: b.fetch,
    helixServer: b.helix,
  },
  requests: b.requests,
  rows: table,
};
if (out !== undefined) {
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${out}`);
}
