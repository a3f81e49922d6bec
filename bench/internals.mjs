// The one place the bench reaches past the package's public entries into src/: the phases of
// handleRedirect that bench/page.mjs times alone. Everything else the bench measures goes through
// the built dist/ files or the public entries (bench/size.mjs). When src/ is reorganised, fix the
// paths here; the bench's smoke run in `npm test` (test/node/bench-smoke.test.ts) fails when one
// of these is moved, renamed or changes shape.
export { parseAuthResponse } from '../src/callback/response.ts';
export { readCallbackUrl } from '../src/callback/url.ts';
export { defaultTimers } from '../src/internal/env.ts';
export { verifyIdToken } from '../src/id-token/verify.ts';
export { createJwksCache } from '../src/id-token/jwks.ts';
export { createPendingStore } from '../src/login/pending.ts';
export { takePendingRequest } from '../src/login/pending-take.ts';
export { createKeyValueStore } from '../src/session/storage.ts';
