// The refresh coordinator alone: every send of a refresh token passes one gate (ledger, mark,
// settle, send), and every outcome is what the session must do next. Deps are plain variables;
// time is vitest's fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  REFRESH_LIMITS,
  type RefreshDeps,
  type RefreshResult,
  type RefreshSignal,
  createRefreshCoordinator,
} from '../../../src/device/refresh.js';
import { queued } from '../../../src/device/locks.js';
import { type SpentLedger, createSpentLedger } from '../../../src/device/spent-ledger.js';
import type { TokenSet } from '../../../src/device/token-endpoint.js';
import { defaultTimers } from '../../../src/internal/env.js';
import { createMemoryStorage } from '../../../src/index.js';
import {
  type RefreshGrant,
  type StoredRecord,
  createSession,
} from '../../../src/session/session.js';
import { type StorageLike, createKeyValueStore } from '../../../src/session/storage.js';
import { json } from '../../helpers/fake-fetch.js';

const TOKEN_URL = 'https://id.twitch.tv/oauth2/token';

function record(generation: number, lineage = 'L', accessToken = `at-${lineage}-${generation}`) {
  return Object.freeze({
    session: createSession({
      accessToken,
      tokenType: 'bearer',
      scopes: ['chat:read'],
      user: { id: `user-of-${lineage}` },
      createdAt: 1,
    }),
    refresh: Object.freeze({ token: `rt-${lineage}-${generation}`, lineage, generation }),
  }) satisfies StoredRecord;
}

const tokens = (n: number) =>
  json({
    access_token: `at-new-${n}`,
    refresh_token: `rt-new-${n}`,
    expires_in: 14_000,
    scope: ['chat:read'],
    token_type: 'bearer',
  });

type Answer = Response | Error | (() => Response | Error | Promise<Response | Error>);

/** A tab: its record, the storage it reads, a ledger over the origin's storage, a token endpoint. */
function tab(options: { shared?: StorageLike; answer?: Answer; online?: Promise<void> } = {}) {
  const shared = options.shared ?? createMemoryStorage();
  const real = createSpentLedger(createKeyValueStore(shared, 'p:'), () => Date.now());
  const marks: { grant: RefreshGrant; at: number }[] = [];
  const ledger: SpentLedger = {
    isSpent: (grant) => real.isSpent(grant),
    markSpent: (grant) => {
      real.markSpent(grant);
      marks.push({ grant, at: Date.now() });
    },
  };
  const t = {
    shared,
    ledger,
    marks,
    mine: record(0) as StoredRecord | null,
    disk: record(0) as StoredRecord | null,
    answer: options.answer ?? tokens(1),
    /** Every refresh token sent, when, and whether the ledger had it spent at that moment. */
    sends: [] as { token: string; at: number; markedFirst: boolean; announcedFirst: boolean }[],
    signals: [] as RefreshSignal[],
    discarded: [] as TokenSet[],
    rotations: [] as StoredRecord[],
    rotateFails: false,
    lock: queued((task) => task()),
  };
  const fetchStub: typeof fetch = async (_input, init) => {
    const token = new URLSearchParams(init?.body as URLSearchParams).get('refresh_token') ?? '';
    const grant = [t.disk, t.mine].find((r) => r?.refresh?.token === token)?.refresh;
    t.sends.push({
      token,
      at: Date.now(),
      markedFirst: grant !== undefined && real.isSpent(grant),
      announcedFirst: t.signals.some((signal) => signal.type === 'spent'),
    });
    const answer = typeof t.answer === 'function' ? await t.answer() : t.answer;
    if (answer instanceof Error) throw answer;
    return answer.clone();
  };
  const deps: RefreshDeps = {
    clientId: 'cid',
    tokenUrl: TOKEN_URL,
    fetch: () => fetchStub,
    now: () => Date.now(),
    timers: defaultTimers,
    lock: (task) => t.lock(task),
    ledger,
    current: () => t.mine,
    stored: () => t.disk,
    rotate: (next) => {
      if (t.rotateFails) throw Object.assign(new Error('full'), { code: 'storage_unavailable' });
      t.rotations.push(next);
      t.disk = next;
      t.mine = next;
    },
    announce: (signal) => t.signals.push(signal),
    online: () => options.online ?? Promise.resolve(),
    discard: (set) => t.discarded.push(set),
  };
  return Object.assign(t, { coordinator: createRefreshCoordinator(deps) });
}

/** Runs the fake clock until `promise` settles. */
async function settle<T>(promise: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return promise;
}

