import { escapeHtml } from './consent-page.js';

/** What the activation page shows: a code to enter, a login to approve, or an outcome. */
export type ActivatePageInput =
  | { readonly kind: 'enter'; readonly error?: string; readonly code?: string }
  | {
      readonly kind: 'confirm';
      readonly userCode: string;
      readonly appName: string;
      readonly scopes: readonly { readonly name: string; readonly description: string }[];
      readonly users: readonly {
        readonly id: string;
        readonly displayName: string;
        readonly login: string;
      }[];
    }
  | { readonly kind: 'done'; readonly approved: boolean; readonly appName: string };

/** A strict CSP for the activation page: no script at all, forms post only to the emulator. */
export const ACTIVATE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `body{margin:0;font-family:system-ui,sans-serif;background:#0e0e10;color:#efeff1;display:grid;place-items:center;min-height:100vh}
main{background:#18181b;border-radius:12px;padding:2rem;width:min(420px,100% - 2rem);box-shadow:0 10px 40px #0008}
h1{font-size:1.2rem;margin:0 0 .25rem}p{color:#adadb8;margin:.25rem 0 1rem}.brand{color:#9146ff;font-weight:700}
ul{padding-left:1.2rem;line-height:1.6}code{color:#bf94ff}.user{display:block;padding:.35rem 0}.user span{color:#adadb8}
.code{font:700 1.6rem ui-monospace,monospace;letter-spacing:.2em;text-transform:uppercase;width:100%;box-sizing:border-box;padding:.5rem;border-radius:6px;border:1px solid #444;background:#0e0e10;color:#efeff1}
.error{color:#ff8280}.row{display:flex;gap:.75rem;margin-top:1.5rem}button{flex:1;font:inherit;font-weight:600;padding:.65rem;border-radius:6px;border:0;cursor:pointer}
.ok{background:#9146ff;color:#fff}.no{background:#2f2f35;color:#efeff1}`;

/** Twitch-like activation page (www.twitch.tv/activate): plain forms, no script, no external resource. */
export function activatePage(input: ActivatePageInput): string {
  let body: string;
  if (input.kind === 'enter') {
    body = `<h1>Activate your device</h1><p>Enter the code shown on your device.</p>
${input.error === undefined ? '' : `<p class="error" data-testid="error">${escapeHtml(input.error)}</p>`}
<form method="get" action="/activate"><input class="code" name="device-code" value="${escapeHtml(input.code ?? '')}" autocomplete="off" autocapitalize="characters" maxlength="12" required aria-label="Code" data-testid="code">
<div class="row"><button class="ok" type="submit" data-testid="submit">Continue</button></div></form>`;
  } else if (input.kind === 'confirm') {
    const scopes =
      input.scopes.length === 0
        ? '<li>Read your public profile</li>'
        : input.scopes
            .map((s) => `<li><code>${escapeHtml(s.name)}</code> ${escapeHtml(s.description)}</li>`)
            .join('');
    const users = input.users
      .map(
        (u, i) =>
          `<label class="user"><input type="radio" name="user_id" value="${escapeHtml(u.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.displayName)} <span>@${escapeHtml(u.login)}</span></label>`,
      )
      .join('');
    body = `<h1>${escapeHtml(input.appName)} wants to access your account</h1>
<p>Code <code data-testid="user-code">${escapeHtml(input.userCode)}</code>. Sign in as one of these test users.</p>
<form method="post" action="/activate"><input type="hidden" name="user_code" value="${escapeHtml(input.userCode)}">
<fieldset style="border:0;padding:0">${users}</fieldset><p>It will be able to:</p><ul>${scopes}</ul>
<div class="row"><button class="no" type="submit" name="decision" value="deny" data-testid="deny">Cancel</button>
<button class="ok" type="submit" name="decision" value="authorize" data-testid="authorize">Authorize</button></div></form>`;
  } else {
    body = input.approved
      ? `<h1 data-testid="done">Success! ${escapeHtml(input.appName)} is connected.</h1><p>You can return to your device.</p>`
      : `<h1 data-testid="done">Access denied</h1><p>${escapeHtml(input.appName)} was not connected.</p>`;
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Activate – Twitch emulator</title><style>${STYLE}</style></head>
<body><main><p class="brand">Twitch emulator</p>${body}</main></body></html>`;
}
