// Parsing the redirect back from Twitch, cleaning the URL, and matching it to its request.
// Matrix rows C2.x, C3.8 and C4.x from SECURITY.md. Every URL is passed in; no global is touched.
import { describe, expect, it } from 'vitest';
import { randomToken } from '../../../src/internal/random';
import {
  type AuthResponse,
  matchResponse,
  parseAuthResponse as parseRead,
} from '../../../src/callback/response';
import { readCallbackUrl } from '../../../src/callback/url';
import { isTwitchAuthError } from '../../../src/internal/errors';
import { type PendingRequest, createPendingStore as createSaver } from '../../../src/login/pending';
import { takePendingRequest } from '../../../src/login/pending-take';
import type { KeyValueStore } from '../../../src/session/storage';

/** Both halves of the store over one KeyValueStore: save (eager) and take (the callback path). */
const createPendingStore = (store: KeyValueStore) => ({
  ...createSaver(store),
  take: (state: string, now: number) => takePendingRequest(store, state, now),
});
import { createKeyValueStore, createMemoryStorage } from '../../../src/session/storage';
import { thrown } from '../../helpers/thrown';

const CB = 'https://app.example/callback';
const NOW = 1_700_000_000_000;
const oidc: PendingRequest = {
  state: 's',
  nonce: 'n',
  responseType: 'token id_token',
  scopes: ['openid'],
  redirectUri: CB,
  issuer: 'https://id.twitch.tv/oauth2',
  mode: 'redirect',
  createdAt: NOW,
};
const { nonce: _unused, ...withoutNonce } = oidc;
const plain: PendingRequest = { ...withoutNonce, responseType: 'token', scopes: [] };

// The URL is read once (eager: detect and clean) and parsed in full later (lazy).
const hasAuthResponse = (url: URL): boolean => readCallbackUrl(url).hasResponse;
const stripAuthResponse = (url: URL): string => readCallbackUrl(url).cleanedHref;
const parseAuthResponse = (url: URL): AuthResponse | null => parseRead(readCallbackUrl(url));
/** Whether a request for `state` is still stored: taking it is the only way to look. */
const stillPending = (pending: ReturnType<typeof createPendingStore>, state: string): boolean =>
  thrown(() => pending.take(state, NOW)) === undefined;

const parse = (suffix: string): AuthResponse | null => parseAuthResponse(new URL(CB + suffix));
/** Parses a URL that must hold a response. */
const response = (suffix: string): AuthResponse => {
  const parsed = parse(suffix);
  if (parsed === null) throw new Error(`no response in ${suffix}`);
  return parsed;
};

/** The TwitchAuthError code `run` throws; a URIError or other untyped throw is reported as such. */
function codeOf(run: () => unknown): string | undefined {
  const error = thrown(run);
  if (error === undefined) return undefined;
  return isTwitchAuthError(error) ? error.code : `untyped: ${String(error)}`;
}

const success = '#access_token=at&id_token=a.b.c&scope=openid&state=s&token_type=bearer';