/** `promise` with how long (fake time) it took to settle. */
async function timed<T>(promise: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  return settle(promise.then((result) => ({ result, ms: Date.now() - started })));
}

const spentGrant = (ledger: SpentLedger, lineage: string, generation: number): boolean =>
  ledger.isSpent({ token: '', lineage, generation });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('refresh', () => {
  it('sends the stored token once, stores the rotation as the next generation and announces it', async () => {
    const t = tab();
    const result = await settle(t.coordinator.refresh('at-L-0'));
    expect(t.sends.map((s) => s.token)).toEqual(['rt-L-0']);
    expect(result).toMatchObject({ kind: 'refreshed' });
    expect(t.rotations).toHaveLength(1);
    expect(t.disk).toMatchObject({
      session: { accessToken: 'at-new-1' },
      refresh: { token: 'rt-new-1', lineage: 'L', generation: 1 },
    });
    expect(t.disk?.session.validatedAt).toBeUndefined(); // validation vouched for the old one
    expect(t.signals).toEqual([
      { type: 'spent', lineage: 'L' },
      { type: 'rotated', lineage: 'L', generation: 1 },
    ]);
    expect(t.sends[0]?.announcedFirst).toBe(true);
    expect(t.disk?.session.expiresAt).toBe(Date.now() - REFRESH_LIMITS.settleMs + 14_000_000);
  });

  it('never sends a token the ledger has spent: it ends the session (spent_elsewhere)', async () => {
    const t = tab();
    t.ledger.markSpent(record(0).refresh);
    const result = await settle(t.coordinator.refresh('at-L-0'));
    expect(t.sends).toEqual([]);
    expect(result).toEqual({ kind: 'ended', cause: { why: 'spent_elsewhere' } });
    expect(t.rotations).toEqual([]);
  });

  it('marks the token spent before it is sent, and waits the settle period in between', async () => {
    const t = tab();
    await settle(t.coordinator.refresh('at-L-0'));
    const mark = t.marks.find((m) => m.grant.generation === 0);
    expect(t.sends[0]?.markedFirst).toBe(true);
    expect((t.sends[0]?.at ?? 0) - (mark?.at ?? Infinity)).toBeGreaterThanOrEqual(
      REFRESH_LIMITS.settleMs,
    );
  });

  it('holds the lock for the settle period after storing a rotation', async () => {
    const t = tab();
    const done = t.coordinator.refresh('at-L-0');
    await vi.advanceTimersByTimeAsync(0);
    let next = -1;
    const waiting = t.lock(async () => void (next = Date.now()));
    await settle(Promise.all([done, waiting]));
    const rotatedAt = t.sends[0]?.at ?? Infinity; // the answer comes at once
    expect(next - rotatedAt).toBeGreaterThanOrEqual(REFRESH_LIMITS.settleMs);
  });

  it.each<[string, Answer, Partial<RefreshResult>]>([
    ['a 200 with tokens', tokens(1), { kind: 'refreshed' }],
    [
      'a 400 refusal',
      json({ status: 400, message: 'Invalid refresh token' }, 400),
      { kind: 'ended', cause: { why: 'refused', status: 400 } },
    ],
    [
      'a 400 in other words',
      json({ status: 400, message: 'Bad Request' }, 400),
      { kind: 'ended', cause: { why: 'refused', status: 400 } },
    ],
    [
      'a 401 without a body',
      new Response(null, { status: 401 }),
      { kind: 'ended', cause: { why: 'refused', status: 401 } },
    ],
    [
      'a 5xx',
      json({ status: 503, message: 'unavailable' }, 503),
      { kind: 'ended', cause: { why: 'lost', status: 503 } },
    ],
    [
      'a network error',
      new TypeError('Failed to fetch'),
      { kind: 'ended', cause: { why: 'lost', cause: expect.any(TypeError) } },
    ],
    [
      'a malformed 200',
      json({ access_token: 'at-x' }),
      { kind: 'ended', cause: { why: 'lost', status: 200 } },
    ],
  ])('keeps the token spent after %s: it is never sent again', async (_name, answer, expected) => {
    const t = tab({ answer });
    const result = await settle(t.coordinator.refresh('at-L-0'));
    expect(result).toMatchObject(expected);
    expect(t.sends).toHaveLength(1);
    expect(t.sends[0]?.markedFirst).toBe(true);
    expect(spentGrant(t.ledger, 'L', 0)).toBe(true);
    // Every send is announced before it leaves (a duplicated tab still holding the token ends
    // at once, not at its next 401), a rotation once it is stored.
    expect(t.signals).toEqual([
      { type: 'spent', lineage: 'L' },
      ...(result.kind === 'refreshed' ? [{ type: 'rotated', lineage: 'L', generation: 1 }] : []),
    ]);
    // The same tab (a reload, a second try) still holding generation 0 never sends it again.
    const again = tab({ shared: t.shared, answer });
    expect(await settle(again.coordinator.refresh('at-L-0'))).toEqual({
      kind: 'ended',
      cause: { why: 'spent_elsewhere' },
    });
    expect(again.sends).toEqual([]);
    expect(await settle(again.coordinator.reconcile())).toMatchObject({ kind: 'ended' });
  });

  it('ends with lost when the answer is lost: the token may be spent at Twitch', async () => {
    const t = tab({ answer: new TypeError('Failed to fetch') });
    expect(await settle(t.coordinator.refresh('at-L-0'))).toMatchObject({
      kind: 'ended',
      cause: { why: 'lost' },
    });
    expect(t.rotations).toEqual([]);
  });

  it("ends with confidential_client on a Confidential client's refusal, with Twitch's words", async () => {
    const t = tab({ answer: json({ status: 400, message: 'missing client secret' }, 400) });
    expect(await settle(t.coordinator.refresh('at-L-0'))).toEqual({
      kind: 'ended',
      cause: { why: 'confidential_client', status: 400, message: 'missing client secret' },
    });
  });

  it('shares one flight between concurrent calls: one token request', async () => {
    const t = tab();
    const first = t.coordinator.refresh('at-L-0');
    const second = t.coordinator.refresh('at-L-0');
    expect(second).toBe(first);
    await settle(first);
    expect(t.sends).toHaveLength(1);
  });

  it('does not answer a 401 for a newer token with the flight of an older one', async () => {
    // A login replaced the session while the old token's refresh was out: the new token's 401
    // gets a refresh of its own (after the first, under the lock), not the old one's `replaced`.
    const t = tab({
      answer: async () => {
        t.disk = record(0, 'M');
        t.mine = record(0, 'M');
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // the answer is slow
        return tokens(1);
      },
    });
    const first = t.coordinator.refresh('at-L-0');
    await vi.advanceTimersByTimeAsync(REFRESH_LIMITS.settleMs + 10); // the old token is out
    const second = t.coordinator.refresh('at-M-0');
    expect(second).not.toBe(first);
    expect(await settle(first)).toEqual({ kind: 'replaced' });
    t.answer = tokens(2);
    expect(await settle(second)).toMatchObject({ kind: 'refreshed' });
    expect(t.sends.map((send) => send.token)).toEqual(['rt-L-0', 'rt-M-0']);
  });

  it('adopts a rotation another tab stored, without a send', async () => {
    const t = tab();
    t.disk = record(1);
    t.ledger.markSpent(record(0).refresh);
    expect(await settle(t.coordinator.refresh('at-L-0'))).toEqual({
      kind: 'refreshed',
      record: record(1),
    });
    expect(t.sends).toEqual([]);
  });

  it('uses the stored token when it is not the one that failed, without a send', async () => {
    const t = tab();
    t.disk = record(0, 'L', 'at-validated-meanwhile');
    expect(await settle(t.coordinator.refresh('at-L-0'))).toMatchObject({ kind: 'refreshed' });
    expect(t.sends).toEqual([]);
  });

  it('ends a tab whose grant was spent by a tab it cannot see (a duplicated sessionStorage)', async () => {
    const original = tab();
    await settle(original.coordinator.refresh('at-L-0'));
    const duplicate = tab({ shared: original.shared }); // its own storage, still generation 0
    expect(await settle(duplicate.coordinator.refresh('at-L-0'))).toEqual({
      kind: 'ended',
      cause: { why: 'spent_elsewhere' },
    });
    expect(duplicate.sends).toEqual([]);
  });

  it('says signed_out or replaced when storage holds no session, or another login', async () => {
    const t = tab();
    t.disk = null;
    expect(await settle(t.coordinator.refresh('at-L-0'))).toEqual({ kind: 'signed_out' });
    t.disk = record(0, 'other');
    expect(await settle(t.coordinator.refresh('at-L-0'))).toEqual({ kind: 'replaced' });
    t.disk = { session: record(0, 'other').session }; // a login without a refresh grant
    expect(await settle(t.coordinator.refresh('at-L-0'))).toEqual({ kind: 'replaced' });
    t.mine = { session: record(0).session };
    expect(await settle(t.coordinator.refresh('at-L-0'))).toEqual({ kind: 'replaced' });
    expect(t.sends).toEqual([]);
  });

  it('says replaced when this tab holds no session any more', async () => {
    const t = tab();
    t.mine = null;
    expect(await settle(t.coordinator.refresh('at-L-0'))).toEqual({ kind: 'replaced' });
    expect(t.sends).toEqual([]);
  });

  it.each([
    ['signed out', null, { kind: 'signed_out' }],
    ['replaced by another login', record(0, 'other'), { kind: 'replaced' }],
    [
      'replaced by a login without a refresh grant',
      { session: record(0, 'other').session },
      { kind: 'replaced' },
    ],
    ['rotated elsewhere', record(1), { kind: 'replaced' }],
  ] as const)(
    'discards the tokens when the session was %s during the send, and writes nothing',
    async (_name, meanwhile, expected) => {
      const t = tab();
      t.answer = () => {
        t.disk = meanwhile;
        return tokens(1);
      };
      expect(await settle(t.coordinator.refresh('at-L-0'))).toEqual(expected);
      expect(t.rotations).toEqual([]);
      expect(t.disk).toEqual(meanwhile);
      expect(t.discarded).toEqual([expect.objectContaining({ refreshToken: 'rt-new-1' })]);
      // The new token is marked too: its revocation is the only send it may have.
      expect(spentGrant(t.ledger, 'L', 1)).toBe(true);
      // Generation 0 was sent (announced first); no rotation is.
      expect(t.signals).toEqual([{ type: 'spent', lineage: 'L' }]);
    },
  );

  it('discards the tokens and ends (storage) when the rotation cannot be stored', async () => {
    const t = tab();
    t.rotateFails = true;
    expect(await settle(t.coordinator.refresh('at-L-0'))).toMatchObject({
      kind: 'ended',
      cause: { why: 'storage' },
    });
    expect(t.discarded).toHaveLength(1);
    expect(t.signals).toEqual([{ type: 'spent', lineage: 'L' }]);
  });

  it('sends nothing when the mark cannot be written', async () => {
    const shared = createMemoryStorage();
    const t = tab({
      shared: {
        ...shared,
        setItem: () => {
          throw new Error('quota');
        },
      },
    });
    expect(await settle(t.coordinator.refresh('at-L-0'))).toMatchObject({
      kind: 'ended',
      cause: { why: 'storage' },
    });
    expect(t.sends).toEqual([]);
  });

  it('sends nothing until the browser is online', async () => {
    let goOnline!: () => void;
    const t = tab({ online: new Promise<void>((resolve) => (goOnline = resolve)) });
    const result = t.coordinator.refresh('at-L-0');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.sends).toEqual([]);
    goOnline();
    expect(await settle(result)).toMatchObject({ kind: 'refreshed' });
    expect(t.sends).toHaveLength(1);
  });
});

