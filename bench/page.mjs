// Runs in headless Chromium (bundled by bench/run.mjs): callback latency against bare jose, fetch
// overhead against plain fetch, and request counts. Each figure and its comparison are measured
// in this page, in the same run, interleaved. The page is cross-origin isolated, so
// performance.now() has 5 µs resolution instead of 100 µs and single calls can be timed.
import {
  SignJWT,
  base64url,
  compactVerify,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
} from 'jose';
// The client as shipped (dist/, built by `npm run bench` and by `npm test` before vitest); the
// internals for the phase breakdown come through bench/internals.mjs, the one place that knows
// src/'s layout.
import { createTwitchAuth } from '../dist/twitch-spa-login.js';
import {
  createJwksCache,
  createKeyValueStore,
  createPendingStore,
  defaultTimers,
  parseAuthResponse,
  readCallbackUrl,
  takePendingRequest,
  verifyIdToken,
} from './internals.mjs';

const ISSUER = 'https://id.twitch.tv/oauth2';
const CLIENT = 'bench-client';
const SUB = '12345';

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Times each of `fns` on the same prepared input, rotating which goes first each round so no
 * variant always runs warm or cold, and letting the page go idle between them; `warmup` rounds are
 * discarded. Returns each variant's median in ms, and `ratio(a, b)`: the median over rounds of
 * a's time over b's in the same round, which cancels the drift a busy machine puts into both.
 */
async function interleaved(runs, warmup, prepare, fns) {
  const times = fns.map(() => []);
  for (let i = 0; i < warmup + runs; i += 1) {
    const input = await prepare();
    for (let j = 0; j < fns.length; j += 1) {
      const k = (i + j) % fns.length;
      const t = performance.now();
      await fns[k](input);
      if (i >= warmup) times[k].push(performance.now() - t);
      // Work a variant leaves queued (the validation a login starts on the next tick) runs here,
      // not inside the next variant's timing.
      await sleep(4);
    }
  }
  return {
    medians: times.map(median),
    ratio: (a, b) => median(times[a].map((t, round) => t / times[b][round])),
  };
}

/**
 * @param {{ runs: number, smoke?: boolean }} options `smoke`: every path once or twice, no
 *   meaningful timings (the bench's smoke run in `npm test`).
 */
