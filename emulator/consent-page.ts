import {
  DECISION_BUTTONS,
  type PageScope,
  type PageUser,
  escapeHtml,
  page,
  scopeList,
  userChoices,
} from './page.js';

export interface ConsentPageInput {
  readonly appName: string;
  readonly scopes: readonly PageScope[];
  readonly users: readonly PageUser[];
  /** The authorize parameters, posted back as hidden fields. */
  readonly params: URLSearchParams;
  /**
   * The user this browser signed in as before, if any: the page says so and offers "Not you?",
   * as Twitch's does, linking to `forgetUrl`.
   */
  readonly remembered?: { readonly user: PageUser; readonly forgetUrl: string };
}

/** Twitch-like consent page: self-contained, no script, no external resource. */
export function consentPage({
  appName,
  scopes,
  users,
  params,
  remembered,
}: ConsentPageInput): string {
  const hidden = [...params]
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  const who =
    remembered === undefined
      ? '<p>This local stand-in for Twitch signs you in as one of these test users.</p>'
      : `<p data-testid="signed-in-as">Signed in as <strong>${escapeHtml(remembered.user.displayName)}</strong>. <a href="${escapeHtml(remembered.forgetUrl)}" data-testid="not-you">Not you?</a></p>`;
  return page(
    `Authorize ${appName}`,
    `<h1>${escapeHtml(appName)} wants to access your account</h1>
${who}
<form method="post" action="/oauth2/authorize">${hidden}
${userChoices(users, remembered?.user.id)}
<p>It will be able to:</p>${scopeList(scopes)}
${DECISION_BUTTONS}
</form>`,
  );
}

/** A round avatar with the user's initial. */
export function avatarSvg(label: string, hue: number): string {
  const initial = escapeHtml((label[0] ?? '?').toUpperCase());
  return `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" viewBox="0 0 300 300"><rect width="300" height="300" fill="hsl(${hue} 70% 55%)"/><text x="150" y="195" font-family="sans-serif" font-size="150" font-weight="700" fill="#fff" text-anchor="middle">${initial}</text></svg>`;
}
