import { describe, expect, it } from 'vitest';
import { isTwitchAuthError } from '../../src/errors';
import { PENDING_TTL_MS, type PendingRequest, createPendingStore } from '../../src/pending';
import { createKeyValueStore, createMemoryStorage } from '../../src/storage';

const NOW = 1_700_000_000_000;

function request(state: string, overrides: Partial<PendingRequest> = {}): PendingRequest {
  return {
    state,
    nonce: `nonce-${state}`,
    responseType: 'token id_token',
    scopes: ['openid'],
    redirectUri: 'https://app.example/callback',
    issuer: 'https://id.twitch.tv/oauth2',
    mode: 'redirect',
    createdAt: NOW,
    ...overrides,
  };
}

function setup() {
  const storage = createMemoryStorage();
  const kv = createKeyValueStore(storage, 'p:');
  return { storage, kv, pending: createPendingStore(kv) };
}

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isTwitchAuthError(error) ? error.code : 'untyped';
  }
  return undefined;
}

describe('C3 state and pending requests', () => {
  it('C3.1 a response without state is for the caller to refuse: nothing matches an empty state', () => {
    const { pending } = setup();
    pending.save(request('real'));
    expect(code(() => pending.take('', NOW))).toBe('state_mismatch');
    expect(pending.has('real')).toBe(true);
  });

  it.each([['real1'], ['rea'], ['REAL'], ['unrelated']])(
    'C3.2 state %s is a mismatch and does not consume the real request',
    (state) => {
      const { pending } = setup();
      pending.save(request('real'));
      expect(code(() => pending.take(state, NOW))).toBe('state_mismatch');
      expect(pending.take('real', NOW).state).toBe('real');
    },
  );

  it('C3.3 a response when no login was started is no_pending_request', () => {
    expect(code(() => setup().pending.take('anything', NOW))).toBe('no_pending_request');
  });

  it('C3.4 a replayed response finds its request gone (single use)', () => {
    const { pending } = setup();
    pending.save(request('once'));
    expect(pending.take('once', NOW).state).toBe('once');
    expect(code(() => pending.take('once', NOW))).toBe('no_pending_request');
  });

  it('C3.5 a request older than 10 minutes is expired, and consumed', () => {
    const { pending } = setup();
    pending.save(request('old'));
    expect(code(() => pending.take('old', NOW + PENDING_TTL_MS))).toBe('pending_request_expired');
    expect(pending.has('old')).toBe(false);
  });

  it('C3.6 two logins answered in the opposite order each match their own request', () => {
    const { pending } = setup();
    pending.save(request('first'));
    pending.save(request('second', { createdAt: NOW + 1 }));
    expect(pending.take('second', NOW + 2).nonce).toBe('nonce-second');
    expect(pending.take('first', NOW + 2).nonce).toBe('nonce-first');
  });

  it('C3.7 an edited record is read as it is (the nonce check then fails) and a broken one is discarded', () => {
    const { pending, storage } = setup();
    pending.save(request('edited'));
    const key = 'p:pending:edited';
    storage.setItem(key, (storage.getItem(key) ?? '').replace('nonce-edited', 'attacker'));
    expect(pending.take('edited', NOW).nonce).toBe('attacker');
    pending.save(request('broken'));
    storage.setItem('p:pending:broken', '{"state":"broken","mode":"evil"');
    expect(code(() => pending.take('broken', NOW))).toBe('no_pending_request');
  });

  it('C3.8 keeps the response type so the caller can refuse a mismatched response', () => {
    const { pending } = setup();
    pending.save(request('plain', { responseType: 'token', scopes: [] }));
    const taken = pending.take('plain', NOW);
    expect(taken.responseType).toBe('token');
  });

  it('refuses to half-store a request when storage is full', () => {
    const kv = createKeyValueStore(
      { getItem: () => null, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); }, removeItem: () => undefined },
      'p:',
    );
    expect(code(() => createPendingStore(kv).save(request('x')))).toBe('storage_unavailable');
  });

  it('keeps at most 20 pending requests, dropping the oldest', () => {
    const { pending } = setup();
    for (let i = 0; i < 25; i += 1) pending.save(request(`s${i}`, { createdAt: NOW + i }));
    expect(pending.has('s0')).toBe(false);
    expect(pending.has('s24')).toBe(true);
    expect(pending.has('s5')).toBe(true);
  });
});
