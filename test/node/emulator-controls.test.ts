// Every control checks its body: a misspelt, mistyped or missing field answers 400 naming the
// fields expected (over HTTP) or throws a TypeError with the same message (in code), instead of the
// silent 204 that once hid `{"lifetime":40}` sent to token-lifetime (the field is `seconds`).
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTROLS, type ControlName, describeBody } from '../../emulator/control-schema';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';

const CLIENT = 'emu-controls';
let emulator: TwitchEmulator;

beforeEach(async () => {
  emulator = await startTwitchEmulator({
    now: () => 1_700_000_000_000,
    clients: [{ clientId: CLIENT, name: 'App', redirectUris: [] }],
  });
});
afterEach(() => emulator.close());

const post = (path: string, body: string | undefined) =>
  fetch(`${emulator.urls.controls}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
const answer = async (path: string, body: unknown): Promise<[number, { message?: string }]> => {
  const response = await post(path, JSON.stringify(body));
  const text = await response.text();
  return [response.status, text === '' ? {} : (JSON.parse(text) as { message?: string })];
};
const userCode = async (): Promise<string> => {
  const response = await fetch(emulator.urls.device, {
    method: 'POST',
    body: new URLSearchParams({ client_id: CLIENT }),
  });
  return ((await response.json()) as { user_code: string }).user_code;
};

/** Each control's path, a body it accepts, and which of its fields are required. */
const CASES: {
  path: string;
  right: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  required: string[];
}[] = [
  { path: 'rotate-key', right: () => ({}), required: [] },
  { path: 'revoke', right: () => ({ token: 'abc' }), required: ['token'] },
  { path: 'expire', right: () => ({ token: 'abc' }), required: [] },
  { path: 'token-lifetime', right: () => ({ seconds: 40 }), required: ['seconds'] },
  {
    path: 'redirect-uri',
    right: () => ({ clientId: CLIENT, uri: 'http://localhost:4000/' }),
    required: ['clientId', 'uri'],
  },
  {
    path: 'client-type',
    right: () => ({ clientId: CLIENT, type: 'confidential' }),
    required: ['clientId', 'type'],
  },
  { path: 'reset-consent', right: () => ({}), required: [] },
  { path: 'decline-scopes', right: () => ({ scopes: ['chat:read'] }), required: ['scopes'] },
  {
    path: 'issue-token',
    right: () => ({ clientId: CLIENT, userId: '12826', scopes: [] }),
    required: ['clientId', 'userId', 'scopes'],
  },
  { path: 'clear-requests', right: () => ({}), required: [] },
  { path: 'clear-refresh-attempts', right: () => ({}), required: [] },
  {
    path: 'device-approve',
    right: async () => ({ code: await userCode(), userId: '12826' }),
    required: ['code'],
  },
  { path: 'device-deny', right: async () => ({ code: await userCode() }), required: ['code'] },
  { path: 'device-expire', right: async () => ({ code: await userCode() }), required: ['code'] },
  {
    path: 'device-flow',
    right: () => ({ intervalSeconds: 1, accessTokenLifetimeSeconds: 40 }),
    required: [],
  },
  { path: 'revoke-grant', right: () => ({ token: 'abc' }), required: [] },
  { path: 'expire-refresh-token', right: () => ({ token: 'abc' }), required: [] },
];

describe.each(CASES)('POST /_emulator/$path', ({ path, right }) => {
  it('accepts its body', async () => {
    const [status] = await answer(path, await right());
    expect([200, 204]).toContain(status);
  });

  it('answers 400 naming the expected fields for an unknown field, a non-JSON or non-object body', async () => {
    const [status, body] = await answer(path, { ...(await right()), bogus: 1 });
    expect(status).toBe(400);
    expect(body).toEqual({ status: 400, message: expect.stringContaining('"bogus"') as string });
    expect(body.message).toContain(`(POST /_emulator/${path}) expects {`);
    for (const field of Object.keys(await right())) expect(body.message).toContain(`"${field}"`);
    for (const text of ['{oops', '[]', 'null', '"x"']) {
      const response = await post(path, text);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain('expects');
    }
  });

  it('answers 400 for a field of the wrong type', async () => {
    for (const field of Object.keys(await right())) {
      const [status, body] = await answer(path, { ...(await right()), [field]: true });
      expect(status).toBe(400);
      expect(body.message).toContain(`"${field}" must be`);
    }
  });
});

// Controls whose fields are all optional have no missing-field case (an empty body is valid).
describe.each(CASES.filter((c) => c.required.length > 0))(
  'POST /_emulator/$path without a required field',
  ({ path, right, required }) => {
    it('answers 400 naming each missing field', async () => {
      for (const field of required) {
        const { [field]: _, ...rest } = await right();
        const [status, body] = await answer(path, rest);
        expect(status).toBe(400);
        expect(body.message).toContain(`missing field "${field}"`);
      }
    });
  },
);

describe('the reported cases', () => {
  it('token-lifetime {"lifetime":40} is refused, naming "seconds"; {"seconds":40} works', async () => {
    const [status, body] = await answer('token-lifetime', { lifetime: 40 });
    expect(status).toBe(400);
    expect(body.message).toBe(
      'setTokenLifetime (POST /_emulator/token-lifetime) expects {"seconds": number}: unknown field "lifetime"',
    );
    expect((await post('token-lifetime', '{"seconds":40}')).status).toBe(204);
    const token = emulator.issueToken({ clientId: CLIENT, userId: '12826', scopes: [] });
    const validated = await fetch(emulator.endpoints.validate, {
      headers: { authorization: `OAuth ${token}` },
    });
    expect(((await validated.json()) as { expires_in: number }).expires_in).toBe(40);
  });

  it('device-flow {"accessTokenLifetime":40} is refused, naming accessTokenLifetimeSeconds', async () => {
    const [status, body] = await answer('device-flow', { accessTokenLifetime: 40 });
    expect(status).toBe(400);
    expect(body.message).toContain('"accessTokenLifetimeSeconds"?: number');
  });

  it('refuses a negative or non-finite number and an unknown client type', async () => {
    expect((await answer('token-lifetime', { seconds: -1 }))[0]).toBe(400);
    expect(
      (await answer('client-type', { clientId: CLIENT, type: 'secret' }))[1].message,
    ).toContain('"type" must be "public" | "confidential"');
  });

  it('keeps 404 for a right body naming nothing the emulator has', async () => {
    expect((await answer('device-approve', { code: 'NOPE' }))[0]).toBe(404);
    expect((await answer('client-type', { clientId: 'nobody', type: 'public' }))[0]).toBe(404);
  });
});

describe('the same checks in code', () => {
  it('throw a TypeError with the message HTTP answers', async () => {
    const [, body] = await answer('token-lifetime', { seconds: '40' });
    let thrown: unknown;
    try {
      emulator.setTokenLifetime('40' as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message).toBe(body.message);
    expect(() => emulator.configureDeviceFlow({ accessTokenLifetime: 40 } as never)).toThrow(
      /unknown field "accessTokenLifetime"/,
    );
    expect(() => emulator.revokeToken(undefined as never)).toThrow(/missing field "token"/);
    expect(() => emulator.declineScopes('chat:read' as never)).toThrow(TypeError);
    expect(() => emulator.setClientType(CLIENT, 'secret' as never)).toThrow(TypeError);
    expect(() =>
      emulator.issueToken({ clientId: CLIENT, userId: '12826', scopes: [], extra: 1 } as never),
    ).toThrow(/unknown field "extra"/);
  });

  it('accept the right input', () => {
    emulator.setTokenLifetime(40);
    emulator.configureDeviceFlow({ intervalSeconds: 1 });
    emulator.expireToken();
    emulator.declineScopes([]);
    expect(emulator.issueToken({ clientId: CLIENT, userId: '12826', scopes: [] })).toMatch(
      /^[a-z0-9]{30}$/,
    );
  });
});

describe('the README', () => {
  it('has a row for every control: its name, path and exact body', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [name, { path }] of Object.entries(CONTROLS)) {
      const row = readme.split('\n').find((line) => line.includes(`\`POST /_emulator/${path}\``));
      expect(row, path).toContain(`\`${name}(`);
      expect(row?.replaceAll('\\|', '|'), path).toContain(
        `\`${describeBody(name as ControlName)}\``,
      );
    }
  });
});
