// A classic script: everything comes from window.TwitchLogin, as on a static site.
/* global TwitchLogin */
(async () => {
  const config = await (await fetch('/demo-config.json')).json();
  const auth = TwitchLogin.createTwitchAuth({
    clientId: config.clientId,
    redirectUri: `${location.origin}/script-tag.html`,
    claims: { id_token: { picture: null, preferred_username: null } },
    endpoints: config.endpoints,
  });
  const byId = (id) => document.getElementById(id);
  const render = () => {
    const session = auth.session;
    byId('signed-in').hidden = session === null;
    byId('signed-out').hidden = session !== null;
    document.body.dataset.state = session === null ? 'signed-out' : 'signed-in';
    if (session !== null) {
      const user = session.user;
      byId('user-name').textContent = user?.displayName ?? user?.login ?? user?.id ?? 'Twitch user';
      if (user?.picture) byId('avatar').src = user.picture;
    }
  };
  auth.on('login', render);
  auth.on('logout', render);
  byId('login').addEventListener('click', () => auth.login());
  byId('logout').addEventListener('click', () => auth.logout().then(render));
  byId('call-helix').addEventListener('click', async () => {
    const response = await auth.helix('/users');
    const output = byId('helix-result');
    output.textContent = `${response.status}\n${JSON.stringify(await response.json(), null, 2)}`;
    output.hidden = false;
    render();
  });
  try {
    await auth.handleRedirect();
  } catch (error) {
    byId('status').textContent = TwitchLogin.isTwitchAuthError(error)
      ? `Login failed: ${error.code}`
      : String(error);
  }
  render();
  document.body.dataset.ready = 'true';
})();
