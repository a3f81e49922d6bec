// Type-level tests: `npm test` type-checks this file, so a broken expectation fails the run.
import { describe, expectTypeOf, it } from 'vitest';
import type { DeviceLoginOptions } from '../../src/device/index';
import type {
  AuthorizeOptions,
  LoginOptions,
  Session,
  TwitchAuth,
  TwitchAuthError,
  TwitchAuthErrorCode,
  TwitchAuthEvents,
  TwitchScope,
  TwitchUser,
  ValidateResult,
  ERROR_CODES,
  TWITCH_SCOPE_NAMES,
} from '../../src/index';
import { createTwitchAuth } from '../../src/index';
import type { TwitchAuthState } from '../../src/react/index';
import type { TwitchAuthComposable } from '../../src/vue/index';

describe('public types', () => {
  it('makes a scope typo a compile error', () => {
    expectTypeOf<TwitchScope>().toEqualTypeOf<(typeof TWITCH_SCOPE_NAMES)[number]>();
    expectTypeOf<'chat:read'>().toExtend<TwitchScope>();
    // @ts-expect-error: not a Twitch scope
    const typo: TwitchScope = 'user:read:emial';
    // Type-checked only: at run time this throws invalid_options.
    const removed = () =>
      // @ts-expect-error: removed v5 scopes are not offered
      createTwitchAuth({ clientId: 'x', redirectUri: 'https://a.example/', scopes: ['user_read'] });
    void removed;
    void typo;
  });

  it('infers event payloads from the event name', () => {
    const auth = createTwitchAuth({ clientId: 'x', redirectUri: 'https://a.example/' });
    auth.on('login', (payload) => expectTypeOf(payload.session).toEqualTypeOf<Session>());
    auth.on('logout', (payload) =>
      expectTypeOf(payload.reason).toEqualTypeOf<
        | 'user'
        | 'unauthorized'
        | 'token_invalid'
        | 'expired'
        | 'other_tab'
        | 'switched_user'
        | 'refresh_failed'
      >(),
    );
    auth.on('expiring', (payload) =>
      expectTypeOf(payload).toEqualTypeOf<TwitchAuthEvents['expiring']>(),
    );
    auth.on('error', (payload) => expectTypeOf(payload.error).toEqualTypeOf<TwitchAuthError>());
    // @ts-expect-error: no such event
    auth.on('signin', () => undefined);
  });

  it('narrows code in a switch, exhaustively', () => {
    const describeCode = (code: TwitchAuthErrorCode): string => {
      switch (code) {
        case 'access_denied':
          return 'cancelled';
        case 'popup_blocked':
        case 'popup_closed':
        case 'popup_timeout':
          return 'popup';
        default: {
          const rest: Exclude<
            TwitchAuthErrorCode,
            'access_denied' | 'popup_blocked' | 'popup_closed' | 'popup_timeout'
          > = code;
          return rest;
        }
      }
    };
    expectTypeOf<TwitchAuthErrorCode>().toEqualTypeOf<(typeof ERROR_CODES)[number]>();
    expectTypeOf<'http_error'>().toExtend<TwitchAuthErrorCode>();
    // @ts-expect-error: not an error code
    describeCode('unauthorized');
  });

  it('types login by mode: a popup resolves with a session, a redirect with nothing', () => {
    const auth = createTwitchAuth({ clientId: 'x', redirectUri: 'https://a.example/' });
    // Type-checked only: calling these would open a popup or leave the page.
    const popup = () => auth.login({ popup: true });
    const redirect = () => auth.login();
    expectTypeOf(popup).returns.toEqualTypeOf<Promise<Session>>();
    expectTypeOf(redirect).returns.toEqualTypeOf<Promise<void>>();
  });

  it('gives each call the shape the README documents', () => {
    expectTypeOf<TwitchAuth['authorizeUrl']>().toEqualTypeOf<
      (options?: AuthorizeOptions) => string
    >();
    expectTypeOf<TwitchAuth['validate']>().returns.toEqualTypeOf<Promise<ValidateResult>>();
    expectTypeOf<TwitchAuth['session']>().toEqualTypeOf<Session | null>();
    expectTypeOf<TwitchAuth['user']>().toEqualTypeOf<TwitchUser | null>();
    expectTypeOf<LoginOptions>().toExtend<AuthorizeOptions>();
    expectTypeOf<LoginOptions['popup']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<AuthorizeOptions>().not.toHaveProperty('popup');
  });

  it('types device scopes and gives both adapters helix and hasScopes', () => {
    expectTypeOf<DeviceLoginOptions['scopes']>().toEqualTypeOf<
      readonly TwitchScope[] | undefined
    >();
    expectTypeOf<TwitchAuthState['helix']>().toEqualTypeOf<TwitchAuth['helix']>();
    expectTypeOf<TwitchAuthComposable['helix']>().toEqualTypeOf<TwitchAuth['helix']>();
    expectTypeOf<TwitchAuthState['hasScopes']>().toEqualTypeOf<TwitchAuth['hasScopes']>();
    expectTypeOf<TwitchAuthComposable['hasScopes']>().toEqualTypeOf<TwitchAuth['hasScopes']>();
  });
});
