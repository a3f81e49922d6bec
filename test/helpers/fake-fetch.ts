import { expect } from 'vitest';

/** One expected request and how to answer it. */
interface Expectation {
  /** Matches when the request's method and URL equal these (URL compared exactly). */
  readonly method?: string;
  readonly url: string;
  /** How many requests it answers (default 1). Use Infinity for "any number". */
  readonly times?: number;
  /** The answer: a Response, a function making one, or an Error to reject with. */
  readonly respond: Response | Error | ((request: Request) => Response | Promise<Response>);
}

/**
 * A strict fake `fetch`: a request no expectation matches rejects and is recorded as a failure;
 * `assertDone()` fails when an expected request did not happen or an unexpected one did.
 */
export interface FakeFetch {
  readonly fetch: typeof fetch;
  /** Every request seen, in order. */
  readonly requests: Request[];
  expect(expectation: Expectation): FakeFetch;
  assertDone(): void;
}

/** Every fake made since the last check: the unit setup asserts each is done after every test. */
const unchecked = new Set<FakeFetch>();

/** Asserts every strict fake made since the last call is done (test/helpers/setup-unit.ts). */
export function assertFakesDone(): void {
  const fakes = [...unchecked];
  unchecked.clear();
  for (const fake of fakes) fake.assertDone();
}

export function createFakeFetch(): FakeFetch {
  const pending: { e: Expectation; left: number; used: number }[] = [];
  const requests: Request[] = [];
  const unexpected: string[] = [];
  const fake: FakeFetch = {
    requests,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      requests.push(request);
      const method = request.method.toUpperCase();
      const match = pending.find(
        (p) =>
          p.left > 0 && p.e.url === request.url && (p.e.method ?? 'GET').toUpperCase() === method,
      );
      if (match === undefined) {
        unexpected.push(`${method} ${request.url}`);
        throw new TypeError(`Unexpected request: ${method} ${request.url}`);
      }
      match.left -= 1;
      match.used += 1;
      const { respond } = match.e;
      if (respond instanceof Error) throw respond;
      if (respond instanceof Response) return respond.clone();
      return respond(request);
    },
    expect(e) {
      pending.push({ e, left: e.times ?? 1, used: 0 });
      return fake;
    },
    assertDone() {
      expect(unexpected, 'unexpected requests').toEqual([]);
      const missing = pending
        .filter((p) => p.e.times !== Infinity && p.left > 0)
        .map((p) => `${p.e.method ?? 'GET'} ${p.e.url} (${p.left} left)`);
      expect(missing, 'expected requests that never happened').toEqual([]);
    },
  };
  unchecked.add(fake);
  return fake;
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
