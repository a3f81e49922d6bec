// Every control's body in one table. The HTTP routes and the emulator object's methods both check
// their input against it, so a misspelt or mistyped field is a 400 (or a TypeError) that names the
// fields expected, never a silent 204 that changed nothing.

/** `'string'`, `'number'` (finite, not negative), `'string[]'`, or a list of allowed strings. */
type FieldType = 'string' | 'number' | 'string[]' | readonly string[];

/** Field name to type; a name ending in `?` is optional, as in TypeScript. */
type BodyShape = Readonly<Record<string, FieldType>>;

/** Each control: its path under `/_emulator/` (always `POST`) and its JSON body. */
export const CONTROLS = {
  rotateKey: { path: 'rotate-key', body: {} },
  revokeToken: { path: 'revoke', body: { token: 'string' } },
  expireToken: { path: 'expire', body: { 'token?': 'string' } },
  setTokenLifetime: { path: 'token-lifetime', body: { seconds: 'number' } },
  addRedirectUri: { path: 'redirect-uri', body: { clientId: 'string', uri: 'string' } },
  setClientType: {
    path: 'client-type',
    body: { clientId: 'string', type: ['public', 'confidential'] },
  },
  resetConsent: { path: 'reset-consent', body: {} },
  declineScopes: { path: 'decline-scopes', body: { scopes: 'string[]' } },
  issueToken: {
    path: 'issue-token',
    body: { clientId: 'string', userId: 'string', scopes: 'string[]' },
  },
  clearRequests: { path: 'clear-requests', body: {} },
  clearRefreshAttempts: { path: 'clear-refresh-attempts', body: {} },
  approveDevice: { path: 'device-approve', body: { code: 'string', 'userId?': 'string' } },
  denyDevice: { path: 'device-deny', body: { code: 'string' } },
  expireDeviceCode: { path: 'device-expire', body: { code: 'string' } },
  configureDeviceFlow: {
    path: 'device-flow',
    body: {
      'intervalSeconds?': 'number',
      'codeLifetimeSeconds?': 'number',
      'accessTokenLifetimeSeconds?': 'number',
      'refreshTokenIdleSeconds?': 'number',
    },
  },
  revokeGrant: { path: 'revoke-grant', body: { 'token?': 'string' } },
  expireRefreshToken: { path: 'expire-refresh-token', body: { 'token?': 'string' } },
} as const satisfies Record<string, { readonly path: string; readonly body: BodyShape }>;

export type ControlName = keyof typeof CONTROLS;

/** A control's input that does not fit its body; the HTTP routes answer it with a 400. */
export class ControlInputError extends TypeError {
  override readonly name = 'ControlInputError';
}

const typeName = (type: FieldType): string =>
  typeof type === 'string' ? type : type.map((v) => JSON.stringify(v)).join(' | ');

/** The body in TypeScript-like notation, e.g. `{"token"?: string}`. */
export function describeBody(name: ControlName): string {
  const fields = Object.entries(CONTROLS[name].body as BodyShape).map(([key, type]) => {
    const optional = key.endsWith('?');
    return `${JSON.stringify(optional ? key.slice(0, -1) : key)}${optional ? '?' : ''}: ${typeName(type)}`;
  });
  return `{${fields.join(', ')}}`;
}

const matches = (type: FieldType, value: unknown): boolean => {
  if (type === 'string') return typeof value === 'string';
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value) && value >= 0;
  if (type === 'string[]') return Array.isArray(value) && value.every((v) => typeof v === 'string');
  return typeof value === 'string' && type.includes(value);
};

/** Throws `ControlInputError` naming the control, its path and the fields it expects. */
function fail(name: ControlName, problem: string): never {
  const path = `POST /_emulator/${CONTROLS[name].path}`;
  throw new ControlInputError(`${name} (${path}) expects ${describeBody(name)}: ${problem}`);
}

/**
 * Checks a control's input: an object with exactly the body's fields, each of its type (an
 * optional field may be absent or undefined). Returns it as a record for the caller to read.
 */
export function checkControl(name: ControlName, input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return fail(name, 'the body is not a JSON object');
  const record = input as Record<string, unknown>;
  const shape = new Map(
    Object.entries(CONTROLS[name].body as BodyShape).map(([key, type]) => [
      key.replace(/\?$/, ''),
      { type, optional: key.endsWith('?') },
    ]),
  );
  for (const key of Object.keys(record))
    if (!shape.has(key)) fail(name, `unknown field ${JSON.stringify(key)}`);
  for (const [key, { type, optional }] of shape) {
    const value = record[key];
    if (value === undefined) {
      if (!optional) fail(name, `missing field ${JSON.stringify(key)}`);
    } else if (!matches(type, value)) {
      fail(
        name,
        `${JSON.stringify(key)} must be ${type === 'number' ? 'a number ≥ 0' : typeName(type)}`,
      );
    }
  }
  return record;
}

/** Parses an HTTP control's body (empty means `{}`) and checks it. */
export function parseControlBody(name: ControlName, text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return fail(name, 'the body is not JSON');
  }
  return checkControl(name, body);
}
