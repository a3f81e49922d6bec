// The pending-request store: single use, keyed by state, 10-minute life, tamper-resistant reads.
// Matrix rows C3.x (and the store half of C2.16 and C4.3) from SECURITY.md.
import { describe, expect, it } from 'vitest';
import { randomToken } from '../../../src/internal/random';
import { safeReturnTo } from '../../../src/login/authorize';
import { parseAuthResponse as parseRead } from '../../../src/callback/response';
import { readCallbackUrl } from '../../../src/callback/url';

const parseAuthResponse = (url: URL) => parseRead(readCallbackUrl(url));
import { isTwitchAuthError } from '../../../src/internal/errors';
import {
  PENDING_TTL_MS,
  type PendingRequest,
  createPendingStore as createSaver,
} from '../../../src/login/pending';
import { takePendingRequest } from '../../../src/login/pending-take';
import type { KeyValueStore } from '../../../src/session/storage';

/** Both halves of the store over one KeyValueStore: save (eager) and take (the callback path). */
const createPendingStore = (store: KeyValueStore) => ({
  ...createSaver(store),
  take: (state: string, now: number) => takePendingRequest(store, state, now),
});
import {
  type StorageLike,
  createKeyValueStore,
  createMemoryStorage,
} from '../../../src/session/storage';

const NOW = 1_700_000_000_000;
const ORIGIN = 'https://app.example';
const CALLBACK = `${ORIGIN}/callback`;
const PREFIX = 'p:';
/** Where the store keeps every pending request: one JSON object from state to request. */
const KEY = `${PREFIX}pending`;

function request(state: string, overrides: Partial<PendingRequest> = {}): PendingRequest {
  return {
    state,
    nonce: `nonce-${state}`,
    responseType: 'token id_token',
    scopes: ['chat:read', 'openid'],
    returnTo: `${ORIGIN}/home`,
    redirectUri: CALLBACK,
    issuer: 'https://id.twitch.tv/oauth2',
    mode: 'redirect',
    createdAt: NOW,
    ...overrides,
  };
}

/** A memory StorageLike that also lists its keys, so tests can see what is left behind. */
function inspectableStorage(): StorageLike & { keys(): string[] } {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
    keys: () => [...map.keys()].sort(),
  };
}

/**
 * Whether a readable request for `state` is stored, expired or not: asked of take() on a copy of
 * the stored map, so nothing is consumed.
 */
function holds(storage: StorageLike, state: string): boolean {
  const copy = createMemoryStorage();
  const raw = storage.getItem(KEY);
  if (raw !== null) copy.setItem(KEY, raw);
  const code = codeOf(() => createPendingStore(createKeyValueStore(copy, PREFIX)).take(state, NOW));
  return code !== 'no_pending_request' && code !== 'state_mismatch';
}

/** A pending store over `storage`, with `has(state)` to look without consuming. */
function storeOver(storage: StorageLike) {
  return {
    ...createPendingStore(createKeyValueStore(storage, PREFIX)),
    has: (state: string) => holds(storage, state),
  };
}

function setup() {
  const storage = inspectableStorage();
  const pending = storeOver(storage);
  return { storage, pending };
}

/** The stored map, read as script on the origin could; a Map, so `__proto__` stays a key. */
function storedMap(storage: StorageLike): Map<string, unknown> {
  return new Map(
    Object.entries(JSON.parse(storage.getItem(KEY) ?? '{}') as Record<string, unknown>),
  );
}

/** Writes `map` back as the stored JSON object (Object.fromEntries keeps `__proto__` an own key). */
function writeMap(storage: StorageLike, map: ReadonlyMap<string, unknown>): void {
  storage.setItem(KEY, JSON.stringify(Object.fromEntries(map)));
}

/** The code of the TwitchAuthError `run` throws; anything else thrown fails the assertion. */
function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isTwitchAuthError(error) ? error.code : `untyped: ${String(error)}`;
  }
  return undefined;
}

/** Rewrites the stored entry for `state`, as script on the origin could: `edit` changes it in place or returns a replacement. */
function tamper(
  storage: StorageLike,
  state: string,
  edit: (data: Record<string, unknown>) => unknown,
): void {
  const map = storedMap(storage);
  const data = map.get(state) as Record<string, unknown>;
  const edited = edit(data);
  map.set(state, edited === undefined ? data : edited);
  writeMap(storage, map);
}