describe('reconcile', () => {
  it('adopts a rotation it heard of once storage shows it', async () => {
    const t = tab();
    t.ledger.markSpent(record(0).refresh);
    setTimeout(() => (t.disk = record(1)), 500); // the write reaches this tab late
    const { result, ms } = await timed(
      t.coordinator.reconcile({ type: 'rotated', lineage: 'L', generation: 1 }),
    );
    expect(result).toEqual({ kind: 'refreshed', record: record(1) });
    // At its next look, not at the end of the catch-up period.
    expect(ms).toBeLessThanOrEqual(500 + REFRESH_LIMITS.catchUpPollMs);
  });

  it('does not take a storage showing no session for a logout while a rotation it heard of is due', async () => {
    const t = tab();
    t.disk = null;
    setTimeout(() => (t.disk = record(1)), 500);
    expect(
      await settle(t.coordinator.reconcile({ type: 'rotated', lineage: 'L', generation: 1 })),
    ).toEqual({ kind: 'refreshed', record: record(1) });
  });

  it('answers a rotated signal that names no newer generation at once', async () => {
    const t = tab();
    const { result, ms } = await timed(
      t.coordinator.reconcile({ type: 'rotated', lineage: 'L', generation: 0 }),
    );
    expect(result).toEqual({ kind: 'unchanged' });
    expect(ms).toBe(0);
  });

  it('ends a session whose rotation it heard of but never sees (spent elsewhere)', async () => {
    const t = tab();
    t.ledger.markSpent(record(0).refresh);
    const { result, ms } = await timed(
      t.coordinator.reconcile({ type: 'rotated', lineage: 'L', generation: 1 }),
    );
    expect(result).toEqual({ kind: 'ended', cause: { why: 'spent_elsewhere' } });
    // It gives up at its first look once the catch-up period is over.
    const { catchUpMaxMs, catchUpPollMs } = REFRESH_LIMITS;
    expect(ms).toBe(Math.ceil(catchUpMaxMs / catchUpPollMs) * catchUpPollMs);
  });

  it('waits for a heard rotation before a refresh too: no send of the spent token', async () => {
    const t = tab();
    setTimeout(() => (t.disk = record(1)), 500);
    void t.coordinator.reconcile({ type: 'rotated', lineage: 'L', generation: 1 });
    expect(await settle(t.coordinator.refresh('at-L-0'))).toMatchObject({ kind: 'refreshed' });
    expect(t.sends).toEqual([]);
  });

  it('ignores signals about another lineage (another user in another tab)', async () => {
    const t = tab();
    t.ledger.markSpent(record(3, 'other').refresh);
    const started = Date.now();
    expect(
      await settle(t.coordinator.reconcile({ type: 'rotated', lineage: 'other', generation: 4 })),
    ).toEqual({ kind: 'unchanged' });
    expect(await settle(t.coordinator.reconcile({ type: 'spent', lineage: 'other' }))).toEqual({
      kind: 'unchanged',
    });
    // Not even when this tab has something to catch up on: that waits for its own lineage's news.
    t.disk = record(1);
    expect(await settle(t.coordinator.reconcile({ type: 'spent', lineage: 'other' }))).toEqual({
      kind: 'unchanged',
    });
    t.disk = record(0);
    // Nor does this tab's own refresh wait for the other lineage's rotation to show.
    expect(await settle(t.coordinator.refresh('at-L-0'))).toMatchObject({ kind: 'refreshed' });
    expect(Date.now() - started).toBeLessThan(REFRESH_LIMITS.catchUpMaxMs);
  });

  it('ends a session whose token another tab spent (a logout signal)', async () => {
    const t = tab();
    t.ledger.markSpent(record(0).refresh);
    expect(await settle(t.coordinator.reconcile({ type: 'spent', lineage: 'L' }))).toEqual({
      kind: 'ended',
      cause: { why: 'spent_elsewhere' },
    });
  });

  it('at start: signed out, replaced, up to date, or adopts a newer stored rotation', async () => {
    const t = tab();
    expect(await settle(t.coordinator.reconcile())).toEqual({ kind: 'unchanged' });
    t.disk = record(2);
    expect(await settle(t.coordinator.reconcile())).toEqual({
      kind: 'refreshed',
      record: record(2),
    });
    t.disk = record(0, 'other');
    expect(await settle(t.coordinator.reconcile())).toEqual({ kind: 'replaced' });
    t.disk = null;
    expect(await settle(t.coordinator.reconcile())).toEqual({ kind: 'signed_out' });
    t.mine = null;
    expect(await settle(t.coordinator.reconcile())).toEqual({ kind: 'unchanged' });
    expect(t.sends).toEqual([]);
  });
});

