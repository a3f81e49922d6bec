// The lazy half of a login on its own: createLoginCompleter with injected storage, clock and a
// strict fake fetch, so each request it sends (or must not send) is visible.
import { beforeAll, describe, expect, it } from 'vitest';
import { readCallbackUrl } from '../../../src/callback/url';
import { createLoginCompleter } from '../../../src/callback/complete-login';
import { defaultTimers } from '../../../src/internal/env';
import { isTwitchAuthError } from '../../../src/internal/errors';
import { resolveOptions } from '../../../src/config/options';
import { type PendingRequest, createPendingStore } from '../../../src/login/pending';
import { createKeyValueStore, createMemoryStorage } from '../../../src/session/storage';
import { type FakeFetch, createFakeFetch, json } from '../../helpers/fake-fetch';
import { type TestKey, atHash, generateTestKey, signIdToken } from '../../helpers/keys';
import { rejection } from '../../helpers/thrown';
import { CLIENT_ID, JWKS_URL, USER_ID, VALIDATE_URL, validateBody } from '../../helpers/twitch';

const CB = 'http://localhost:3000/callback';
const ISSUER = 'https://id.twitch.tv/oauth2';
const NOW = 1_700_000_000_000;
const TOKEN = 'abcdefghijklmnopqrstuvwxyz0123';

let key: TestKey;
beforeAll(async () => {
  key = await generateTestKey('key-1');
});

function setup(openid: boolean, fake: FakeFetch = createFakeFetch()) {
  const transient = createKeyValueStore(createMemoryStorage(), 't:');
  const request: PendingRequest = {
    state: 'state-1',
    ...(openid ? { nonce: 'nonce-1' } : {}),
    responseType: openid ? 'token id_token' : 'token',
    scopes: openid ? ['openid'] : [],
    redirectUri: CB,
    issuer: ISSUER,
    mode: 'redirect',
    createdAt: NOW,
  };
  createPendingStore(transient).save(request);
  const completer = createLoginCompleter({
    config: resolveOptions({ clientId: CLIENT_ID, redirectUri: CB, openid }),
    transient,
    fetch: () => fake.fetch,
    now: () => NOW,
    timers: defaultTimers,
  });
  return { completer, fake, request };
}

async function oidcCallback(): Promise<URL> {
  const idToken = await signIdToken(key, {
    iss: ISSUER,
    sub: USER_ID,
    aud: CLIENT_ID,
    iat: NOW / 1000,
    exp: NOW / 1000 + 900,
    nonce: 'nonce-1',
    at_hash: await atHash(TOKEN),
  });
  return new URL(
    `${CB}#access_token=${TOKEN}&id_token=${idToken}&scope=openid&state=state-1&token_type=bearer`,
  );
}

const plainCallback = new URL(`${CB}#access_token=${TOKEN}&state=state-1&token_type=bearer`);
const keySet = () => Promise.resolve(json({ keys: [key.jwk] }));
/** Lets a started request (or one that must not start) happen. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('createLoginCompleter', () => {
  it('returns null for a URL without a response, sending nothing and consuming nothing', async () => {
    const { completer } = setup(true);
    await expect(completer.complete(readCallbackUrl(new URL(`${CB}?page=2`)))).resolves.toBeNull();
    const done = await completer.complete(readCallbackUrl(await oidcCallback()), keySet());
    expect(done?.request.state).toBe('state-1');
  });

  it('verifies the ID token against the key set the eager part already requested', async () => {
    // No JWKS expectation: the completer must use the key set it is handed.
    const { completer, request } = setup(true);
    const done = await completer.complete(readCallbackUrl(await oidcCallback()), keySet());
    expect(done?.request).toEqual(request);
    expect(done?.session).toMatchObject({ accessToken: TOKEN, user: { id: USER_ID } });
  });

  it('keeps the verified ID token in the session; a plain OAuth session has none', async () => {
    const callback = await oidcCallback();
    const sent = new URLSearchParams(callback.hash.slice(1)).get('id_token');
    const oidc = await setup(true).completer.complete(readCallbackUrl(callback), keySet());
    expect(oidc?.session.idToken).toBe(sent);
    const plain = await setup(false).completer.complete(readCallbackUrl(plainCallback));
    expect(plain?.session).not.toHaveProperty('idToken');
  });

  it('warm() hands the key set on in OIDC mode, so the callback sends no request of its own', async () => {
    const { completer } = setup(true);
    completer.warm(keySet());
    const done = await completer.complete(readCallbackUrl(await oidcCallback()));
    expect(done?.session.user?.id).toBe(USER_ID);
  });

  it('warm() without a key set fetches it in OIDC mode', async () => {
    const fake = createFakeFetch().expect({ url: JWKS_URL, respond: json({ keys: [key.jwk] }) });
    const { completer } = setup(true, fake);
    completer.warm();
    await settle();
    expect(fake.requests).toHaveLength(1);
  });

  it('warm() does nothing in plain OAuth mode, which has no ID token to verify', async () => {
    const { completer, fake } = setup(false);
    completer.warm();
    await settle();
    expect(fake.requests).toHaveLength(0);
  });

  it('plain OAuth mode sends no request unless the user is needed', async () => {
    const { completer, fake } = setup(false);
    const done = await completer.complete(readCallbackUrl(plainCallback));
    await settle();
    expect(done?.session).toMatchObject({ accessToken: TOKEN, scopes: [] });
    expect(done?.session.user).toBeUndefined();
    expect(fake.requests).toHaveLength(0);
  });

  it('needUser learns the user from validate in plain OAuth mode', async () => {
    const fake = createFakeFetch().expect({ url: VALIDATE_URL, respond: json(validateBody()) });
    const { completer } = setup(false, fake);
    const done = await completer.complete(readCallbackUrl(plainCallback), undefined, true);
    expect(done?.session.user).toMatchObject({ id: USER_ID, login: 'twitchdev' });
  });

  it('needUser keeps the unvalidated session when validate names another app (the caller decides)', async () => {
    const fake = createFakeFetch().expect({
      url: VALIDATE_URL,
      respond: json(validateBody({ client_id: 'someone-else' })),
    });
    const { completer } = setup(false, fake);
    const done = await completer.complete(readCallbackUrl(plainCallback), undefined, true);
    expect(done?.session).toMatchObject({ accessToken: TOKEN, tokenType: 'bearer' });
    expect(done?.session.user).toBeUndefined();
  });

  it('a response without state is state_missing, saying so', async () => {
    const { completer } = setup(false);
    const error = await rejection(
      completer.complete(readCallbackUrl(new URL(`${CB}#access_token=a&token_type=bearer`))),
    );
    expect(isTwitchAuthError(error) && error.code).toBe('state_missing');
    expect((error as Error).message).toMatch(/carries no state/);
  });
});
