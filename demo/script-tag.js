// A classic script: everything comes from window.TwitchLogin, as on a static site.
/* global TwitchLogin */
(async () => {
  // The demo's error sentences, shared with the module pages (a dynamic import works from a
  // classic script; Vite serves the TypeScript file as JavaScript). A real site needs none of this.
  const [config, { describeError }] = await Promise.all([
    fetch('/demo-config.json').then((response) => response.json()),
    import('./messages.ts'),
  ]);
  const auth = TwitchLogin.createTwitchAuth({
    clientId: config.clientId,
    redirectUri: `${location.origin}/script-tag.html`,
    claims: { id_token: { picture: null, preferred_username: null } },
    endpoints: config.endpoints,
  });
  const byId = (id) => document.getElementById(id);
  const showError = (error) => {
    byId('status').textContent = describeError(error);
  };
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
  byId('login').addEventListener('click', () => auth.login().catch(showError));
  byId('logout').addEventListener('click', () => auth.logout().then(render));
  byId('call-helix').addEventListener('click', async () => {
    const output = byId('helix-result');
    try {
      const response = await auth.helix('/users');
      output.textContent = `${response.status}\n${JSON.stringify(await response.json(), null, 2)}`;
    } catch (error) {
      output.textContent = describeError(error);
    }
    output.hidden = false;
    render();
  });
  try {
    await auth.handleRedirect();
  } catch (error) {
    showError(error);
  }
  render();
  document.body.dataset.ready = 'true';
})();