describe('C2 callback parsing', () => {
  it('C2.1 a URL without fragment or query carries no response; nothing is parsed or changed', () => {
    expect(hasAuthResponse(new URL(CB))).toBe(false);
    expect(parse('')).toBeNull();
    expect(stripAuthResponse(new URL(CB))).toBe(CB);
    expect(parse('?page=2')).toBeNull();
    expect(parse('#/settings')).toBeNull();
    expect(parse('#foo=bar')).toBeNull();
  });

  it('reads a URL object afresh after it changes (the split is reused only for the same href)', () => {
    const url = new URL(CB + success);
    expect(hasAuthResponse(url)).toBe(true);
    url.hash = '#/settings';
    expect(hasAuthResponse(url)).toBe(false);
    expect(parseAuthResponse(url)).toBeNull();
    url.search = '?error=access_denied&state=s';
    expect(parseAuthResponse(url)).toMatchObject({
      kind: 'error',
      error: 'access_denied',
      state: 's',
    });
  });

  it.each(['#', '#&&&', '#=', '#==&='])(
    'C2.2 %s is invalid_callback, and stripping removes it',
    (hash) => {
      expect(hasAuthResponse(new URL(CB + hash))).toBe(false);
      expect(codeOf(() => parse(hash))).toBe('invalid_callback');
      expect(stripAuthResponse(new URL(CB + hash))).toBe(CB);
    },
  );

  it.each([
    ['access_token twice', '#access_token=a&access_token=b&state=s&token_type=bearer'],
    ['state twice', '#access_token=a&state=s&state=t&token_type=bearer'],
    ['state twice, once empty', '#access_token=a&state=&state=s&token_type=bearer'],
    ['state in query and fragment', '?state=s#access_token=a&state=s&token_type=bearer'],
    ['error twice in the query', '?error=access_denied&error=server_error&state=s'],
    [
      'an encoded name repeating a plain one',
      '#access_token=a&st%61te=s&state=s&token_type=bearer',
    ],
  ])('C2.3 refuses %s', (_, suffix) => {
    expect(codeOf(() => parse(suffix))).toBe('duplicate_param');
  });

  it('C2.4 treats an empty value as absent, so an empty access_token is missing_param', () => {
    const parsed = response('#access_token=&id_token=a.b.c&state=s&token_type=bearer');
    expect(parsed).toMatchObject({ kind: 'success', accessToken: undefined });
    expect(codeOf(() => matchResponse(parsed, oidc))).toBe('missing_param');
    expect(response('#access_token=a&id_token=&state=s&token_type=bearer')).toMatchObject({
      idToken: undefined,
    });
  });

  it.each([
    ['a truncated escape in state', '#access_token=a&state=%E0%A4%A&token_type=bearer'],
    ['%ZZ in state', '#access_token=a&state=%ZZ&token_type=bearer'],
    ['a lone % in the token', '#access_token=%&state=s&token_type=bearer'],
    ['an escape that is not UTF-8', '#access_token=a&state=%E0%A4&token_type=bearer'],
    ['a bad escape in a scope', '#access_token=a&scope=%ZZ&state=s&token_type=bearer'],
    ['a bad escape in a parameter name', '#access_token=a&st%ZZate=s&state=s&token_type=bearer'],
    ['a bad escape in the query error', '?error=%ZZ&state=s'],
  ])('C2.5 %s is invalid_callback, never a URIError', (_, suffix) => {
    expect(codeOf(() => parse(suffix))).toBe('invalid_callback');
    expect(() => stripAuthResponse(new URL(CB + suffix))).not.toThrow();
  });

  it('C2.5 an app’s own query parameter with a bad escape is left alone', () => {
    expect(response('?q=%ZZ#access_token=a&state=s&token_type=bearer')).toMatchObject({
      accessToken: 'a',
    });
  });

  it('C2.6 + and %20 in scope both decode to a space, and the granted scopes are exposed exactly', () => {
    const spaced = response(
      '#access_token=a&scope=chat%3Aread+user%3Aread%3Aemail%20openid&state=s&token_type=bearer',
    );
    expect(spaced.kind === 'success' && spaced.scopes).toEqual([
      'chat:read',
      'user:read:email',
      'openid',
    ]);
    expect(matchResponse(spaced, plain).scopes).toEqual(['chat:read', 'user:read:email', 'openid']);
    const exact = response('#access_token=a&scope=chat:read++openid+&state=s&token_type=bearer');
    expect(exact.kind === 'success' && exact.scopes).toEqual(['chat:read', 'openid']);
    const none = response('#access_token=a&state=s&token_type=bearer');
    expect(none.kind === 'success' && none.scopes).toEqual([]);
  });

  it('decodes Twitch’s double-encoded OIDC scope (%253A) once more, and keeps an undecodable one as it is', () => {
    const twitch = response(
      '#access_token=a&scope=channel%253Amanage%253Apolls+channel%253Aread%253Apolls+openid&state=s&token_type=bearer',
    );
    expect(twitch.kind === 'success' && twitch.scopes).toEqual([
      'channel:manage:polls',
      'channel:read:polls',
      'openid',
    ]);
    const odd = response('#access_token=a&scope=chat%2525ZZ+openid&state=s&token_type=bearer');
    expect(odd.kind === 'success' && odd.scopes).toEqual(['chat%ZZ', 'openid']);
  });

  it('C2.7 refuses a 1 MB fragment and 10 000 parameters quickly; 100 parameters are fine', () => {
    const started = performance.now();
    expect(codeOf(() => parse(`#access_token=a&state=s&x=${'a'.repeat(1_000_000)}`))).toBe(
      'invalid_callback',
    );
    const many = (n: number) => Array.from({ length: n }, (_, i) => `p${i}=1`).join('&');
    expect(codeOf(() => parse(`#access_token=a&state=s&${many(10_000)}`))).toBe('invalid_callback');
    expect(codeOf(() => parse(`?error=x&state=s&${'q'.repeat(20_000)}=1`))).toBe(
      'invalid_callback',
    );
    // Refused by its size before it is split: a few ms. The bound leaves room for a loaded machine
    // and Stryker's instrumented code; a parser that splits first would take far longer.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(codeOf(() => parse(`#access_token=a&state=s&${many(98)}`))).toBeUndefined();
    expect(codeOf(() => parse(`#access_token=a&state=s&${many(99)}`))).toBe('invalid_callback');
  });

  it('C2.8 parameters named __proto__, constructor, prototype or hasOwnProperty pollute nothing', () => {
    const parsed = response(
      '#__proto__=x&constructor=y&prototype=z&hasOwnProperty=w&__proto__%5Bpolluted%5D=1&access_token=a&state=s&token_type=bearer',
    );
    expect(parsed).toMatchObject({ kind: 'success', accessToken: 'a', state: 's' });
    expect(Object.keys(parsed).sort()).toEqual([
      'accessToken',
      'idToken',
      'kind',
      'scopes',
      'state',
      'tokenType',
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(parsed, 'state')).toBe(true);
    expect(response('#access_token=__proto__&state=constructor&token_type=bearer')).toMatchObject({
      accessToken: '__proto__',
      state: 'constructor',
    });
  });

  it.each([
    ['access_token', `${CB}?access_token=leak&state=s&keep=1`],
    ['id_token', `${CB}?id_token=a.b.c&state=s&keep=1`],
    [
      'access_token next to a valid fragment',
      `${CB}?keep=1&access_token=leak#access_token=b&state=s&token_type=bearer`,
    ],
    ['a percent-encoded access_token name', `${CB}?access%5Ftoken=leak&state=s&keep=1`],
    ['id_token with an encoded value', `${CB}?state=s&id_token=%61.b.c&keep=1`],
  ])('C2.9 refuses %s in the query string and still strips it from the URL', (_, href) => {
    const url = new URL(href);
    expect(hasAuthResponse(url)).toBe(true);
    expect(codeOf(() => parseAuthResponse(url))).toBe('token_in_query');
    expect(stripAuthResponse(url)).toBe(`${CB}?keep=1`);
  });

  it('C2.10 a token id_token request without id_token is missing_param', () => {
    expect(
      codeOf(() => matchResponse(response('#access_token=a&state=s&token_type=bearer'), oidc)),
    ).toBe('missing_param');
  });

  it('C2.11 a token id_token request without access_token is missing_param', () => {
    expect(
      codeOf(() => matchResponse(response('#id_token=a.b.c&state=s&token_type=bearer'), oidc)),
    ).toBe('missing_param');
  });

  it('C2.12 a token request refuses an id_token it did not ask for (never trusted unverified)', () => {
    expect(codeOf(() => matchResponse(response(success), plain))).toBe('response_type_mismatch');
  });

  it.each([
    ['mac', '&token_type=mac'],
    ['DPoP', '&token_type=DPoP'],
    ['bearer with a suffix', '&token_type=bearerx'],
    ['missing', ''],
    ['empty', '&token_type='],
  ])('C2.13 refuses token_type %s', (_, tokenType) => {
    const parsed = response(`#access_token=a&id_token=a.b.c&state=s${tokenType}`);
    expect(codeOf(() => matchResponse(parsed, oidc))).toBe('unsupported_token_type');
  });

  it('C2.13 accepts bearer in any case', () => {
    for (const type of ['bearer', 'Bearer', 'BEARER']) {
      expect(
        matchResponse(response(`#access_token=a&id_token=a.b.c&state=s&token_type=${type}`), oidc)
          .accessToken,
      ).toBe('a');
    }
  });

  it.each(['-5', 'abc', '1e309', '0', ''])('C2.14 ignores expires_in=%s', (value) => {
    expect(matchResponse(response(`${success}&expires_in=${value}`), oidc)).toEqual({
      accessToken: 'at',
      idToken: 'a.b.c',
      scopes: ['openid'],
    });
    expect(stripAuthResponse(new URL(`${CB}?expires_in=${value}&state=s`))).toBe(CB);
  });

  it.each([
    [
      'in the fragment',
      '#error=server_error&access_token=a&id_token=a.b.c&state=s&token_type=bearer',
    ],
    [
      'split over query and fragment',
      '?error=server_error&state=s#access_token=a&id_token=a.b.c&token_type=bearer',
    ],
  ])(
    'C2.15 error and access_token together %s is an error response; no token comes out',
    (_, suffix) => {
      const parsed = response(suffix);
      expect(parsed.kind).toBe('error');
      expect(JSON.stringify(parsed)).not.toContain('a.b.c');
      const error = thrown(() => matchResponse(parsed, oidc));
      expect(error).toMatchObject({ code: 'authorize_error', twitchError: 'server_error' });
    },
  );

  it('C2.16 the same callback handled twice: the first wins, the replay is no_pending_request', () => {
    const pending = createPendingStore(createKeyValueStore(createMemoryStorage(), 't:'));
    const state = randomToken();
    pending.save({ ...oidc, state });
    const url = new URL(
      `${CB}#access_token=at&id_token=a.b.c&scope=openid&state=${state}&token_type=bearer`,
    );
    const handle = () => {
      const parsed = parseAuthResponse(url);
      if (parsed?.state === undefined) throw new Error('no state');
      return matchResponse(parsed, pending.take(parsed.state, NOW));
    };
    expect(handle().accessToken).toBe('at');
    expect(codeOf(handle)).toBe('no_pending_request');
  });

  it('strips only response parameters, keeping the app’s query byte for byte and an unrelated fragment', () => {
    expect(stripAuthResponse(new URL(`${CB}?page=2#access_token=a&state=s`))).toBe(`${CB}?page=2`);
    expect(
      stripAuthResponse(
        new URL(`${CB}?q=a%20b&error=access_denied&error_description=x&error_uri=y&state=s&page=2`),
      ),
    ).toBe(`${CB}?q=a%20b&page=2`);
    expect(stripAuthResponse(new URL(`${CB}?error=access_denied&state=s#/route`))).toBe(
      `${CB}#/route`,
    );
    expect(stripAuthResponse(new URL(`${CB}?a=1&&b=+#/r`))).toBe(`${CB}?a=1&&b=+#/r`);
    expect(stripAuthResponse(new URL(`${CB}?st%61te=s&scope=x&token_type=bearer&x=1`))).toBe(
      `${CB}?x=1`,
    );
  });

  it('hasAuthResponse recognises a response in either place and never throws', () => {
    expect(hasAuthResponse(new URL(`${CB}#state=s`))).toBe(true);
    expect(hasAuthResponse(new URL(`${CB}?state=s`))).toBe(true);
    expect(hasAuthResponse(new URL(`${CB}?error=access_denied`))).toBe(true);
    expect(hasAuthResponse(new URL(`${CB}#id_token=x`))).toBe(true);
    expect(hasAuthResponse(new URL(`${CB}?scope=x&token_type=bearer`))).toBe(false);
    expect(hasAuthResponse(new URL(`${CB}#%ZZ&%E0`))).toBe(false);
  });

  it('parses Twitch’s documented implicit and OIDC examples', () => {
    expect(
      response(
        '#access_token=73d0f8mkabpbmjp921asv2jaidwxn&scope=channel%3Amanage%3Apolls+channel%3Aread%3Apolls&state=c3ab8aa609ea11e793ae92361f002671&token_type=bearer',
      ),
    ).toEqual({
      kind: 'success',
      state: 'c3ab8aa609ea11e793ae92361f002671',
      accessToken: '73d0f8mkabpbmjp921asv2jaidwxn',
      idToken: undefined,
      scopes: ['channel:manage:polls', 'channel:read:polls'],
      tokenType: 'bearer',
    });
  });

  it('refuses a token, state or token_type with characters no response has (no CR/LF reaches a header)', () => {
    for (const suffix of [
      '#access_token=a%0D%0AX-Evil%3A1&state=s&token_type=bearer',
      '#access_token=a&state=s%00&token_type=bearer',
      '#access_token=a&state=s&token_type=bearer%0A',
      '#access_token=a&id_token=a.b%E2%80%AE.c&state=s&token_type=bearer',
    ]) {
      expect(codeOf(() => parse(suffix))).toBe('invalid_callback');
    }
  });

  it('matchResponse refuses a response whose state is not the request’s (defence in depth)', () => {
    expect(
      codeOf(() => matchResponse(response(success.replace('state=s', 'state=other')), oidc)),
    ).toBe('state_mismatch');
    expect(codeOf(() => matchResponse(response('?error=access_denied&state=other'), oidc))).toBe(
      'state_mismatch',
    );
  });
});

describe('C3.8 response shape against the request', () => {
  it('C3.8 a stored token request answered with an id_token, or the reverse, is refused', () => {
    const pending = createPendingStore(createKeyValueStore(createMemoryStorage(), 't:'));
    pending.save({ ...plain, state: 'plain' });
    pending.save({ ...oidc, state: 'oidc' });
    const plainAnswer = response('#access_token=a&id_token=a.b.c&state=plain&token_type=bearer');
    expect(codeOf(() => matchResponse(plainAnswer, pending.take('plain', NOW)))).toBe(
      'response_type_mismatch',
    );
    const oidcAnswer = response('#access_token=a&state=oidc&token_type=bearer');
    expect(codeOf(() => matchResponse(oidcAnswer, pending.take('oidc', NOW)))).toBe(
      'missing_param',
    );
  });
});

describe('C4 authorization error responses', () => {
  const denied = 'error=access_denied&error_description=The+user+denied+you+access&state=s';

  it('C4.1 maps access_denied in the fragment to access_denied with Twitch’s text as data; the request is consumed', () => {
    const pending = createPendingStore(createKeyValueStore(createMemoryStorage(), 't:'));
    pending.save(oidc);
    const parsed = response(`#${denied}`);
    const error = thrown(() => matchResponse(parsed, pending.take(parsed.state ?? '', NOW)));
    expect(error).toMatchObject({
      code: 'access_denied',
      twitchError: 'access_denied',
      twitchErrorDescription: 'The user denied you access',
    });
    expect(stillPending(pending, 's')).toBe(false);
  });

  it('C4.2 reads the error from the query string, where Twitch puts it, and strips it', () => {
    const url = new URL(`${CB}?${denied}`);
    expect(parseAuthResponse(url)).toEqual({
      kind: 'error',
      state: 's',
      error: 'access_denied',
      errorDescription: 'The user denied you access',
    });
    expect(thrown(() => matchResponse(response(`?${denied}`), oidc))).toMatchObject({
      code: 'access_denied',
    });
    expect(stripAuthResponse(url)).toBe(CB);
  });

  it('C4.3 an error with a missing state has no state to look up; a wrong state is the store’s state_mismatch', () => {
    expect(response('?error=access_denied')).toMatchObject({ kind: 'error', state: undefined });
    expect(response('?error=access_denied&state=')).toMatchObject({
      kind: 'error',
      state: undefined,
    });
    const pending = createPendingStore(createKeyValueStore(createMemoryStorage(), 't:'));
    pending.save(oidc);
    const forged = response('?error=access_denied&state=forged');
    expect(codeOf(() => pending.take(forged.state ?? '', NOW))).toBe('state_mismatch');
    expect(stillPending(pending, 's')).toBe(true);
  });

  it('C4.4 keeps an HTML error_description as plain text, unchanged', () => {
    const html = '<img src=x onerror=alert(1)>';
    const parsed = response(
      `?error=invalid_request&error_description=${encodeURIComponent(html)}&state=s`,
    );
    expect(parsed).toMatchObject({ errorDescription: html });
    expect(thrown(() => matchResponse(parsed, oidc))).toMatchObject({
      twitchErrorDescription: html,
    });
  });

  it.each(['javascript:alert(1)', 'data:text/html,x', 'https://id.twitch.tv/help'])(
    'C4.5 drops error_uri %s',
    (uri) => {
      const url = new URL(
        `${CB}?error=invalid_request&error_uri=${encodeURIComponent(uri)}&state=s`,
      );
      const parsed = parseAuthResponse(url);
      expect(Object.keys(parsed ?? {}).sort()).toEqual([
        'error',
        'errorDescription',
        'kind',
        'state',
      ]);
      expect(JSON.stringify(parsed)).not.toContain(uri.slice(0, 8));
      const error = thrown(() => matchResponse(parsed as AuthResponse, oidc));
      expect(
        JSON.stringify({ ...(error as object), message: (error as Error).message }),
      ).not.toContain(uri.slice(0, 8));
      expect(stripAuthResponse(url)).toBe(CB);
    },
  );

  it.each([
    'login_required',
    'consent_required',
    'interaction_required',
    'redirect_mismatch',
    'unsupported_response_type',
  ])('C4.6 passes %s through as authorize_error with twitchError kept', (twitchError) => {
    const error = thrown(() => matchResponse(response(`?error=${twitchError}&state=s`), oidc));
    expect(error).toMatchObject({ code: 'authorize_error', twitchError });
    expect(isTwitchAuthError(error) && error.twitchErrorDescription).toBeUndefined();
  });

  it('C4.7 passes an unknown error through, truncating a 5 KB error and description', () => {
    const parsed = response(
      `?error=${'e'.repeat(5000)}&error_description=${'d'.repeat(5000)}&state=s`,
    );
    expect(parsed.kind === 'error' && parsed.error).toBe('e'.repeat(100));
    expect(parsed.kind === 'error' && parsed.errorDescription).toBe('d'.repeat(500));
    expect(thrown(() => matchResponse(parsed, oidc))).toMatchObject({ code: 'authorize_error' });
    // Truncation never leaves half a surrogate pair.
    const emoji = response(
      `?error=x&error_description=${encodeURIComponent(`${'d'.repeat(499)}😀tail`)}&state=s`,
    );
    expect(emoji.kind === 'error' && emoji.errorDescription).toBe('d'.repeat(499));
  });
});

/** The message of the TwitchAuthError `run` throws (its code checked too). */
function messageOf(run: () => unknown, code: string): string {
  const error = thrown(run);
  if (!isTwitchAuthError(error))
    throw new Error(`expected a TwitchAuthError, got ${String(error)}`);
  expect(error.code).toBe(code);
  return error.message;
}

describe('callback parsing, piece by piece', () => {
  it('a parameter without "=" is a name with an empty value: counted, stripped, never a value', () => {
    expect(hasAuthResponse(new URL(`${CB}#state`))).toBe(true);
    expect(stripAuthResponse(new URL(`${CB}?state&page=2`))).toBe(`${CB}?page=2`);
    expect(codeOf(() => parse('#access_token=a&state&state=s&token_type=bearer'))).toBe(
      'duplicate_param',
    );
    const bare = response('#access_token=a&state=s&token_type=bearer&scope');
    expect(bare.kind === 'success' && bare.scopes).toEqual([]);
    // An empty token name in the query is no leaked token: the error is read.
    expect(response('?access_token=&error=access_denied&state=s')).toMatchObject({
      kind: 'error',
      error: 'access_denied',
    });
    expect(response('?id_token&error=access_denied&state=s')).toMatchObject({ kind: 'error' });
  });

  it('empty pieces do not count towards the 100 parameters', () => {
    const many = Array.from({ length: 98 }, (_, i) => `p${i}=1`).join('&');
    expect(codeOf(() => parse(`#access_token=a&state=s&${many}&&&&&`))).toBeUndefined();
  });

  it('strips response parameters without touching the app’s pieces, dropping only empty ones', () => {
    expect(stripAuthResponse(new URL(`${CB}?a=1&&state=s&b=2`))).toBe(`${CB}?a=1&b=2`);
    // A piece whose name does not decode is the app’s: kept as it was.
    expect(stripAuthResponse(new URL(`${CB}?%ZZ=1&state=s`))).toBe(`${CB}?%ZZ=1`);
  });

  it('a fragment with a route and an empty piece is not an empty fragment', () => {
    expect(parse('#&foo=bar')).toBeNull();
    expect(stripAuthResponse(new URL(`${CB}#&foo=bar`))).toBe(`${CB}#&foo=bar`);
  });

  it('never throws: a URL whose href cannot be read again is cleaned to the part before ? and #', () => {
    class OddUrl extends URL {
      override get href(): string {
        return 'not a url/callback?keep=1&access_token=x#state=s';
      }
    }
    const read = readCallbackUrl(new OddUrl(`${CB}?keep=1&access_token=x#state=s`));
    expect(read.cleanedHref).toBe('not a url/callback');
    expect(read.hasResponse).toBe(true);
  });

  it('the query may carry the app’s own malformed names; only the fragment, all Twitch’s, is strict', () => {
    expect(response('?%ZZ#access_token=a&state=s&token_type=bearer')).toMatchObject({
      accessToken: 'a',
    });
    expect(response('?error=access_denied&state=s#/route%ZZ')).toMatchObject({ kind: 'error' });
    expect(response('?error=access_denied&state=s#/r&%ZZ')).toMatchObject({ kind: 'error' });
  });

  it('the size bounds are exact: 16 384 characters of query or fragment are read, one more is not', () => {
    const query = (length: number) => {
      const head = '?error=x&state=s&q=';
      return head + 'q'.repeat(length - head.length);
    };
    expect(response(query(16_384))).toMatchObject({ kind: 'error', error: 'x' });
    expect(messageOf(() => parse(query(16_385)), 'invalid_callback')).toMatch(
      /query string is too large/,
    );
    const fragment = (length: number) => {
      const head = '#access_token=a&state=s&token_type=bearer&x=';
      return head + 'x'.repeat(length - head.length);
    };
    expect(response(fragment(16_384))).toMatchObject({ kind: 'success', accessToken: 'a' });
    expect(messageOf(() => parse(fragment(16_385)), 'invalid_callback')).toMatch(
      /fragment is too large/,
    );
  });

  it('says what is wrong with the URL', () => {
    expect(messageOf(() => parse('#&&'), 'invalid_callback')).toMatch(/fragment is empty/);
    expect(messageOf(() => parse('?access_token=x&state=s'), 'token_in_query')).toMatch(
      /token arrived in the query string/,
    );
    const many = Array.from({ length: 101 }, (_, i) => `p${i}=1`).join('&');
    expect(messageOf(() => parse(`#state=s&${many}`), 'invalid_callback')).toMatch(
      /fragment has more than 100 parameters/,
    );
    expect(messageOf(() => parse('#access_token=a&%ZZ=1&state=s'), 'invalid_callback')).toMatch(
      /^The fragment has a malformed percent-escape/,
    );
    expect(messageOf(() => parse('#access_token=a&state=%ZZ'), 'invalid_callback')).toMatch(
      /^"state" in the fragment has a malformed percent-escape/,
    );
    expect(messageOf(() => parse('#access_token=a&state=s&state=t'), 'duplicate_param')).toMatch(
      /fragment has "state" more than once/,
    );
    expect(messageOf(() => parse('?error=a&error=b&state=s'), 'duplicate_param')).toMatch(
      /query string has "error" more than once/,
    );
    expect(messageOf(() => parse('?state=s#access_token=a&state=s'), 'duplicate_param')).toMatch(
      /"state" is in both the query string and the fragment/,
    );
    expect(messageOf(() => parse('#access_token=a&state=s%0A'), 'invalid_callback')).toMatch(
      /"state" holds characters/,
    );
  });

  it('refuses a non-printable character anywhere in a value, first or last', () => {
    for (const state of ['%00s', 's%00', 's%0As']) {
      expect(codeOf(() => parse(`#access_token=a&state=${state}&token_type=bearer`))).toBe(
        'invalid_callback',
      );
    }
  });

  it('keeps a scope whose second decoding fails as it was after the first', () => {
    const odd = response('#access_token=a&scope=chat%25ZZ+openid&state=s&token_type=bearer');
    expect(odd.kind === 'success' && odd.scopes).toEqual(['chat%ZZ', 'openid']);
  });

  it('cuts a long error_description at 500 units however early a surrogate pair comes', () => {
    const long = response(
      `?error=x&error_description=${encodeURIComponent(`😀${'d'.repeat(600)}`)}&state=s`,
    );
    expect(long.kind === 'error' && long.errorDescription).toBe(`😀${'d'.repeat(498)}`);
  });
});

describe('matching a response: what each refusal says', () => {
  it('names the problem in each refusal', () => {
    expect(
      messageOf(
        () => matchResponse(response(success.replace('state=s', 'state=t')), oidc),
        'state_mismatch',
      ),
    ).toMatch(/different request/);
    expect(
      messageOf(
        () => matchResponse(response('#id_token=a.b.c&state=s&token_type=bearer'), oidc),
        'missing_param',
      ),
    ).toMatch(/no access_token/);
    expect(
      messageOf(
        () => matchResponse(response('#access_token=a&id_token=a.b.c&state=s'), oidc),
        'unsupported_token_type',
      ),
    ).toMatch(/not a bearer token/);
    expect(
      messageOf(
        () => matchResponse(response('#access_token=a&state=s&token_type=bearer'), oidc),
        'missing_param',
      ),
    ).toMatch(/no id_token/);
    expect(
      messageOf(() => matchResponse(response(success), plain), 'response_type_mismatch'),
    ).toMatch(/id_token that was not asked for/);
    expect(
      messageOf(
        () => matchResponse(response('?error=access_denied&state=s'), oidc),
        'access_denied',
      ),
    ).toMatch(/declined/);
    expect(
      messageOf(
        () => matchResponse(response('?error=redirect_mismatch&state=s'), oidc),
        'authorize_error',
      ),
    ).toMatch(/refused the login request/);
  });
});
