// Bytes, not time: the core must not grow past its budget, and must not pull in code it does not
// need. Review a budget bump like any other change.
import { describe, expect, it } from 'vitest';
import { coreCost } from '../../bench/size.mjs';

/** createTwitchAuth, minified + gzip -9. Measured 16.6 KB; see README "Size and speed". */
const CORE_GZIP_BUDGET = 17_000;

describe('size budget', () => {
  it(`keeps createTwitchAuth within ${CORE_GZIP_BUDGET} bytes gzip`, async () => {
    const { gzip } = await coreCost();
    expect(gzip).toBeLessThanOrEqual(CORE_GZIP_BUDGET);
  });

  it('keeps adapters and frameworks out of the core, and only jose’s JWS verify path in', async () => {
    const { inputs } = await coreCost();
    const paths = inputs.map((i) => i.path);
    expect(paths.filter((p) => /node_modules\/(react|react-dom|vue|@vue)\//.test(p) || /src\/(react|vue)\//.test(p))).toEqual([]);
    const jose = paths.filter((p) => p.startsWith('node_modules/jose/'));
    expect(jose.length).toBeGreaterThan(0);
    expect(jose.filter((p) => /jwe|encrypt|sign|generate|jwt_claims_set|remote|pem|asn1/.test(p.split('/').pop() ?? ''))).toEqual([]);
  });
});