describe('spend', () => {
  it('marks the token, announces it spent, then sends it once', async () => {
    const t = tab();
    const sent: { token: string; marked: boolean }[] = [];
    const send = async (token: string) =>
      void sent.push({ token, marked: spentGrant(t.ledger, 'L', 0) });
    await settle(t.coordinator.spend(record(0).refresh, send));
    await settle(t.coordinator.spend(record(0).refresh, send));
    expect(sent).toEqual([{ token: 'rt-L-0', marked: true }]);
    expect(t.signals).toEqual([{ type: 'spent', lineage: 'L' }]);
  });

  it('never sends a token the ledger has spent (a refresh sent it already)', async () => {
    const t = tab();
    await settle(t.coordinator.refresh('at-L-0'));
    const send = vi.fn(() => Promise.resolve());
    await settle(t.coordinator.spend(record(0).refresh, send));
    expect(send).not.toHaveBeenCalled();
  });

  it('sends nothing when the mark cannot be written', async () => {
    const t = tab({
      shared: {
        ...createMemoryStorage(),
        setItem: () => {
          throw new Error('quota');
        },
      },
    });
    const send = vi.fn(() => Promise.resolve());
    await settle(t.coordinator.spend(record(0).refresh, send));
    expect(send).not.toHaveBeenCalled();
  });
});
