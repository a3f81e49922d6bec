// Twitch's POST /oauth2/device: what the start of a device login sends, what it takes from the
// answer, and how a refusal, a malformed answer or no answer at all is reported.
import { describe, expect, it } from 'vitest';
import { requestDeviceCode } from '../../../src/device/device-code.js';
import { createFakeFetch, json } from '../../helpers/fake-fetch.js';
import { rejection } from '../../helpers/thrown.js';
import { CLIENT_ID, DEVICE_ANSWER } from '../../helpers/twitch.js';

const DEVICE_URL = 'https://id.twitch.tv/oauth2/device';
const answer = { ...DEVICE_ANSWER, interval: 7 };

/** requestDeviceCode against a strict fake that answers one POST /oauth2/device with `respond`. */
function start(respond: Response | Error) {
  const fake = createFakeFetch().expect({ method: 'POST', url: DEVICE_URL, respond });
  return requestDeviceCode(fake.fetch, DEVICE_URL, CLIENT_ID, ['chat:read']);
}

describe('requestDeviceCode', () => {
  it("returns Twitch's codes, URI, lifetime and interval, frozen", async () => {
    const device = await start(json(answer));
    expect(device).toStrictEqual({
      deviceCode: 'dc-1',
      userCode: 'ABCDEFGH',
      verificationUri: 'https://www.twitch.tv/activate',
      expiresIn: 1800,
      interval: 7,
    });
    expect(Object.isFrozen(device)).toBe(true);
  });

  it('polls every 5 s when Twitch names no interval, and as fast as told when it names 0', async () => {
    const { interval: _none, ...withoutInterval } = answer;
    expect(await start(json(withoutInterval))).toMatchObject({ interval: 5 });
    expect(await start(json({ ...answer, interval: 0 }))).toMatchObject({ interval: 0 });
  });

  it('takes an http: verification URI (a local emulator) as well as https:', async () => {
    const local = 'http://localhost:8080/activate';
    expect(await start(json({ ...answer, verification_uri: local }))).toMatchObject({
      verificationUri: local,
    });
  });

  it('reports no answer as network_error naming the origin, with the cause', async () => {
    const cause = new TypeError('Failed to fetch');
    const error = await rejection(start(cause));
    expect(error).toMatchObject({
      name: 'TwitchAuthError',
      code: 'network_error',
      message: 'Could not reach https://id.twitch.tv.',
      cause,
    });
  });

  it("reports a refusal as authorize_error with the status and Twitch's message", async () => {
    const error = await rejection(start(json({ status: 400, message: 'invalid client' }, 400)));
    expect(error).toMatchObject({
      name: 'TwitchAuthError',
      code: 'authorize_error',
      message: 'Twitch refused to start a device login (400).',
      status: 400,
      twitchError: 'invalid client',
      twitchErrorDescription: 'invalid client',
    });
  });

  it('reports a refusal without a readable message as authorize_error with the status alone', async () => {
    const error = await rejection(
      start(
        new Response('<html>503</html>', { status: 503, headers: { 'content-type': 'text/html' } }),
      ),
    );
    expect(error).toMatchObject({ code: 'authorize_error', status: 503 });
    expect(error).toMatchObject({ twitchError: undefined, twitchErrorDescription: undefined });
  });

  it('refuses a 200 that is not a complete device authorization as authorize_error', async () => {
    const malformed: unknown[] = [
      null,
      [answer],
      'ok',
      { ...answer, device_code: '' },
      { ...answer, device_code: 42 },
      { ...answer, user_code: '' },
      { ...answer, user_code: undefined },
      { ...answer, verification_uri: '' },
      { ...answer, verification_uri: 7 },
      { ...answer, verification_uri: 'javascript:alert(1)//https://www.twitch.tv/activate' },
      { ...answer, verification_uri: 'www.twitch.tv/activate' },
      { ...answer, expires_in: '1800' },
      { ...answer, expires_in: 0 },
      { ...answer, expires_in: -1 },
      { ...answer, interval: '5' },
      { ...answer, interval: null },
      { ...answer, interval: -1 },
    ];
    for (const body of malformed) {
      const error = await rejection(start(json(body)));
      expect(error, JSON.stringify(body)).toMatchObject({
        name: 'TwitchAuthError',
        code: 'authorize_error',
        message: 'Twitch answered /oauth2/device with a malformed body.',
        status: 200,
      });
    }
  });
});
