import { SignJWT, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  applyValidation,
  createSession,
  hasScopes,
  parseStoredRecord,
  type RefreshGrant,
  sameGrant,
  serializeRecord,
  type Session,
  serializeSession,
} from '../../../src/session/session';
import type { ValidateResult } from '../../../src/api/oauth-calls';
import { userFromClaims } from '../../../src/id-token/claims';

const NOW = 1_700_000_000_000;

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
    const back = parseStoredRecord(serializeSession(session), NOW)?.session ?? null;
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
    expect(parseStoredRecord(serializeSession(session), NOW)?.session.user).toEqual({
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
      JSON.stringify({ ...good, idToken: 'not-a-jwt' }), // an OIDC session without its user
      JSON.stringify({ ...good, scopes: [1] }),
      JSON.stringify({ ...good, createdAt: 'now' }),
    ]) {
      expect(parseStoredRecord(bad, NOW)?.session ?? null).toBeNull();
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

describe('the stored-session loader, one check at a time', () => {
  /** A stored record that loads; each case below changes one thing of it. */
  const good = {
    v: 1,
    accessToken: 'at',
    scopes: ['user:read:email'],
    idToken: 'header.payload.signature',
    user: { id: '7', login: 'seven', displayName: 'Seven' },
    expiresAt: NOW + 1_000,
    createdAt: NOW - 1_000,
    validatedAt: NOW - 500,
  };
  const load = (changes: Record<string, unknown>) =>
    parseStoredRecord(JSON.stringify({ ...good, ...changes }), NOW)?.session ?? null;

  it('loads the record the cases start from', () => {
    expect(load({})).toEqual({
      accessToken: 'at',
      tokenType: 'bearer',
      scopes: ['user:read:email'],
      idToken: good.idToken,
      user: { id: '7', login: 'seven', displayName: 'Seven' },
      expiresAt: NOW + 1_000,
      createdAt: NOW - 1_000,
      validatedAt: NOW - 500,
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['another schema version', { v: 2 }],
    ['no schema version', { v: undefined }],
    ['an empty access token', { accessToken: '' }],
    ['a numeric access token', { accessToken: 5 }],
    ['scopes as a string', { scopes: 'user:read:email' }],
    ['a scope that is not a string', { scopes: ['ok', 1] }],
    ['no createdAt', { createdAt: undefined }],
    ['a createdAt that is not a number', { createdAt: '1700000000000' }],
    ['an expiresAt that is not a number', { expiresAt: '1' }],
    ['a validatedAt that is not a number', { validatedAt: 'yesterday' }],
    ['an expiresAt of now', { expiresAt: NOW }],
    ['an expired token without a refresh token', { expiresAt: NOW - 1, refreshToken: '' }],
    ['an empty ID token', { idToken: '' }],
    ['an ID token that is not a string', { idToken: 5 }],
    ['an ID token without its user', { user: undefined }],
    ['a user that is a string (the old schema)', { user: 'seven' }],
    ['a user (no ID token) that is a string', { idToken: undefined, user: '7' }],
    ['a user (no ID token) without id', { idToken: undefined, user: { login: 'x' } }],
    ['a user (no ID token) with an empty id', { idToken: undefined, user: { id: '' } }],
  ])('reads %s as signed out', (_what, changes) => {
    expect(load(changes)).toBeNull();
  });

  it('keeps an expired device session: its refresh token can renew it', () => {
    const refresh = { token: 'rt', lineage: 'l1', generation: 3 };
    expect(load({ expiresAt: NOW - 1, refresh })?.expiresAt).toBe(NOW - 1);
    const record = parseStoredRecord(JSON.stringify({ ...good, refresh }), NOW);
    expect(record?.refresh).toEqual(refresh);
    expect(JSON.parse(serializeRecord(record!))).toMatchObject({ refresh });
  });

  it('reads a web session (no refresh token) as a record without a refresh grant', () => {
    expect(parseStoredRecord(JSON.stringify(good), NOW)).not.toHaveProperty('refresh');
  });

  it('reads a malformed refresh grant as signed out, never as a session without one', () => {
    for (const refresh of [
      null,
      'rt',
      { token: '', lineage: 'l', generation: 0 },
      { token: 'rt', lineage: 7, generation: 0 },
      { token: 'rt', lineage: 'l', generation: -1 },
      { token: 'rt', lineage: 'l', generation: 1.5 },
      { token: 'rt', lineage: 'l' },
    ]) {
      expect(parseStoredRecord(JSON.stringify({ ...good, refresh }), NOW)).toBeNull();
    }
  });

  it('takes a record of 64 000 characters and refuses a longer one', () => {
    const base = JSON.stringify({ ...good, pad: '' });
    const sized = (length: number) =>
      JSON.stringify({ ...good, pad: 'x'.repeat(length - base.length) });
    expect(parseStoredRecord(sized(64_000), NOW)?.session ?? null).not.toBeNull();
    expect(parseStoredRecord(sized(64_001), NOW)?.session ?? null).toBeNull();
  });

  it('reads the stored user field by field, leaving out what has the wrong type (C11.5)', () => {
    const user = {
      id: '7',
      login: 'seven',
      displayName: 'Seven',
      email: 'seven@example.com',
      emailVerified: true,
      picture: 'https://x.example/7.png',
    };
    expect(load({ user })?.user).toEqual(user);
    expect(
      load({
        user: {
          id: '7',
          login: 7,
          displayName: '',
          email: null,
          emailVerified: 'yes',
          picture: 'javascript:alert(1)',
          extra: 'x',
        },
      })?.user,
    ).toEqual({ id: '7' });
  });

  it('keeps a stored http picture and drops one that only contains a URL', () => {
    const picture = (url: string) => load({ user: { id: '7', picture: url } })?.user?.picture;
    expect(picture('http://x.example/7.png')).toBe('http://x.example/7.png');
    expect(picture('x https://x.example/7.png')).toBeUndefined();
  });

  it('keeps a validate-learned user without an ID token, and its login only when a string', () => {
    expect(load({ idToken: undefined, user: { id: '7', login: 'seven' } })?.user).toEqual({
      id: '7',
      login: 'seven',
    });
    expect(load({ idToken: undefined, user: { id: '7', login: 7 } })?.user).toEqual({ id: '7' });
    expect(load({ idToken: undefined, user: undefined })).not.toHaveProperty('user');
  });

  it('stores the whole user, with an ID token or without one', () => {
    const withToken = load({});
    expect(JSON.parse(serializeSession(withToken!)).user).toEqual(good.user);
    const oauth = load({ idToken: undefined, user: { id: '7', login: 'seven' } });
    expect(JSON.parse(serializeSession(oauth!)).user).toEqual({ id: '7', login: 'seven' });
  });
});

describe('the user from verified claims', () => {
  it('takes every claim of the right type', () => {
    expect(
      userFromClaims(
        {
          sub: '7',
          preferred_username: 'Seven',
          email: 'seven@example.com',
          email_verified: false,
          picture: 'https://static-cdn.jtvnw.net/seven.png',
        },
        'seven',
      ),
    ).toEqual({
      id: '7',
      login: 'seven',
      displayName: 'Seven',
      email: 'seven@example.com',
      emailVerified: false,
      picture: 'https://static-cdn.jtvnw.net/seven.png',
    });
  });

  it.each([
    ['empty strings', { preferred_username: '', email: '', picture: '' }],
    ['a picture that only contains a URL', { picture: 'x https://example.com/a.png' }],
    ['a picture of another scheme', { picture: 'data:image/png;base64,AAAA' }],
  ])('drops %s', (_what, claims) => {
    expect(userFromClaims({ sub: '7', ...claims })).toEqual({ id: '7' });
  });

  it('takes no login unless one is given, and no picture that is not a string', () => {
    const user = userFromClaims({ sub: '7', picture: ['https://example.com/a.png'] });
    expect(user).not.toHaveProperty('login');
    expect(user).not.toHaveProperty('picture');
  });

  it('takes a plain http picture', () => {
    expect(userFromClaims({ sub: '7', picture: 'http://example.com/a.png' }).picture).toBe(
      'http://example.com/a.png',
    );
  });
});

/** The same session with no user (plain OAuth mode before validation). */
const withoutUser = ({ user: _user, ...rest }: Session): Session => createSession(rest);

describe('what a validation means for a session', () => {
  const CLIENT = 'client-a';
  const base = createSession({
    accessToken: 'at',
    tokenType: 'bearer',
    scopes: ['a'],
    user: { id: '7', login: 'seven', displayName: 'Seven' },
    expiresAt: NOW + 5_000,
    createdAt: NOW - 1_000,
  });
  const result = (changes: Partial<ValidateResult> = {}): ValidateResult => ({
    clientId: CLIENT,
    login: 'seven',
    scopes: ['a', 'b'],
    userId: '7',
    expiresIn: 3_600,
    ...changes,
  });

  it('takes Twitch’s scopes, the expiry it tells and the time, keeping the user', () => {
    expect(applyValidation(base, result(), CLIENT, NOW)).toEqual({
      kind: 'validated',
      session: {
        ...base,
        scopes: ['a', 'b'],
        expiresAt: NOW + 3_600_000,
        validatedAt: NOW,
      },
    });
  });

  it('keeps the expiry it knew when Twitch tells none', () => {
    const outcome = applyValidation(base, result({ expiresIn: null }), CLIENT, NOW);
    expect(outcome).toMatchObject({ session: { expiresAt: NOW + 5_000, user: base.user } });
  });

  it('an app token (no user) for a session of a user is token_invalid; without one, no user', () => {
    const app = result({ userId: null, login: null });
    expect(applyValidation(base, app, CLIENT, NOW)).toHaveProperty('error.code', 'token_invalid');
    const oauth = withoutUser(base);
    const outcome = applyValidation(oauth, app, CLIENT, NOW);
    expect(outcome.kind === 'validated' && outcome.session).not.toHaveProperty('user');
  });

  it('learns whose token it is in plain OAuth mode (no user yet), login included', () => {
    const oauth = withoutUser(base);
    expect(
      applyValidation(oauth, result({ userId: '9', login: 'nine' }), CLIENT, NOW),
    ).toMatchObject({ session: { user: { id: '9', login: 'nine' } } });
    const noLogin = applyValidation(oauth, result({ userId: '9', login: null }), CLIENT, NOW);
    expect(noLogin.kind === 'validated' && noLogin.session.user).toEqual({ id: '9' });
  });

  it.each([
    ['another app', { clientId: 'client-b' }],
    ['another user', { userId: '8' }],
  ])('is token_invalid when the token belongs to %s', (_who, changes) => {
    const outcome = applyValidation(base, result(changes), CLIENT, NOW);
    expect('error' in outcome && outcome.error).toMatchObject({
      code: 'token_invalid',
      message: expect.stringMatching(/belongs to another app or user/),
    });
  });
});

describe('hasScopes', () => {
  const session = createSession({
    accessToken: 'at',
    tokenType: 'bearer',
    scopes: ['a', 'b'],
    createdAt: NOW,
  });
  it('is true only when every scope asked for was granted', () => {
    expect(hasScopes(session, ['a', 'b'])).toBe(true);
    expect(hasScopes(session, [])).toBe(true);
    expect(hasScopes(session, ['a', 'c'])).toBe(false);
    expect(hasScopes(null, [])).toBe(false);
  });
});

describe('sameGrant', () => {
  const grant: RefreshGrant = { token: 'rt-1', lineage: 'l1', generation: 2 };

  it('is the same refresh token for the same login and rotation, whatever the token text', () => {
    expect(sameGrant(grant, { ...grant, token: 'rt-other' })).toBe(true);
  });

  it('is another refresh token after another rotation or for another login', () => {
    expect(sameGrant(grant, { ...grant, generation: 3 })).toBe(false);
    expect(sameGrant(grant, { ...grant, lineage: 'l2' })).toBe(false);
  });

  it('is never the same when either side has no grant', () => {
    expect(sameGrant(undefined, grant)).toBe(false);
    expect(sameGrant(grant, undefined)).toBe(false);
    expect(sameGrant(undefined, undefined)).toBe(false);
  });
});