/** The JSON text save() would store for fresh requests with these states. */
function storedText(...states: string[]): string {
  return JSON.stringify(Object.fromEntries(states.map((state) => [state, request(state)])));
}

/** A memory StorageLike whose setItem throws QuotaExceededError once `failWrites()` is called. */
function fallibleStorage(): { storage: StorageLike; failWrites: () => void } {
  const backing = createMemoryStorage();
  let fail = false;
  const storage: StorageLike = {
    getItem: (key) => backing.getItem(key),
    removeItem: (key) => backing.removeItem(key),
    setItem: (key, value) => {
      if (fail) throw new DOMException('full', 'QuotaExceededError');
      backing.setItem(key, value);
    },
  };
  return { storage, failWrites: () => void (fail = true) };
}

describe('C3 state and pending requests', () => {
  it('C3.1 a response without state has nothing to look up, and an empty state consumes nothing', () => {
    // The caller throws state_missing when the parsed state is undefined; an empty value is absent.
    expect(
      parseAuthResponse(new URL(`${CALLBACK}#access_token=a&token_type=bearer`))?.state,
    ).toBeUndefined();
    expect(
      parseAuthResponse(new URL(`${CALLBACK}#access_token=a&state=&token_type=bearer`))?.state,
    ).toBeUndefined();
    const { pending } = setup();
    pending.save(request('real'));
    expect(codeOf(() => pending.take('', NOW))).toBe('state_mismatch');
    expect(pending.take('real', NOW).state).toBe('real');
  });

  it('C3.2 a state one character longer, a prefix, another case or unrelated is a mismatch and consumes nothing', () => {
    const real = randomToken();
    const variants = [
      `${real}1`,
      real.slice(0, 20),
      real.toUpperCase() === real ? real.toLowerCase() : real.toUpperCase(),
      randomToken(),
    ];
    for (const state of variants) {
      const { pending, storage } = setup();
      pending.save(request(real));
      const before = storage.keys().map((key) => [key, storage.getItem(key)]);
      expect(codeOf(() => pending.take(state, NOW))).toBe('state_mismatch');
      expect(storage.keys().map((key) => [key, storage.getItem(key)])).toEqual(before);
      expect(pending.take(real, NOW).nonce).toBe(`nonce-${real}`);
    }
  });

  it('C3.3 a response when no login was started here (login CSRF) is no_pending_request and stores nothing', () => {
    const { pending, storage } = setup();
    expect(codeOf(() => pending.take(randomToken(), NOW))).toBe('no_pending_request');
    expect(storage.keys()).toEqual([]);
  });

  it('C3.4 a replayed callback finds its request gone (single use)', () => {
    const { pending, storage } = setup();
    pending.save(request('once'));
    expect(pending.take('once', NOW).state).toBe('once');
    expect(pending.has('once')).toBe(false);
    expect(storage.keys()).toEqual([]);
    expect(codeOf(() => pending.take('once', NOW + 1))).toBe('no_pending_request');
  });

  it('C3.5 a request at or past the 10-minute TTL is pending_request_expired, and consumed anyway', () => {
    const { pending } = setup();
    pending.save(request('fresh'));
    expect(pending.take('fresh', NOW + PENDING_TTL_MS - 1).state).toBe('fresh');

    pending.save(request('old'));
    expect(codeOf(() => pending.take('old', NOW + PENDING_TTL_MS))).toBe('pending_request_expired');
    expect(pending.has('old')).toBe(false);
    expect(codeOf(() => pending.take('old', NOW + PENDING_TTL_MS))).toBe('no_pending_request');

    // A createdAt from the future was not written by this clock (tampering or a clock jump).
    pending.save(request('future', { createdAt: NOW + 3_600_000 }));
    expect(codeOf(() => pending.take('future', NOW))).toBe('pending_request_expired');
    expect(PENDING_TTL_MS).toBe(600_000);
  });

  it('C3.6 two logins answered in the opposite order each match their own request', () => {
    const { pending } = setup();
    const first = randomToken();
    const second = randomToken();
    pending.save(request(first, { returnTo: `${ORIGIN}/a` }));
    pending.save(request(second, { createdAt: NOW + 1, returnTo: `${ORIGIN}/b`, mode: 'popup' }));
    expect(pending.take(second, NOW + 2)).toMatchObject({
      nonce: `nonce-${second}`,
      returnTo: `${ORIGIN}/b`,
      mode: 'popup',
    });
    expect(pending.take(first, NOW + 2)).toMatchObject({
      nonce: `nonce-${first}`,
      returnTo: `${ORIGIN}/a`,
      mode: 'redirect',
    });
  });

  it('C3.7 an edited nonce is returned as edited (the ID token check then fails) and an edited returnTo is re-checked by the caller', () => {
    const { pending, storage } = setup();
    pending.save(request('edited'));
    tamper(storage, 'edited', (data) => {
      data['nonce'] = 'attacker-nonce';
      data['returnTo'] = 'https://evil.example/steal';
    });
    const taken = pending.take('edited', NOW);
    expect(taken.nonce).toBe('attacker-nonce');
    expect(taken.nonce).not.toBe('nonce-edited');
    expect(safeReturnTo(taken.returnTo, ORIGIN, CALLBACK)).toBeUndefined();
  });

  it.each<[string, (data: Record<string, unknown>) => unknown]>([
    ['a string in place of the object', () => '{"state":'],
    ['an array', () => []],
    ['null', () => null],
    ['a state that differs from its key', (d) => void (d['state'] = 'other')],
    ['an unknown mode', (d) => void (d['mode'] = 'iframe')],
    ['an unknown responseType', (d) => void (d['responseType'] = 'code')],
    ['an OIDC request without nonce', (d) => void delete d['nonce']],
    ['a nonce in plain token mode', (d) => void (d['responseType'] = 'token')],
    ['scopes that are not strings', (d) => void (d['scopes'] = [1, 2])],
    ['a returnTo that is not a string', (d) => void (d['returnTo'] = { href: 'x' })],
    ['a createdAt string', (d) => void (d['createdAt'] = String(NOW))],
    ['a createdAt of null (NaN once serialised)', (d) => void (d['createdAt'] = null)],
    ['an empty issuer', (d) => void (d['issuer'] = '')],
    ['a 20 KB returnTo', (d) => void (d['returnTo'] = `${ORIGIN}/${'x'.repeat(20_000)}`)],
  ])(
    'C3.7 a stored entry with %s is discarded and treated as absent, and taking it removes it',
    (_, edit) => {
      const { pending, storage } = setup();
      pending.save(request('broken'));
      tamper(storage, 'broken', edit);
      expect(pending.has('broken')).toBe(false);
      expect(codeOf(() => pending.take('broken', NOW))).toBe('no_pending_request');
      expect(storage.getItem(KEY)).toBeNull();
    },
  );

  it.each<[string, () => string]>([
    ['invalid JSON', () => '{"broken":'],
    ['an array', () => `[${storedText('broken')}]`],
    ['a JSON string', () => JSON.stringify(storedText('broken'))],
    ['null', () => 'null'],
    [
      'more than 20 entries',
      () => storedText('broken', ...Array.from({ length: 20 }, (_, i) => `s${i}`)),
    ],
    [
      'over the size bound (20 × 16 KB)',
      () => storedText('broken').replace(/}$/, `,"pad":"${'x'.repeat(20 * 16_384)}"}`),
    ],
  ])('C3.7 a stored map that is %s is discarded whole, and a take() removes it', (_, raw) => {
    const { pending, storage } = setup();
    storage.setItem(KEY, raw());
    expect(pending.has('broken')).toBe(false);
    expect(codeOf(() => pending.take('broken', NOW))).toBe('no_pending_request');
    expect(storage.getItem(KEY)).toBeNull();
  });

  it('C3.7 unknown fields in a stored entry are not carried into the request', () => {
    const { pending, storage } = setup();
    pending.save(request('extra'));
    tamper(storage, 'extra', (data) => {
      data['accessToken'] = 'injected';
      data['pad'] = 'x'.repeat(20_000); // bounded by the map's size, never handed back
    });
    const taken = pending.take('extra', NOW) as unknown as Record<string, unknown>;
    expect(taken['accessToken']).toBeUndefined();
    expect(taken['pad']).toBeUndefined();
    expect(Object.isFrozen(taken)).toBe(true);
  });

  it('C3.8 keeps the requested response type, so the caller can refuse a response of the other shape', () => {
    const { pending } = setup();
    const { nonce: _nonce, ...oidc } = request('plain');
    pending.save({ ...oidc, responseType: 'token', scopes: ['chat:read'] });
    pending.save(request('oidc'));
    const plain = pending.take('plain', NOW);
    expect(plain.responseType).toBe('token');
    expect(plain.nonce).toBeUndefined();
    expect(pending.take('oidc', NOW)).toMatchObject({
      responseType: 'token id_token',
      nonce: 'nonce-oidc',
    });
  });
});

