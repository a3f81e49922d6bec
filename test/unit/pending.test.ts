// The pending-request store: single use, keyed by state, 10-minute life, tamper-resistant reads.
// Matrix rows C3.x (and the store half of C2.16 and C4.3) from SECURITY.md.
import { describe, expect, it } from 'vitest';
import { randomToken, safeReturnTo } from '../../src/authorize';
import { parseAuthResponse } from '../../src/callback';
import { isTwitchAuthError } from '../../src/errors';
import { PENDING_TTL_MS, type PendingRequest, createPendingStore } from '../../src/pending';
import { type StorageLike, createKeyValueStore, createMemoryStorage } from '../../src/storage';

const NOW = 1_700_000_000_000;
const ORIGIN = 'https://app.example';
const CALLBACK = `${ORIGIN}/callback`;
const PREFIX = 'p:';

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

function setup() {
  const storage = inspectableStorage();
  const pending = createPendingStore(createKeyValueStore(storage, PREFIX));
  return { storage, pending };
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

/** Rewrites one stored field of the entry for `state`, as script on the origin could. */
function tamper(storage: StorageLike, state: string, edit: (data: Record<string, unknown>) => unknown): void {
  const key = `${PREFIX}pending:${state}`;
  const data = JSON.parse(storage.getItem(key) ?? 'null') as Record<string, unknown>;
  storage.setItem(key, JSON.stringify(edit(data) ?? data));
}

describe('C3 state and pending requests', () => {
  it('C3.1 a response without state has nothing to look up, and an empty state consumes nothing', () => {
    // The caller throws state_missing when the parsed state is undefined; an empty value is absent.
    expect(parseAuthResponse(new URL(`${CALLBACK}#access_token=a&token_type=bearer`))?.state).toBeUndefined();
    expect(parseAuthResponse(new URL(`${CALLBACK}#access_token=a&state=&token_type=bearer`))?.state).toBeUndefined();
    const { pending } = setup();
    pending.save(request('real'));
    expect(codeOf(() => pending.take('', NOW))).toBe('state_mismatch');
    expect(pending.take('real', NOW).state).toBe('real');
  });

  it('C3.2 a state one character longer, a prefix, another case or unrelated is a mismatch and consumes nothing', () => {
    const real = randomToken();
    const variants = [`${real}1`, real.slice(0, 20), real.toUpperCase() === real ? real.toLowerCase() : real.toUpperCase(), randomToken()];
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
    expect(pending.take(second, NOW + 2)).toMatchObject({ nonce: `nonce-${second}`, returnTo: `${ORIGIN}/b`, mode: 'popup' });
    expect(pending.take(first, NOW + 2)).toMatchObject({ nonce: `nonce-${first}`, returnTo: `${ORIGIN}/a`, mode: 'redirect' });
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
    ['invalid JSON', () => '{"state":'],
    ['an array', () => []],
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
    ['a 20 KB entry', (d) => void (d['pad'] = 'x'.repeat(20_000))],
  ])('C3.7 a stored entry with %s is discarded and treated as absent', (_, edit) => {
    const { pending, storage } = setup();
    pending.save(request('broken'));
    const key = `${PREFIX}pending:broken`;
    const data = JSON.parse(storage.getItem(key) ?? '') as Record<string, unknown>;
    const edited = edit(data);
    storage.setItem(key, typeof edited === 'string' ? edited : JSON.stringify(edited ?? data));
    expect(pending.has('broken')).toBe(false);
    expect(codeOf(() => pending.take('broken', NOW))).toBe('no_pending_request');
    expect(storage.getItem(key)).toBeNull();
  });

  it('C3.7 unknown fields in a stored entry are not carried into the request', () => {
    const { pending, storage } = setup();
    pending.save(request('extra'));
    tamper(storage, 'extra', (data) => void (data['accessToken'] = 'injected'));
    const taken = pending.take('extra', NOW) as unknown as Record<string, unknown>;
    expect(taken['accessToken']).toBeUndefined();
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
    expect(pending.take('oidc', NOW)).toMatchObject({ responseType: 'token id_token', nonce: 'nonce-oidc' });
  });
});

describe('C2.16 and C4.3 at the store', () => {
  it('C2.16 the same callback handled twice: the first take wins, the second is no_pending_request', () => {
    const { pending } = setup();
    const state = randomToken();
    pending.save(request(state));
    const url = new URL(`${CALLBACK}#access_token=a&id_token=x.y.z&state=${state}&token_type=bearer`);
    const parsedState = parseAuthResponse(url)?.state ?? '';
    expect(pending.take(parsedState, NOW).state).toBe(state);
    expect(codeOf(() => pending.take(parseAuthResponse(url)?.state ?? '', NOW))).toBe('no_pending_request');
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
    expect(storage.keys()).toHaveLength(21); // 20 entries and the index
  });

  it('prunes expired requests when saving a new one', () => {
    const { pending, storage } = setup();
    pending.save(request('stale'));
    pending.save(request('new', { createdAt: NOW + PENDING_TTL_MS }));
    expect(storage.getItem(`${PREFIX}pending:stale`)).toBeNull();
    expect(JSON.parse(storage.getItem(`${PREFIX}pending:index`) ?? '')).toEqual([
      { state: 'new', createdAt: NOW + PENDING_TTL_MS },
    ]);
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
    expect(codeOf(() => createPendingStore(createKeyValueStore(storage, PREFIX)).save(request('x')))).toBe('storage_unavailable');
  });

  it('does not half-store a request when the index write fails, and keeps earlier logins', () => {
    const backing = createMemoryStorage();
    let failIndex = false;
    const storage: StorageLike = {
      getItem: (key) => backing.getItem(key),
      removeItem: (key) => backing.removeItem(key),
      setItem: (key, value) => {
        if (failIndex && key.endsWith('pending:index')) throw new DOMException('full', 'QuotaExceededError');
        backing.setItem(key, value);
      },
    };
    const pending = createPendingStore(createKeyValueStore(storage, PREFIX));
    pending.save(request('earlier'));
    failIndex = true;
    expect(codeOf(() => pending.save(request('later', { createdAt: NOW + 1 })))).toBe('storage_unavailable');
    expect(pending.has('later')).toBe(false);
    expect(pending.has('earlier')).toBe(true);
  });

  it('a corrupt index never costs the real request', () => {
    const { pending, storage } = setup();
    pending.save(request('real'));
    storage.setItem(`${PREFIX}pending:index`, '{"__proto__":{"polluted":1}}');
    expect(codeOf(() => pending.take('stray', NOW))).toBe('no_pending_request');
    expect(pending.take('real', NOW).state).toBe('real');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['index', 'index'],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['600 characters', 'x'.repeat(600)],
  ])('a hostile state (%s) cannot reach the index or another entry', (_, state) => {
    const { pending, storage } = setup();
    pending.save(request('real'));
    const index = storage.getItem(`${PREFIX}pending:index`);
    expect(pending.has(state)).toBe(false);
    expect(codeOf(() => pending.take(state, NOW))).toBe('state_mismatch');
    expect(storage.getItem(`${PREFIX}pending:index`)).toBe(index);
    expect(pending.take('real', NOW).state).toBe('real');
  });

  it('refuses to save a request take() could not read back', () => {
    const { pending, storage } = setup();
    expect(codeOf(() => pending.save(request('index')))).toBe('invalid_options');
    expect(codeOf(() => pending.save(request('nan', { createdAt: Number.NaN })))).toBe('invalid_options');
    expect(codeOf(() => pending.save(request('mode', { mode: 'iframe' as never })))).toBe('invalid_options');
    expect(storage.keys()).toEqual([]);
  });
});
