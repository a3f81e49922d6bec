/** HTML-escapes text for the consent page. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface ConsentPageInput {
  readonly appName: string;
  readonly scopes: readonly { readonly name: string; readonly description: string }[];
  readonly users: readonly {
    readonly id: string;
    readonly displayName: string;
    readonly login: string;
  }[];
  /** The authorize parameters, posted back as hidden fields. */
  readonly params: URLSearchParams;
}

/** Twitch-like consent page: self-contained, no script, no external resource. */
export function consentPage({ appName, scopes, users, params }: ConsentPageInput): string {
  const hidden = [...params]
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  const scopeItems =
    scopes.length === 0
      ? '<li>Read your public profile</li>'
      : scopes
          .map((s) => `<li><code>${escapeHtml(s.name)}</code> ${escapeHtml(s.description)}</li>`)
          .join('');
  const userItems = users
    .map(
      (u, i) =>
        `<label class="user"><input type="radio" name="user_id" value="${escapeHtml(u.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.displayName)} <span>@${escapeHtml(u.login)}</span></label>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Authorize ${escapeHtml(appName)} – Twitch emulator</title>
<style>
body{margin:0;font-family:system-ui,sans-serif;background:#0e0e10;color:#efeff1;display:grid;place-items:center;min-height:100vh}
main{background:#18181b;border-radius:12px;padding:2rem;width:min(420px,100% - 2rem);box-shadow:0 10px 40px #0008}
h1{font-size:1.2rem;margin:0 0 .25rem}p{color:#adadb8;margin:.25rem 0 1rem}.brand{color:#9146ff;font-weight:700}
ul{padding-left:1.2rem;line-height:1.6}code{color:#bf94ff}.user{display:block;padding:.35rem 0}.user span{color:#adadb8}
.row{display:flex;gap:.75rem;margin-top:1.5rem}button{flex:1;font:inherit;font-weight:600;padding:.65rem;border-radius:6px;border:0;cursor:pointer}
.ok{background:#9146ff;color:#fff}.no{background:#2f2f35;color:#efeff1}
</style></head><body><main>
<p class="brand">Twitch emulator</p>
<h1>${escapeHtml(appName)} wants to access your account</h1>
<p>This local stand-in for Twitch signs you in as one of these test users.</p>
<form method="post" action="/oauth2/authorize">${hidden}
<fieldset style="border:0;padding:0">${userItems}</fieldset>
<p>It will be able to:</p><ul>${scopeItems}</ul>
<div class="row"><button class="no" type="submit" name="decision" value="deny" data-testid="deny">Cancel</button>
<button class="ok" type="submit" name="decision" value="authorize" data-testid="authorize">Authorize</button></div>
</form></main></body></html>`;
}

/** A round avatar with the user's initial. */
export function avatarSvg(label: string, hue: number): string {
  const initial = escapeHtml((label[0] ?? '?').toUpperCase());
  return `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" viewBox="0 0 300 300"><rect width="300" height="300" fill="hsl(${hue} 70% 55%)"/><text x="150" y="195" font-family="sans-serif" font-size="150" font-weight="700" fill="#fff" text-anchor="middle">${initial}</text></svg>`;
}
