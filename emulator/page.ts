// What the emulator's consent and activation pages share: escaping, the layout and the pieces both
// show (the scopes asked, the seeded users to sign in as). No script, no external resource.

/** HTML-escapes text for the pages. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageScope {
  readonly name: string;
  readonly description: string;
}

export interface PageUser {
  readonly id: string;
  readonly displayName: string;
  readonly login: string;
}

// Phones first: border-box everywhere, no fixed width (the card is at most 420 px and at least
// nothing), and long scope names may break, so the page fits a 320 px viewport.
const STYLE = `*,*::before,*::after{box-sizing:border-box}
body{margin:0;padding:1rem;font-family:system-ui,sans-serif;background:#0e0e10;color:#efeff1;display:grid;grid-template-columns:minmax(0,1fr);place-items:center;min-height:100vh}
main{background:#18181b;border-radius:12px;padding:clamp(1rem,5vw,2rem);width:100%;max-width:420px;overflow-wrap:anywhere;box-shadow:0 10px 40px #0008}
h1{font-size:1.2rem;margin:0 0 .25rem}p{color:#adadb8;margin:.25rem 0 1rem}.brand{color:#9146ff;font-weight:700}
ul{padding-left:1.2rem;line-height:1.6}code{color:#bf94ff}a{color:#bf94ff}.user{display:block;padding:.35rem 0}.user span{color:#adadb8}
fieldset{border:0;padding:0;margin:0;min-width:0}
.row{display:flex;gap:.75rem;margin-top:1.5rem}button{flex:1;min-width:0;font:inherit;font-weight:600;padding:.65rem;border-radius:6px;border:0;cursor:pointer}
.ok{background:#9146ff;color:#fff}.no{background:#2f2f35;color:#efeff1}`;

/** A whole page: the shared head and style, the brand line, then `body` in the card. */
export function page(title: string, body: string, style = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} – Twitch emulator</title><style>${STYLE}${style}</style></head>
<body><main><p class="brand">Twitch emulator</p>${body}</main></body></html>`;
}

/** The scopes asked, or Twitch's line for a login that asks none. */
export function scopeList(scopes: readonly PageScope[]): string {
  const items =
    scopes.length === 0
      ? '<li>Read your public profile</li>'
      : scopes
          .map((s) => `<li><code>${escapeHtml(s.name)}</code> ${escapeHtml(s.description)}</li>`)
          .join('');
  return `<ul>${items}</ul>`;
}

/** Radio buttons to sign in as one of the seeded users; `checked` (default: the first) is chosen. */
export function userChoices(users: readonly PageUser[], checked = users[0]?.id): string {
  const items = users
    .map(
      (u) =>
        `<label class="user"><input type="radio" name="user_id" value="${escapeHtml(u.id)}"${u.id === checked ? ' checked' : ''}> ${escapeHtml(u.displayName)} <span>@${escapeHtml(u.login)}</span></label>`,
    )
    .join('');
  return `<fieldset>${items}</fieldset>`;
}

/** Cancel and Authorize, posting `decision`. */
export const DECISION_BUTTONS = `<div class="row"><button class="no" type="submit" name="decision" value="deny" data-testid="deny">Cancel</button>
<button class="ok" type="submit" name="decision" value="authorize" data-testid="authorize">Authorize</button></div>`;
