import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createTwitchAuth } from '../src/index';
import { TwitchAuthProvider, useTwitchAuth } from '../src/react/index';
import { describeError } from './messages';

declare const __DEMO_CONFIG__: { clientId: string; endpoints: Record<string, string> };

const auth = createTwitchAuth({
  clientId: __DEMO_CONFIG__.clientId,
  redirectUri: `${location.origin}/react.html`,
  endpoints: __DEMO_CONFIG__.endpoints,
});

function Account() {
  const { isLoading, isAuthenticated, user, error, login, logout } = useTwitchAuth();
  const [helix, setHelix] = useState<string | null>(null);
  useEffect(() => {
    if (!isLoading) document.body.dataset['ready'] = 'true';
  }, [isLoading]);
  if (isLoading) return <p>Loading…</p>;
  const callHelix = async () => {
    try {
      const response = await auth.helix('/users');
      setHelix(`${response.status} ${JSON.stringify(await response.json())}`);
    } catch (failure) {
      setHelix(describeError(failure));
    }
  };
  return (
    <>
      <h1>twitch-spa-login + React</h1>
      {error !== null && (
        <p className="status" data-testid="status">
          {describeError(error)}
        </p>
      )}
      {isAuthenticated ? (
        <>
          <div className="user">
            {user?.picture !== undefined && (
              <img src={user.picture} alt="" width={56} height={56} />
            )}
            <div className="name" data-testid="user-name">
              {user?.displayName ?? user?.id}
            </div>
          </div>
          <div className="row">
            <button className="primary" data-testid="call-helix" onClick={() => void callHelix()}>
              Call Helix
            </button>
            <button data-testid="logout" onClick={() => void logout()}>
              Sign out
            </button>
          </div>
          {helix !== null && (
            <pre className="result" data-testid="helix-result">
              {helix}
            </pre>
          )}
        </>
      ) : (
        <div className="row">
          <button className="primary" data-testid="login" onClick={() => void login()}>
            Sign in with Twitch
          </button>
        </div>
      )}
    </>
  );
}

createRoot(document.getElementById('app') as HTMLElement).render(
  <StrictMode>
    <TwitchAuthProvider auth={auth}>
      <Account />
    </TwitchAuthProvider>
  </StrictMode>,
);
