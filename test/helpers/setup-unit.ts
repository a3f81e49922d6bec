import { afterEach } from 'vitest';
import { assertFakesDone } from './fake-fetch';

// Every test that made a strict fake fetch ends with its check: no unexpected request, and every
// expected one happened. A test cannot forget to call assertDone().
afterEach(() => {
  assertFakesDone();
});