describe('C2.16 and C4.3 at the store', () => {
  it('C2.16 the same callback handled twice: the first take wins, the second is no_pending_request', () => {
    const { pending } = setup();
    const state = randomToken();
    pending.save(request(state));
    const url = new URL(
      `${CALLBACK}#access_token=a&id_token=x.y.z&state=${state}&token_type=bearer`,
    );
    const parsedState = parseAuthResponse(url)?.state ?? '';
    expect(pending.take(parsedState, NOW).state).toBe(state);
    expect(codeOf(() => pending.take(parseAuthResponse(url)?.state ?? '', NOW))).toBe(
      'no_pending_request',
    );
  });

  it('C4.3 an error response with a wrong state is state_mismatch and leaves the real request usable', () => {
    const { pending } = setup();
    const real = randomToken();
    pending.save(request(real));
    const forged = parseAuthResponse(new URL(`${CALLBACK}?error=access_denied&state=forged`));
    expect(forged).toMatchObject({ kind: 'error', state: 'forged' });
    expect(codeOf(() => pending.take(forged?.state ?? '', NOW))).toBe('state_mismatch');
    expect(pending.has(real)).toBe(true);
    expect(pending.take(real, NOW).state).toBe(real);
  });
});

describe('pending store housekeeping', () => {
  it('keeps at most 20 pending requests, dropping the oldest', () => {
    const { pending, storage } = setup();
    for (let i = 0; i < 25; i += 1) pending.save(request(`s${i}`, { createdAt: NOW + i }));
    for (let i = 0; i < 5; i += 1) expect(pending.has(`s${i}`)).toBe(false);
    for (let i = 5; i < 25; i += 1) expect(pending.has(`s${i}`)).toBe(true);
    expect(storage.keys()).toEqual([KEY]);
    expect([...storedMap(storage).keys()]).toEqual(
      Array.from({ length: 20 }, (_, i) => `s${i + 5}`),
    );
  });

  it('keeps the newest by createdAt, whatever order the stored keys come back in', () => {
    // JSON objects list integer-like keys first, so key order is not save order.
    const { pending } = setup();
    for (let i = 0; i < 20; i += 1) pending.save(request(`s${i}`, { createdAt: NOW + i }));
    pending.save(request('1', { createdAt: NOW + 20 }));
    pending.save(request('0', { createdAt: NOW + 21 }));
    expect(pending.has('s0')).toBe(false);
    expect(pending.has('s1')).toBe(false);
    for (const state of ['s2', 's19', '1', '0']) expect(pending.has(state)).toBe(true);
  });

  it('the largest request save() accepts is read back, twenty times over', () => {
    const big = (state: string, pad: number) =>
      request(state, { returnTo: `${ORIGIN}/${'x'.repeat(pad)}` });
    const fits = (pad: number) =>
      codeOf(() => setup().pending.save(big('probe-00', pad))) === undefined;
    let low = 0;
    let high = 20_000;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (fits(mid)) low = mid;
      else high = mid - 1;
    }
    expect(low).toBeGreaterThan(15_000);
    const { pending, storage } = setup();
    const states = Array.from({ length: 20 }, (_, i) => `probe-${String(i).padStart(2, '0')}`);
    for (const state of states) pending.save(big(state, low));
    for (const state of states) expect(pending.has(state)).toBe(true);
    expect(storedMap(storage).size).toBe(20);
    expect(pending.take('probe-07', NOW).returnTo).toHaveLength(ORIGIN.length + 1 + low);
  });

  it('prunes expired requests when saving a new one', () => {
    const { pending, storage } = setup();
    pending.save(request('stale'));
    pending.save(request('new', { createdAt: NOW + PENDING_TTL_MS }));
    expect([...storedMap(storage).keys()]).toEqual(['new']);
  });

  it('an expired other request does not turn a stray response into state_mismatch', () => {
    const { pending } = setup();
    pending.save(request('old'));
    expect(codeOf(() => pending.take('stray', NOW + PENDING_TTL_MS))).toBe('no_pending_request');
  });

  it('throws storage_unavailable when the entry cannot be written', () => {
    const storage: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(
      codeOf(() => createPendingStore(createKeyValueStore(storage, PREFIX)).save(request('x'))),
    ).toBe('storage_unavailable');
  });

  it('does not half-store a request when the write fails, and keeps earlier logins as they were', () => {
    const { storage, failWrites } = fallibleStorage();
    const pending = storeOver(storage);
    pending.save(request('earlier'));
    const before = storage.getItem(KEY);
    failWrites();
    expect(codeOf(() => pending.save(request('later', { createdAt: NOW + 1 })))).toBe(
      'storage_unavailable',
    );
    expect(storage.getItem(KEY)).toBe(before);
    expect(pending.has('later')).toBe(false);
    expect(pending.has('earlier')).toBe(true);
  });

  it('a take() whose rewrite fails still consumes its request, dropping the others rather than leaving it reusable', () => {
    const { storage, failWrites } = fallibleStorage();
    const pending = storeOver(storage);
    pending.save(request('a'));
    pending.save(request('b'));
    failWrites();
    expect(pending.take('a', NOW).state).toBe('a');
    expect(pending.has('a')).toBe(false);
    expect(pending.has('b')).toBe(false);
    expect(codeOf(() => pending.take('a', NOW))).toBe('no_pending_request');
  });

  it('save() prunes expired requests as it stores a new one', () => {
    const { pending } = setup();
    for (let i = 0; i < 20; i += 1) pending.save(request(`s${i}`, { createdAt: NOW + i }));
    pending.save(request('new', { createdAt: NOW + PENDING_TTL_MS + 5 })); // s0…s5 expired
    expect(pending.has('new')).toBe(true);
    expect(pending.has('s5')).toBe(false);
    expect(pending.has('s6')).toBe(true);
  });

  it('a stored map with __proto__ and constructor keys pollutes nothing and costs no real request', () => {
    const { pending, storage } = setup();
    pending.save(request('real'));
    const real = storage.getItem(KEY) ?? '';
    storage.setItem(
      KEY,
      `{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},${real.slice(1)}`,
    );
    expect(codeOf(() => pending.take('stray', NOW))).toBe('state_mismatch');
    expect(codeOf(() => pending.take('__proto__', NOW))).toBe('state_mismatch'); // consumed: corrupt
    expect([...storedMap(storage).keys()]).toEqual(['real']);
    expect(pending.take('real', NOW).state).toBe('real');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('old keys of the per-state layout are ignored', () => {
    const { pending, storage } = setup();
    storage.setItem(
      `${PREFIX}pending:index`,
      JSON.stringify([{ state: 'legacy', createdAt: NOW }]),
    );
    storage.setItem(`${PREFIX}pending:legacy`, JSON.stringify(request('legacy')));
    expect(pending.has('legacy')).toBe(false);
    expect(codeOf(() => pending.take('legacy', NOW))).toBe('no_pending_request');
  });

  it.each([
    ['index', 'index'],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['600 characters', 'x'.repeat(600)],
  ])(
    'a hostile state (%s) that was never saved consumes nothing and writes nothing',
    (_, state) => {
      const { pending, storage } = setup();
      pending.save(request('real'));
      const before = storage.getItem(KEY);
      expect(pending.has(state)).toBe(false);
      expect(codeOf(() => pending.take(state, NOW))).toBe('state_mismatch');
      expect(storage.getItem(KEY)).toBe(before);
      expect(pending.take('real', NOW).state).toBe('real');
    },
  );

  it('states named like Object.prototype members are ordinary keys', () => {
    const { pending, storage } = setup();
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'index'];
    for (const [i, state] of names.entries()) pending.save(request(state, { createdAt: NOW + i }));
    expect([...storedMap(storage).keys()]).toEqual(names);
    for (const state of names) expect(pending.has(state)).toBe(true);
    expect(pending.take('__proto__', NOW).nonce).toBe('nonce-__proto__');
    expect(pending.has('__proto__')).toBe(false);
    expect(codeOf(() => pending.take('__proto__', NOW))).toBe('state_mismatch');
    for (const state of names.slice(1)) expect(pending.take(state, NOW).state).toBe(state);
    expect(storage.keys()).toEqual([]);
    expect(Object.prototype).not.toHaveProperty('nonce');
  });

  it('refuses to save a request take() could not read back', () => {
    const { pending, storage } = setup();
    expect(codeOf(() => pending.save(request('')))).toBe('invalid_options');
    expect(codeOf(() => pending.save(request('x'.repeat(600))))).toBe('invalid_options');
    expect(codeOf(() => pending.save(request('nan', { createdAt: Number.NaN })))).toBe(
      'invalid_options',
    );
    expect(codeOf(() => pending.save(request('mode', { mode: 'iframe' as never })))).toBe(
      'invalid_options',
    );
    expect(
      codeOf(() => pending.save(request('big', { returnTo: `${ORIGIN}/${'x'.repeat(20_000)}` }))),
    ).toBe('invalid_options');
    expect(storage.keys()).toEqual([]);
  });
});