async function runBench({ runs, smoke = false }) {
  const warmup = smoke ? 1 : Math.max(10, runs >> 3);
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const jwksText = JSON.stringify({ keys: [jwk] });
  const json = (body) => new Response(body, { headers: { 'content-type': 'application/json' } });
  const counts = { jwks: 0, validate: 0 };
  /** @type {typeof fetch} */
  const fakeFetch = async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url === `${location.origin}/jwks`) {
      counts.jwks += 1;
      return json(jwksText);
    }
    if (url.endsWith('/oauth2/validate')) {
      // Twitch's default validate URL
      counts.validate += 1;
      return json(
        JSON.stringify({
          client_id: CLIENT,
          login: 'x',
          scopes: [],
          user_id: SUB,
          expires_in: 3600,
        }),
      );
    }
    throw new TypeError(`The bench did not expect a request to ${url}`);
  };
  const options = (extra = {}) => ({
    clientId: CLIENT,
    redirectUri: `${location.origin}/`,
    storage: 'memory',
    endpoints: {
      issuer: ISSUER,
      jwks: `${location.origin}/jwks`,
      helix: `${location.origin}/helix`,
    },
    fetch: fakeFetch,
    ...extra,
  });

  /** An authorize URL from `auth`, answered as Twitch would: a callback URL and its ID token. */
  const callbackFor = async (auth) => {
    const query = new URL(await auth.authorizeUrl()).searchParams;
    const accessToken = base64url.encode(crypto.getRandomValues(new Uint8Array(22))).slice(0, 30);
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
    const iat = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({
      iss: ISSUER,
      aud: CLIENT,
      sub: SUB,
      iat,
      exp: iat + 900,
      nonce: query.get('nonce'),
      at_hash: base64url.encode(new Uint8Array(digest).slice(0, 16)),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
      .sign(privateKey);
    const fragment = new URLSearchParams({
      access_token: accessToken,
      id_token: idToken,
      scope: 'openid',
      state: query.get('state') ?? '',
      token_type: 'bearer',
    });
    return {
      href: `${location.origin}/#${fragment}`,
      idToken,
      accessToken,
      nonce: query.get('nonce') ?? '',
      state: query.get('state') ?? '',
    };
  };
  const login = async (auth) => auth.handleRedirect((await callbackFor(auth)).href);
  const verifyBare = (idToken, keys) =>
    jwtVerify(idToken, keys, { issuer: ISSUER, audience: CLIENT });

  sessionStorage.clear();
  counts.jwks = 0;

  // 1a. A page load: a new client per login (the key set comes from sessionStorage and is
  //     imported once per client), against jose with a new local key set per token.
  let auth;
  const pageLoad = await interleaved(
    runs,
    warmup,
    async () => {
      auth = createTwitchAuth(options());
      return callbackFor(auth);
    },
    [
      async ({ href }) => {
        await auth.handleRedirect(href);
        auth.destroy();
      },
      ({ idToken }) => verifyBare(idToken, createLocalJWKSet(JSON.parse(jwksText))),
    ],
  );
  const jwksDuringPageLoads = counts.jwks;

  // 1b. One client, many logins (the key already imported), against one reused local key set.
  counts.jwks = 0;
  const localKeys = createLocalJWKSet(JSON.parse(jwksText));
  const client = createTwitchAuth(options());
  const sameClient = await interleaved(runs, warmup, () => callbackFor(client), [
    ({ href }) => client.handleRedirect(href),
    ({ idToken }) => verifyBare(idToken, localKeys),
  ]);
  const jwksSameClient = counts.jwks;

  // 1c. Where handleRedirect's time goes: its phases, run alone on the same kind of input, beside
  //     the same bare jose verification. Not a figure with a target: the breakdown behind 1a/1b.
  const phaseJwks = createJwksCache({
    url: `${location.origin}/jwks`,
    fetch: () => fakeFetch,
    store: createKeyValueStore('memory', 'bench:'),
    now: Date.now,
    timeoutMs: 5000,
    timers: defaultTimers,
  });
  const phaseStore = createKeyValueStore('session', 'bench-phase:');
  const phasePending = createPendingStore(phaseStore);
  // The floor: what any verified, single-use login must do at the least, with nothing of ours:
  // jose's signature check with the key already imported, the at_hash digest beside it, and one
  // sessionStorage read and remove for the single-use request (the session itself is kept in
  // memory here, as the clients above are configured).
  const floorKey = await crypto.subtle.importKey(
    'jwk',
    jwk,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const floor = async ({ idToken, accessToken, state }) => {
    const digest = crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
    const stored = sessionStorage.getItem(`bench-floor:${state}`);
    sessionStorage.removeItem(`bench-floor:${state}`);
    const { payload } = await compactVerify(idToken, floorKey, { algorithms: ['RS256'] });
    if ((await digest).byteLength === 0 || stored === null || payload.length === 0)
      throw new Error('floor input');
  };
  const phases = await interleaved(
    runs,
    warmup,
    async () => {
      const input = await callbackFor(client);
      const request = {
        state: input.state,
        nonce: input.nonce,
        responseType: 'token id_token',
        scopes: ['openid'],
        redirectUri: `${location.origin}/`,
        issuer: ISSUER,
        mode: 'redirect',
        createdAt: Date.now(),
      };
      phasePending.save(request);
      sessionStorage.setItem(`bench-floor:${input.state}`, JSON.stringify(request));
      return input;
    },
    [
      ({ href }) => {
        parseAuthResponse(readCallbackUrl(new URL(href)));
      },
      ({ state }) => takePendingRequest(phaseStore, state, Date.now()),
      ({ idToken, accessToken, nonce }) =>
        verifyIdToken(idToken, {
          clientId: CLIENT,
          issuer: ISSUER,
          nonce,
          accessToken,
          clockSkewSeconds: 60,
          maxAgeSeconds: 600,
          now: Date.now(),
          getKey: phaseJwks.getKey,
        }),
      ({ idToken }) => verifyBare(idToken, localKeys),
      floor,
    ],
  );

  // 2. auth.fetch (signed in: Bearer + Client-Id added) against plain fetch of the same URL, and
  //    against the fetch an app would write by hand with the same two headers. This client uses
  //    the page's own fetch, nothing of the bench's in between: a plain OAuth login (no key set),
  //    validated by the loopback server.
  client.destroy();
  const fetchClientOptions = {
    clientId: CLIENT,
    redirectUri: `${location.origin}/`,
    storage: 'memory',
    openid: false,
    endpoints: {
      validate: `${location.origin}/oauth2/validate`,
      helix: `${location.origin}/helix`,
    },
  };
  const fetchClient = createTwitchAuth(fetchClientOptions);
  const plainState = new URL(await fetchClient.authorizeUrl()).searchParams.get('state') ?? '';
  const plainToken = base64url.encode(crypto.getRandomValues(new Uint8Array(22))).slice(0, 30);
  await fetchClient.handleRedirect(
    `${location.origin}/#${new URLSearchParams({ access_token: plainToken, state: plainState, token_type: 'bearer' })}`,
  );
  await sleep(100); // the post-login validation
  if (!fetchClient.isAuthenticated()) throw new Error('The fetch client did not sign in.');
  const helix = `${location.origin}/helix/users?id=${SUB}`;
  const byHand = { authorization: `Bearer ${plainToken}`, 'client-id': CLIENT };
  const fetchOverhead = await interleaved(runs, warmup, async () => undefined, [
    async () => (await fetchClient.fetch(helix)).text(),
    async () => (await fetch(helix)).text(),
    async () => (await fetch(helix, { headers: byHand })).text(),
  ]);
  fetchClient.destroy();

  // 2b. The wrapper's own work, without the network: auth.fetch over a fetch that answers at once,
  //     against that same fetch called with the two headers by hand; many calls per timing.
  const instant = (input) =>
    Promise.resolve(
      String(input).endsWith('/oauth2/validate')
        ? json(
            JSON.stringify({
              client_id: CLIENT,
              login: 'x',
              scopes: [],
              user_id: SUB,
              expires_in: 3600,
            }),
          )
        : new Response(''),
    );
  const stubClient = createTwitchAuth({ ...fetchClientOptions, fetch: instant });
  const stubState = new URL(await stubClient.authorizeUrl()).searchParams.get('state') ?? '';
  await stubClient.handleRedirect(
    `${location.origin}/#${new URLSearchParams({ access_token: plainToken, state: stubState, token_type: 'bearer' })}`,
  );
  await sleep(20);
  const calls = smoke ? 5 : 200;
  const wrapper = await interleaved(
    smoke ? runs : Math.max(20, runs >> 2),
    smoke ? 1 : 5,
    async () => undefined,
    [
      async () => {
        for (let i = 0; i < calls; i += 1) await stubClient.fetch(helix);
      },
      async () => {
        for (let i = 0; i < calls; i += 1) await instant(helix, { headers: byHand });
      },
    ],
  );
  stubClient.destroy();

  // 3. Requests. 20 logins (3 in a smoke run) in one page session, from an empty cache: one key set
  //    request.
  sessionStorage.clear();
  counts.jwks = 0;
  const session = createTwitchAuth(options());
  const logins = smoke ? 3 : 20;
  for (let i = 0; i < logins; i += 1) await login(session);
  session.destroy();
  const jwksForLogins = counts.jwks;
  // A reload within the key set's max age: a new client over the same sessionStorage.
  counts.jwks = 0;
  const reloaded = createTwitchAuth(options());
  await login(reloaded);
  reloaded.destroy();
  const jwksOnReload = counts.jwks;

  // Validation cadence: 1 s (the shortest interval allowed) stands in for Twitch's hour.
  const intervalMs = 1000;
  const intervals = smoke ? 1 : 3;
  const timed = createTwitchAuth(options({ validateIntervalMs: intervalMs }));
  counts.validate = 0;
  await login(timed);
  await sleep(intervalMs / 5);
  const validateAtStartup = counts.validate;
  await sleep(intervalMs * intervals);
  timed.destroy();
  const validateInIntervals = counts.validate - validateAtStartup;

  return {
    crossOriginIsolated: globalThis.crossOriginIsolated,
    userAgent: globalThis.navigator.userAgent,
    callbackPageLoad: {
      sdkMedianMs: pageLoad.medians[0],
      joseMedianMs: pageLoad.medians[1],
      ratio: pageLoad.ratio(0, 1),
      runs,
    },
    callbackSameClient: {
      sdkMedianMs: sameClient.medians[0],
      joseMedianMs: sameClient.medians[1],
      ratio: sameClient.ratio(0, 1),
      runs,
    },
    callbackPhases: {
      urlMs: phases.medians[0],
      pendingMs: phases.medians[1],
      verifyMs: phases.medians[2],
      joseMs: phases.medians[3],
      floorMs: phases.medians[4],
      urlRatio: phases.ratio(0, 3),
      pendingRatio: phases.ratio(1, 3),
      verifyRatio: phases.ratio(2, 3),
      floorRatio: phases.ratio(4, 3),
      runs,
    },
    fetch: {
      sdkMedianMs: fetchOverhead.medians[0],
      plainMedianMs: fetchOverhead.medians[1],
      byHandMedianMs: fetchOverhead.medians[2],
      plainRatio: fetchOverhead.ratio(0, 1),
      byHandRatio: fetchOverhead.ratio(0, 2),
      runs,
      wrapperMicroseconds: ((wrapper.medians[0] - wrapper.medians[1]) / calls) * 1000,
    },
    requests: {
      jwksDuringPageLoads,
      jwksSameClient,
      logins,
      jwksForLogins,
      jwksOnReload,
      validateAtStartup,
      validatePerInterval: validateInIntervals / intervals,
    },
  };
}

globalThis.runBench = runBench;
