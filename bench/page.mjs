// Runs in headless Chromium: callback latency against bare jose, fetch overhead against plain
// fetch, and request counts. Everything is measured in this page, in the same run.
import { SignJWT, base64url, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { createTwitchAuth } from '../src/index.ts';

const ISSUER = 'https://id.twitch.tv/oauth2';
const CLIENT = 'bench-client';
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function atHash(token) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
  return base64url.encode(digest.slice(0, 16));
}

window.runBench = async ({ runs }) => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const counts = { jwks: 0, validate: 0 };
  const fakeFetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    if (url.endsWith('/jwks')) {
      counts.jwks += 1;
      return new Response(JSON.stringify({ keys: [jwk] }), { headers: { 'content-type': 'application/json' } });
    }
    if (url.endsWith('/validate')) {
      counts.validate += 1;
      return new Response(JSON.stringify({ client_id: CLIENT, login: 'bench', scopes: [], user_id: '1', expires_in: 3600 }));
    }
    return fetch(input, init);
  };
  const options = (extra = {}) => ({
    clientId: CLIENT,
    redirectUri: `${location.origin}/callback`,
    storage: 'memory',
    endpoints: { issuer: ISSUER, jwks: `${location.origin}/jwks`, validate: `${location.origin}/validate`, helix: `${location.origin}/helix` },
    fetch: fakeFetch,
    ...extra,
  });
  const sign = async (nonce, accessToken) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISSUER, sub: '1', aud: CLIENT, iat: now, exp: now + 900, nonce, at_hash: await atHash(accessToken) })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
      .sign(privateKey);
  };
  const callbackFor = async (auth) => {
    const url = new URL(await auth.authorizeUrl());
    const accessToken = `token${Math.random().toString(36).slice(2).padEnd(25, 'x')}`;
    const idToken = await sign(url.searchParams.get('nonce'), accessToken);
    const fragment = new URLSearchParams({ access_token: accessToken, id_token: idToken, scope: 'openid', state: url.searchParams.get('state'), token_type: 'bearer' });
    return { href: `${location.origin}/callback#${fragment}`, idToken };
  };

  // Timers in a page tick in 0.1 ms steps, so each sample times a batch of calls.
  const BATCH = 10;
  const batches = Math.max(5, Math.floor(runs / BATCH));

  // 1. Callback latency with a warm key set (one client, as on a page), against bare jose
  //    verifying the same tokens with a local key set, interleaved batch by batch.
  const localKeys = createLocalJWKSet({ keys: [jwk] });
  const auth = createTwitchAuth(options());
  const sdk = [];
  const bare = [];
  for (let i = 0; i < batches + 1; i += 1) {
    const callbacks = [];
    for (let j = 0; j < BATCH; j += 1) callbacks.push(await callbackFor(auth));
    let t = performance.now();
    for (const { href } of callbacks) await auth.handleRedirect(href);
    const sdkTime = (performance.now() - t) / BATCH;
    t = performance.now();
    for (const { idToken } of callbacks) await jwtVerify(idToken, localKeys, { issuer: ISSUER, audience: CLIENT });
    const bareTime = (performance.now() - t) / BATCH;
    if (i > 0) {
      sdk.push(sdkTime);
      bare.push(bareTime);
    }
  }
  const jwksAfterLogins = counts.jwks;

  // 2. Fetch overhead against a loopback endpoint, interleaved batches.
  await auth.handleRedirect((await callbackFor(auth)).href);
  const wrapped = [];
  const plain = [];
  for (let i = 0; i < batches + 1; i += 1) {
    let t = performance.now();
    for (let j = 0; j < BATCH; j += 1) await (await auth.fetch(`${location.origin}/helix/users`)).text();
    const a = (performance.now() - t) / BATCH;
    t = performance.now();
    for (let j = 0; j < BATCH; j += 1) await (await fetch(`${location.origin}/helix/users`)).text();
    const b = (performance.now() - t) / BATCH;
    if (i > 0) {
      wrapped.push(a);
      plain.push(b);
    }
  }
  auth.destroy();

  // 3. Requests: 20 logins with one key set cache (sessionStorage-backed), then a "reload".
  counts.jwks = 0;
  sessionStorage.clear();
  for (let i = 0; i < 20; i += 1) {
    const a = createTwitchAuth(options());
    await a.handleRedirect((await callbackFor(a)).href);
    a.destroy();
  }
  const jwksFor20 = counts.jwks;
  counts.jwks = 0;
  const reloaded = createTwitchAuth(options());
  await reloaded.handleRedirect((await callbackFor(reloaded)).href);
  reloaded.destroy();
  const jwksOnReload = counts.jwks;

  // Validation cadence: an interval of 1 s (the shortest allowed) stands in for an hour.
  counts.validate = 0;
  const timed = createTwitchAuth(options({ validateIntervalMs: 1000 }));
  await timed.handleRedirect((await callbackFor(timed)).href);
  await new Promise((resolve) => setTimeout(resolve, 2150));
  timed.destroy();

  return {
    callback: { sdkMedianMs: median(sdk), joseMedianMs: median(bare), runs },
    fetch: { sdkMedianMs: median(wrapped), plainMedianMs: median(plain), runs },
    requests: { jwksFor20Logins: jwksFor20, jwksOnReload, jwksDuringLatencyRuns: jwksAfterLogins, validatePerTwoIntervals: counts.validate },
  };
};