describe('pending store bounds and shapes, exactly', () => {
  /** The message of the TwitchAuthError `run` throws. */
  function messageOf(run: () => unknown): string {
    try {
      run();
    } catch (error) {
      if (isTwitchAuthError(error)) return error.message;
    }
    throw new Error('expected a TwitchAuthError');
  }

  it('a state of 512 characters is usable, 513 is not', () => {
    const { pending } = setup();
    const longest = 's'.repeat(512);
    pending.save(request(longest));
    expect(pending.take(longest, NOW).state).toBe(longest);
    expect(codeOf(() => pending.save(request('s'.repeat(513))))).toBe('invalid_options');
  });

  it('a createdAt up to one minute ahead of the clock is accepted, further ahead is expired', () => {
    const { pending } = setup();
    pending.save(request('ahead', { createdAt: NOW + 60_000 }));
    expect(pending.take('ahead', NOW).state).toBe('ahead');
    pending.save(request('further', { createdAt: NOW + 60_001 }));
    expect(codeOf(() => pending.take('further', NOW))).toBe('pending_request_expired');
  });

  it('an entry of exactly 16 384 characters, as stored, is the largest one read back', () => {
    const big = (state: string, pad: number) =>
      request(state, { returnTo: `${ORIGIN}/${'x'.repeat(pad)}` });
    const base = JSON.stringify('probe').length + JSON.stringify(big('probe', 0)).length + 2;
    const pad = 16_384 - base;
    const { pending, storage } = setup();
    pending.save(big('probe', pad));
    const stored = storedMap(storage).get('probe');
    expect(JSON.stringify('probe').length + JSON.stringify(stored).length + 2).toBe(16_384);
    expect(pending.take('probe', NOW).returnTo).toHaveLength(ORIGIN.length + 1 + pad);
    expect(codeOf(() => pending.save(big('probe', pad + 1)))).toBe('invalid_options');
  });

  it('a stored map of exactly 20 × 16 384 + 2 characters is read, one more is discarded', () => {
    const text = storedText('fits');
    const padded = (length: number) => `${' '.repeat(length - text.length)}${text}`;
    const { pending, storage } = setup();
    storage.setItem(KEY, padded(20 * 16_384 + 2));
    expect(pending.take('fits', NOW).state).toBe('fits');
    storage.setItem(KEY, padded(20 * 16_384 + 3));
    expect(codeOf(() => pending.take('fits', NOW))).toBe('no_pending_request');
  });

  it.each<[string, (data: Record<string, unknown>) => unknown]>([
    [
      'an unknown responseType and no nonce',
      (d) => {
        d['responseType'] = 'code';
        delete d['nonce'];
      },
    ],
    ['scopes that are a string', (d) => void (d['scopes'] = 'openid')],
    ['257 scopes', (d) => void (d['scopes'] = Array.from({ length: 257 }, (_, i) => `s${i}`))],
  ])('a stored entry with %s is discarded', (_, edit) => {
    const { pending, storage } = setup();
    pending.save(request('broken'));
    tamper(storage, 'broken', edit);
    expect(codeOf(() => pending.take('broken', NOW))).toBe('no_pending_request');
  });

  it('256 scopes are read back, in order', () => {
    const scopes = Array.from({ length: 256 }, (_, i) => `s${i}`);
    const { pending } = setup();
    pending.save(request('many', { scopes }));
    expect(pending.take('many', NOW).scopes).toEqual(scopes);
  });

  it('a request is read back field for field, with no nonce or returnTo where it had none', () => {
    const { pending } = setup();
    pending.save(request('full'));
    expect(pending.take('full', NOW)).toStrictEqual(request('full'));
    const { nonce: _nonce, returnTo: _returnTo, ...bare } = request('bare');
    pending.save({ ...bare, responseType: 'token' });
    const taken = pending.take('bare', NOW);
    expect(taken).toStrictEqual({ ...bare, responseType: 'token' });
    expect('nonce' in taken).toBe(false);
    expect('returnTo' in taken).toBe(false);
  });

  it('the first save into an empty store writes that request alone', () => {
    const { pending, storage } = setup();
    pending.save(request('first'));
    expect([...storedMap(storage).keys()]).toEqual(['first']);
    expect(storage.getItem(KEY)).toBe(storedText('first'));
  });

  it('saving a state again replaces it without pushing out the oldest of 20', () => {
    const { pending } = setup();
    for (let i = 0; i < 20; i += 1) pending.save(request(`s${i}`, { createdAt: NOW + i }));
    pending.save(request('s19', { createdAt: NOW + 20 }));
    for (let i = 0; i < 20; i += 1) expect(pending.has(`s${i}`)).toBe(true);
  });

  it('a take for a state that is not stored leaves the stored map byte for byte', () => {
    const { pending, storage } = setup();
    pending.save(request('real'));
    // An unknown field and an expired other: a rewrite would drop both.
    tamper(storage, 'real', (data) => void (data['extra'] = 1));
    const map = storedMap(storage);
    map.set('old', request('old', { createdAt: NOW - PENDING_TTL_MS }));
    writeMap(storage, map);
    const before = storage.getItem(KEY);
    expect(codeOf(() => pending.take('stray', NOW))).toBe('state_mismatch');
    expect(codeOf(() => pending.take('', NOW))).toBe('state_mismatch');
    expect(storage.getItem(KEY)).toBe(before);
  });

  it('a take with nothing stored writes nothing at all', () => {
    const calls: string[] = [];
    const backing = createMemoryStorage();
    const recording: StorageLike = {
      getItem: (key) => backing.getItem(key),
      setItem: (key, value) => {
        calls.push(`set ${key}`);
        backing.setItem(key, value);
      },
      removeItem: (key) => {
        calls.push(`remove ${key}`);
        backing.removeItem(key);
      },
    };
    const pending = storeOver(recording);
    expect(codeOf(() => pending.take('s', NOW))).toBe('no_pending_request');
    expect(calls).toEqual([]);
  });

  it('says what is wrong', () => {
    const { pending } = setup();
    expect(messageOf(() => pending.save(request('')))).toMatch(
      /pending login request is malformed/,
    );
    expect(messageOf(() => pending.take('none', NOW))).toMatch(/No login was started/);
    pending.save(request('other'));
    expect(messageOf(() => pending.take('none', NOW))).toMatch(/matches no login started/);
    pending.save(request('old', { createdAt: NOW - PENDING_TTL_MS }));
    expect(messageOf(() => pending.take('old', NOW))).toMatch(/more than 10 minutes ago/);
  });
});
