import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TwitchAuthProvider, useTwitchAuth } from '../../src/react/index';
import { useFreshPage } from '../helpers/page';
import { createHarness } from '../helpers/twitch';

const created = useFreshPage();
// Registered after useFreshPage's hook, so it runs first: components unmount before the clients stop.
afterEach(() => {
  cleanup();
});

function Status() {
  const { isLoading, isAuthenticated, user, error } = useTwitchAuth();
  return (
    <p data-testid="status">
      {isLoading ? 'loading' : isAuthenticated ? `in:${user?.id}` : 'out'}
      {error === null ? '' : ` error:${error.code}`}
    </p>
  );
}

describe('react adapter', () => {
  it('handles the redirect once under StrictMode and shows the user', async () => {
    const h = await createHarness();
    created.push(h.auth);
    let logins = 0;
    h.auth.on('login', () => (logins += 1));
    history.replaceState(null, '', await h.callbackUrl());
    render(
      <StrictMode>
        <TwitchAuthProvider auth={h.auth}>
          <Status />
        </TwitchAuthProvider>
      </StrictMode>,
    );
    expect(screen.getByTestId('status').textContent).toBe('loading');
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('in:141981764'));
    expect(logins).toBe(1);
  });

  it('re-renders on logout and shows callback errors', async () => {
    const h = await createHarness();
    created.push(h.auth);
    await h.auth.handleRedirect(await h.callbackUrl());
    render(
      <TwitchAuthProvider auth={h.auth}>
        <Status />
      </TwitchAuthProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('in:141981764'));
    await act(() => h.auth.logout({ revoke: false }));
    expect(screen.getByTestId('status').textContent).toBe('out');

    cleanup();
    // An error response answering no login here is still Twitch's error (issue 14: redirect_mismatch).
    history.replaceState(null, '', '/callback?error=access_denied&state=unknown');
    render(
      <TwitchAuthProvider auth={h.auth}>
        <Status />
      </TwitchAuthProvider>,
    );
    await waitFor(() =>
      expect(screen.getByTestId('status').textContent).toBe('out error:access_denied'),
    );
  });

  it('keeps error null for a stale callback while signed in (the Back button), and follows hasScopes', async () => {
    const h = await createHarness();
    created.push(h.auth);
    const used = await h.callbackUrl();
    await h.auth.handleRedirect(used);
    history.replaceState(null, '', used); // the consent page again, Authorize: the used state comes back
    function Scopes() {
      const { hasScopes, error, isLoading } = useTwitchAuth();
      return (
        <p data-testid="scopes">{`${isLoading ? 'loading' : 'ready'} openid:${hasScopes('openid')}${error === null ? '' : ` error:${error.code}`}`}</p>
      );
    }
    render(
      <TwitchAuthProvider auth={h.auth}>
        <Scopes />
      </TwitchAuthProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('scopes').textContent).toBe('ready openid:true'));
    await act(() => h.auth.logout({ revoke: false }));
    expect(screen.getByTestId('scopes').textContent).toBe('ready openid:false');
  });

  it('unsubscribes on unmount', async () => {
    const h = await createHarness();
    created.push(h.auth);
    let renders = 0;
    function Counter() {
      useTwitchAuth();
      renders += 1;
      return null;
    }
    const { unmount } = render(
      <TwitchAuthProvider auth={h.auth} handleRedirect={false}>
        <Counter />
      </TwitchAuthProvider>,
    );
    const before = renders;
    unmount();
    await h.auth.handleRedirect(await h.callbackUrl());
    expect(renders).toBe(before);
  });

  it('throws a clear error outside the provider', () => {
    expect(() => render(<Status />)).toThrow(/TwitchAuthProvider/);
  });
});
