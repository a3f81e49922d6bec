import { SignJWT, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { isTwitchAuthError } from '../../src/errors';
import {
  createSession,
  parseStoredSession,
  serializeSession,
  userFromClaims,
} from '../../src/session';
import { createKeyValueStore, createMemoryStorage } from '../../src/storage';
import { throwingStorage } from '../helpers/page';
import { thrown } from '../helpers/thrown';

const NOW = 1_700_000_000_000;

describe('storage', () => {
  it('touches nothing until the first read, then prefixes keys', () => {
    let touched = 0;
    const backing = createMemoryStorage();
    const spy = {
      getItem: (k: string) => (touched++, backing.getItem(k)),
      setItem: (k: string, v: string) => (touched++, backing.setItem(k, v)),
      removeItem: (k: string) => (touched++, backing.removeItem(k)),
    };
    const store = createKeyValueStore(spy, 'p:');
    expect(touched).toBe(0);
    store.set('a', '1');
    expect(backing.getItem('p:a')).toBe('1');
    expect(store.get('a')).toBe('1');
  });

  it('reads a failing storage as empty and reports a failing write as storage_unavailable', () => {
    const store = createKeyValueStore(throwingStorage(), 'p:');
    expect(store.get('a')).toBeNull();
    expect(() => store.remove('a')).not.toThrow();
    const error = thrown(() => store.set('a', '1'));
    expect(isTwitchAuthError(error) && error.code).toBe('storage_unavailable');
  });

  it('keeps memory storage per store', () => {
    const a = createKeyValueStore('memory', 'p:');
    const b = createKeyValueStore('memory', 'p:');
    a.set('k', 'v');
    expect(b.get('k')).toBeNull();
  });
});

describe('session', () => {
  it('round-trips through storage, re-deriving the user from the ID token', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const idToken = await new SignJWT({
      sub: '42',
      preferred_username: 'Ana',
      picture: 'https://x.example/a.png',
    })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    const session = createSession({
      accessToken: 'at',
      tokenType: 'bearer',
      scopes: ['openid'],
      idToken,
      user: { id: '42', login: 'ana', displayName: 'Ana', picture: 'https://x.example/a.png' },
      expiresAt: NOW + 1000,
      createdAt: NOW,
    });
    const back = parseStoredSession(serializeSession(session), NOW);
    expect(back).toEqual(session);
    expect(Object.isFrozen(back)).toBe(true);
  });

  it('keeps the validate-learned user in plain OAuth mode', () => {
    const session = createSession({
      accessToken: 'at',
      tokenType: 'bearer',
      scopes: [],
      user: { id: '7', login: 'x' },
      createdAt: NOW,
    });
    expect(parseStoredSession(serializeSession(session), NOW)?.user).toEqual({
      id: '7',
      login: 'x',
    });
  });

  it('returns null, never throws, for expired or malformed records', () => {
    const good = JSON.parse(
      serializeSession(
        createSession({ accessToken: 'at', tokenType: 'bearer', scopes: [], createdAt: NOW }),
      ),
    ) as Record<string, unknown>;
    for (const bad of [
      null,
      '',
      'x',
      '[]',
      JSON.stringify({ ...good, expiresAt: NOW - 1 }),
      JSON.stringify({ ...good, idToken: 'not-a-jwt' }),
      JSON.stringify({ ...good, scopes: [1] }),
      JSON.stringify({ ...good, createdAt: 'now' }),
    ]) {
      expect(parseStoredSession(bad, NOW)).toBeNull();
    }
  });

  it('ignores claims of the wrong type when building the user', () => {
    expect(
      userFromClaims({
        sub: '1',
        preferred_username: 5,
        email: null,
        email_verified: 'yes',
        picture: 'javascript:alert(1)',
      }),
    ).toEqual({ id: '1' });
  });
});
