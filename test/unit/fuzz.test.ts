// Property-based tests: whatever arrives, the SDK answers with a value or a TwitchAuthError, fast.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAuthResponse } from '../../src/callback/response';
import { readCallbackUrl } from '../../src/callback/url';
import { isTwitchAuthError } from '../../src/internal/errors';
import type { TwitchAuth } from '../../src/index';
import { resolveOptions } from '../../src/config/options';
import { parseStoredRecord } from '../../src/session/session';
import { createHarness } from '../helpers/twitch';

const RUNS = 10_000;
const NAMES = [
  'access_token',
  'id_token',
  'state',
  'error',
  'error_description',
  'scope',
  'token_type',
  'expires_in',
  '__proto__',
  'constructor',
  'x',
];

/** Fragments and queries that look like auth responses, with hostile names, values and escapes. */
const param = fc.tuple(
  fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 12 })),
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('%', '%E0%A4%A', '%ZZ', '+', 'a.b.c', '%253A', ''),
  ),
);
const component = fc
  .array(param, { maxLength: 12 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
const callbackUrl = fc
  .tuple(component, component, fc.boolean())
  .map(
    ([query, fragment, raw]) =>
      `https://app.example/callback${query === '' ? '' : `?${raw ? query : encodeURI(query)}`}#${fragment}`,
  );

// One input may take at most this long: far above a GC pause on a loaded 2-core machine (50 ms
// flaked there), far below what a super-linear parser would need on these inputs.
const SLOW_INPUT_MS = 500;

/** Runs `fn`, and fails on anything thrown that is not a TwitchAuthError or took too long. */
function typedOrValue(fn: () => unknown): void {
  const started = performance.now();
  try {
    fn();
  } catch (error) {
    if (!isTwitchAuthError(error)) throw error;
  }
  expect(performance.now() - started).toBeLessThan(SLOW_INPUT_MS);
}

describe('fuzzing', () => {
  it(`the callback parser never throws anything untyped (${RUNS} inputs)`, () => {
    fc.assert(
      fc.property(callbackUrl, (href) => {
        let url: URL;
        try {
          url = new URL(href);
        } catch {
          return; // not a URL at all: never reaches the parser
        }
        // Reading (detect and clean) never throws; the full parse answers a value or a typed error.
        const callback = readCallbackUrl(url);
        typedOrValue(() => parseAuthResponse(callback));
      }),
      { numRuns: RUNS },
    );
  });

  it(`the stored-session loader never throws (${RUNS} inputs)`, () => {
    const storedLike = fc.record(
      {
        v: fc.oneof(fc.constant(1), fc.anything()),
        accessToken: fc.oneof(fc.string(), fc.anything()),
        scopes: fc.oneof(fc.array(fc.string()), fc.anything()),
        idToken: fc.oneof(fc.constant('a.b.c'), fc.string(), fc.anything()),
        user: fc.anything(),
        expiresAt: fc.oneof(fc.double(), fc.anything()),
        createdAt: fc.oneof(fc.double(), fc.anything()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          storedLike.map((v) => JSON.stringify(v) ?? 'null'),
          fc.json(),
        ),
        (raw) => {
          const started = performance.now();
          const session = parseStoredRecord(raw, Date.now())?.session ?? null;
          expect(performance.now() - started).toBeLessThan(SLOW_INPUT_MS);
          if (session !== null) {
            expect(session.accessToken).toBeTypeOf('string');
            expect(session.accessToken).not.toBe('');
            expect(Object.isFrozen(session)).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`the options validator accepts or says invalid_options, nothing else (${RUNS} inputs)`, () => {
    const options = fc.record(
      {
        clientId: fc.oneof(fc.string(), fc.anything()),
        redirectUri: fc.oneof(
          fc.webUrl(),
          fc.string(),
          fc.constant('http://localhost:5173/'),
          fc.anything(),
        ),
        scopes: fc.oneof(
          fc.array(fc.constantFrom('chat:read', 'user:read:email', 'bogus')),
          fc.anything(),
        ),
        openid: fc.anything(),
        claims: fc.anything(),
        storage: fc.oneof(fc.constantFrom('session', 'local', 'memory', 'cookie'), fc.anything()),
        endpoints: fc.oneof(
          fc.dictionary(fc.constantFrom('issuer', 'jwks', 'helix', 'other'), fc.webUrl()),
          fc.anything(),
        ),
        clockSkewSeconds: fc.oneof(fc.double(), fc.anything()),
        fetch: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(options, fc.anything()), (value) => {
        try {
          resolveOptions(value as never);
        } catch (error) {
          expect(isTwitchAuthError(error) && error.code).toBe('invalid_options');
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzzing handleRedirect end to end', () => {
  let auth: TwitchAuth | undefined;
  beforeEach(() => sessionStorage.clear());
  afterEach(() => auth?.destroy());

  it('never yields a session without a valid signed token, and rejects only with typed errors', async () => {
    const h = await createHarness();
    auth = h.auth;
    let reachedVerification = 0;
    await fc.assert(
      fc.asyncProperty(component, async (fragment) => {
        // A fresh pending login each time, so every forgery gets past state to the token checks.
        const state = new URL(h.auth.authorizeUrl()).searchParams.get('state') ?? '';
        const href = `http://localhost:3000/callback#${fragment}&state=${state}&token_type=bearer`;
        await h.auth.handleRedirect(href).then(
          (session) => expect(session).toBeNull(),
          (error: unknown) => {
            expect(isTwitchAuthError(error)).toBe(true);
            if (
              !['state_mismatch', 'no_pending_request', 'duplicate_param'].includes(
                (error as { code: string }).code,
              )
            ) {
              reachedVerification += 1;
            }
          },
        );
        expect(h.auth.session).toBeNull();
      }),
      { numRuns: 300 },
    );
    expect(reachedVerification).toBeGreaterThan(100);
  });
});
