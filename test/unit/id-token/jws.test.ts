// The structure check on its own: what it refuses, and that each refusal says what is wrong.
// Tokens are really RS256-signed (test/helpers/keys.ts), so a refusal is down to the structure.
import { base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { isTwitchAuthError } from '../../../src/internal/errors';
import { checkKeyHeader, checkStructure, isAcceptableKid } from '../../../src/id-token/jws';
import { type TestKey, generateTestKey, segment, signRaw, signSegments } from '../../helpers/keys';
import { thrown } from '../../helpers/thrown';

const HEADER = '{"alg":"RS256","kid":"1","typ":"JWT"}';
const CLAIMS = { iss: 'https://id.twitch.tv/oauth2', sub: '141981764', aud: 'client' };

let key: TestKey;

beforeAll(async () => {
  key = await generateTestKey('1');
});

/** The TwitchAuthError checkStructure throws for `token` (fails the test if it throws another). */
function refusal(token: unknown): { code: string; message: string; cause: unknown } {
  const error = thrown(() => checkStructure(token));
  if (!isTwitchAuthError(error)) throw new Error(`not a TwitchAuthError: ${String(error)}`);
  return { code: error.code, message: error.message, cause: error.cause };
}

const sign = (header: string, payload: string) => signRaw(key.privateKey, header, payload);

describe('checkStructure', () => {
  it('returns the claims of a well-formed RS256 JWS', async () => {
    expect(checkStructure(await sign(HEADER, JSON.stringify(CLAIMS)))).toEqual(CLAIMS);
  });

  it('refuses anything but a string of at most 16 384 characters, saying so', async () => {
    for (const value of [42, null, undefined, [], ['a', 'b', 'c'], { split: () => ['', '', ''] }]) {
      expect(refusal(value), JSON.stringify(value)).toMatchObject({
        code: 'id_token_invalid',
        message: expect.stringMatching(/compact JWS of at most 16 KB/),
      });
    }
    // Exactly at the cap passes; one character more does not. A base64url segment is never 4k + 1
    // characters long, so the kid's length is chosen to make both lengths reachable.
    const signatureLength = 342; // 256 signature bytes in base64url
    let header = HEADER;
    const room = (h: string) => 16_384 - base64url.encode(h).length - signatureLength - 2;
    for (let kid = '1'; room(header) % 4 !== 2 && kid.length < 8; kid += '1')
      header = JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' });
    const fixed = base64url.encode(header).length + signatureLength + 2;
    const payloadFor = (length: number) => {
      const base = JSON.stringify({ ...CLAIMS, pad: '' }).length;
      // Pad the claims until the payload segment is exactly `length` characters long.
      for (let pad = Math.floor((length * 3) / 4) - base - 4; pad < length; pad += 1) {
        const json = JSON.stringify({ ...CLAIMS, pad: 'x'.repeat(pad) });
        if (base64url.encode(json).length === length) return json;
      }
      throw new Error(`no padding gives ${length}`);
    };
    const atCap = await sign(header, payloadFor(16_384 - fixed));
    expect(atCap).toHaveLength(16_384);
    expect(checkStructure(atCap)).toMatchObject(CLAIMS);
    const overCap = await sign(header, payloadFor(16_385 - fixed));
    expect(overCap).toHaveLength(16_385);
    expect(refusal(overCap).code).toBe('id_token_invalid');
  });

  it('refuses invalid UTF-8 and a byte order mark, naming the segment', async () => {
    const claims = new TextEncoder().encode(JSON.stringify({ ...CLAIMS, sub: 'XX' }));
    claims.set([0xff, 0xfe], claims.indexOf('X'.charCodeAt(0)));
    expect(refusal(await signRaw(key.privateKey, HEADER, claims))).toMatchObject({
      code: 'id_token_invalid',
      message: expect.stringMatching(/payload is not base64url-encoded UTF-8 JSON/),
      cause: expect.any(TypeError),
    });
    expect(refusal(await sign(`\uFEFF${HEADER}`, JSON.stringify(CLAIMS)))).toMatchObject({
      code: 'id_token_invalid',
      message: expect.stringMatching(/header is not base64url-encoded UTF-8 JSON/),
      cause: expect.any(SyntaxError),
    });
  });

  it('refuses a segment with a character outside base64url before, inside or after it', async () => {
    const h = base64url.encode(HEADER);
    const p = segment(CLAIMS);
    for (const header of [`+${h}`, `${h}=`, `${h.slice(0, 4)}.${h.slice(4)}`.replace('.', '/')]) {
      const { code, message, cause } = refusal(await signSegments(key.privateKey, header, p));
      expect(code, header).toBe('id_token_invalid');
      expect(message, header).toMatch(/header is not base64url-encoded/);
      expect(cause, header).toMatchObject({ message: 'not strict base64url' });
    }
    for (const payload of [`=${p}`, `${p}=`]) {
      expect(refusal(await signSegments(key.privateKey, h, payload)).message, payload).toMatch(
        /payload is not base64url-encoded/,
      );
    }
    const [vh, vp, vs] = (await sign(HEADER, JSON.stringify(CLAIMS))).split('.');
    for (const signature of [`+${String(vs)}`, `${String(vs)}+`]) {
      expect(refusal(`${String(vh)}.${String(vp)}.${signature}`).message).toMatch(
        /signature is not strict base64url/,
      );
    }
  });

  it('refuses a header or payload that is not an object, naming the segment', async () => {
    expect(refusal(await sign('[1]', JSON.stringify(CLAIMS))).message).toMatch(
      /header is not a JSON object with distinct member names/,
    );
    expect(refusal(await sign(HEADER, '"sub"')).message).toMatch(
      /payload is not a JSON object with distinct member names/,
    );
  });

  it('finds a repeated name after an array, after a nested object, and after an escaped quote', async () => {
    const claims = JSON.stringify(CLAIMS).slice(1); // `"iss":…}`, to append after other members
    const doubled = [
      `{"list":[0,{"a":1}],"sub":"666",${claims}`,
      `{"address":{"x":1},"sub":"666",${claims}`,
      `{"sub":"\\"","sub":"666",${claims.replace('"sub":"141981764",', '')}`,
    ];
    for (const payload of doubled) {
      JSON.parse(payload); // valid JSON, with one name twice
      expect(refusal(await sign(HEADER, payload)).message, payload).toMatch(
        /payload is not a JSON object with distinct member names/,
      );
    }
  });

  it('does not take a name inside a nested object or a value for a repeat', async () => {
    const accepted = [
      // The nested object's names are its own: "sub" and "iss" again outside it are fine.
      `{"address":{"sub":"x","iss":"y"},${JSON.stringify(CLAIMS).slice(1)}`,
      // Quotes, brackets and commas inside strings are text.
      JSON.stringify({ note: 'a"b', other: '"],[{"sub":', ...CLAIMS }),
      JSON.stringify({ list: [['sub'], { sub: 1 }], ...CLAIMS }),
    ];
    for (const payload of accepted) {
      expect(checkStructure(await sign(HEADER, payload)), payload).toMatchObject(CLAIMS);
    }
  });

  it('says what is wrong with the header', async () => {
    const payload = JSON.stringify(CLAIMS);
    const [h, p] = (await sign(HEADER, payload)).split('.');
    expect(refusal(`${String(h)}.${String(p)}.`)).toMatchObject({
      code: 'signature_invalid',
      message: expect.stringMatching(/is unsigned/),
    });
    for (const name of ['jku', 'jwk', 'x5u', 'x5c', 'crit', 'b64']) {
      const header = JSON.stringify({ alg: 'RS256', [name]: 'x' });
      expect(refusal(await sign(header, payload)).message, name).toMatch(
        new RegExp(`header "${name}" is not accepted`),
      );
    }
    for (const typ of [7, null, 'at+jwt', ['JWT']]) {
      const header = JSON.stringify({ alg: 'RS256', typ });
      expect(refusal(await sign(header, payload)), JSON.stringify(typ)).toMatchObject({
        code: 'id_token_invalid',
        message: expect.stringMatching(/typ is not JWT/),
      });
    }
  });
});

describe('checkKeyHeader and isAcceptableKid', () => {
  it('accepts RS256 with no kid or a kid of up to 256 characters', () => {
    expect(checkKeyHeader({ alg: 'RS256' })).toBeUndefined();
    expect(checkKeyHeader({ alg: 'RS256', kid: '' })).toBe('');
    expect(checkKeyHeader({ alg: 'RS256', kid: 'k'.repeat(256) })).toBe('k'.repeat(256));
    expect(isAcceptableKid('k'.repeat(256))).toBe(true);
    expect(isAcceptableKid('k'.repeat(257))).toBe(false);
  });

  it('refuses another algorithm and a kid that is not a short string, saying which', () => {
    for (const alg of ['none', 'HS256', 'rs256', undefined]) {
      expect(
        thrown(() => checkKeyHeader({ alg, kid: '1' })),
        String(alg),
      ).toMatchObject({
        code: 'alg_not_allowed',
        message: expect.stringMatching(/Only RS256/),
      });
    }
    for (const kid of ['k'.repeat(257), 7, null]) {
      expect(thrown(() => checkKeyHeader({ alg: 'RS256', kid }))).toMatchObject({
        code: 'id_token_invalid',
        message: expect.stringMatching(/kid is not a short string/),
      });
    }
  });
});
