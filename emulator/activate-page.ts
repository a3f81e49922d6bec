import {
  DECISION_BUTTONS,
  type PageScope,
  type PageUser,
  escapeHtml,
  page,
  scopeList,
  userChoices,
} from './page.js';

/** What the activation page shows: a code to enter, a login to approve, or an outcome. */
export type ActivatePageInput =
  | { readonly kind: 'enter'; readonly error?: string; readonly code?: string }
  | {
      readonly kind: 'confirm';
      readonly userCode: string;
      readonly appName: string;
      readonly scopes: readonly PageScope[];
      readonly users: readonly PageUser[];
    }
  | { readonly kind: 'done'; readonly approved: boolean; readonly appName: string };

/** A strict CSP for the activation page: no script at all, forms post only to the emulator. */
export const ACTIVATE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// The code box fills the card; its letter spacing stays within it on a 320 px phone.
const STYLE = `.code{font:700 1.6rem ui-monospace,monospace;letter-spacing:.2em;text-transform:uppercase;width:100%;max-width:100%;padding:.5rem;border-radius:6px;border:1px solid #444;background:#0e0e10;color:#efeff1}
.error{color:#ff8280}`;

/** Twitch-like activation page (www.twitch.tv/activate): plain forms, no script, no external resource. */
export function activatePage(input: ActivatePageInput): string {
  let body: string;
  if (input.kind === 'enter') {
    body = `<h1>Activate your device</h1><p>Enter the code shown on your device.</p>
${input.error === undefined ? '' : `<p class="error" data-testid="error">${escapeHtml(input.error)}</p>`}
<form method="get" action="/activate"><input class="code" name="device-code" value="${escapeHtml(input.code ?? '')}" autocomplete="off" autocapitalize="characters" maxlength="12" required aria-label="Code" data-testid="code">
<div class="row"><button class="ok" type="submit" data-testid="submit">Continue</button></div></form>`;
  } else if (input.kind === 'confirm') {
    body = `<h1>${escapeHtml(input.appName)} wants to access your account</h1>
<p>Code <code data-testid="user-code">${escapeHtml(input.userCode)}</code>. Sign in as one of these test users.</p>
<form method="post" action="/activate"><input type="hidden" name="user_code" value="${escapeHtml(input.userCode)}">
${userChoices(input.users)}<p>It will be able to:</p>${scopeList(input.scopes)}
${DECISION_BUTTONS}</form>`;
  } else {
    body = input.approved
      ? `<h1 data-testid="done">Success! ${escapeHtml(input.appName)} is connected.</h1><p>You can return to your device.</p>`
      : `<h1 data-testid="done">Access denied</h1><p>${escapeHtml(input.appName)} was not connected.</p>`;
  }
  return page('Activate', body, STYLE);
}
