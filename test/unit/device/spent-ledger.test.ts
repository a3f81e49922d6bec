// The spent-token ledger: which refresh tokens left this browser, by (lineage, generation), in the
// storage every tab shares. It must only grow, stay bounded, and never let a failed mark pass.
import { describe, expect, it } from 'vitest';
import { createSpentLedger } from '../../../src/device/spent-ledger.js';
import { createMemoryStorage } from '../../../src/index.js';
import { createKeyValueStore } from '../../../src/session/storage.js';
import type { StorageLike } from '../../../src/session/storage.js';

const grant = (lineage: string, generation: number) => ({
  token: `rt-${lineage}-${generation}`,
  lineage,
  generation,
});

function ledgerOver(storage: StorageLike = createMemoryStorage(), start = 1_000) {
  let clock = start;
  const ledger = createSpentLedger(createKeyValueStore(storage, 'p:'), () => clock++);
  return { ledger, storage };
}

describe('the spent-token ledger', () => {
  it('marks a token by lineage and generation: that one and every earlier one are spent', () => {
    const { ledger } = ledgerOver();
    expect(ledger.isSpent(grant('a', 0))).toBe(false);
    ledger.markSpent(grant('a', 2));
    expect(ledger.isSpent(grant('a', 0))).toBe(true);
    expect(ledger.isSpent(grant('a', 2))).toBe(true);
    expect(ledger.isSpent(grant('a', 3))).toBe(false);
    // Another login (lineage) is untouched.
    expect(ledger.isSpent(grant('b', 0))).toBe(false);
  });

  it('is seen by every ledger over the same storage (every tab of the origin)', () => {
    const shared = createMemoryStorage();
    ledgerOver(shared).ledger.markSpent(grant('a', 0));
    expect(ledgerOver(shared).ledger.isSpent(grant('a', 0))).toBe(true);
  });

  it('only grows: marking an older generation does not unmark a newer one', () => {
    const { ledger } = ledgerOver();
    ledger.markSpent(grant('a', 5));
    ledger.markSpent(grant('a', 1));
    expect(ledger.isSpent(grant('a', 5))).toBe(true);
  });

  it('keeps 32 lineages, dropping the oldest mark first', () => {
    const { ledger } = ledgerOver();
    for (let i = 0; i < 33; i += 1) ledger.markSpent(grant(`l${i}`, 0));
    expect(ledger.isSpent(grant('l0', 0))).toBe(false);
    for (let i = 1; i < 33; i += 1) expect(ledger.isSpent(grant(`l${i}`, 0))).toBe(true);
  });

  it('keeps a lineage marked again recently over an older one', () => {
    const { ledger } = ledgerOver();
    for (let i = 0; i < 32; i += 1) ledger.markSpent(grant(`l${i}`, 0));
    ledger.markSpent(grant('l0', 1)); // l0 is now the newest mark
    ledger.markSpent(grant('new', 0));
    expect(ledger.isSpent(grant('l0', 1))).toBe(true);
    expect(ledger.isSpent(grant('l1', 0))).toBe(false);
  });

  it.each([['not json'], ['null'], ['42'], ['"text"'], [JSON.stringify('x'.repeat(40))]])(
    'reads an unreadable ledger (%s) as empty, and can mark over it',
    (raw) => {
      const storage = createMemoryStorage();
      storage.setItem('p:spent', raw);
      const { ledger } = ledgerOver(storage);
      expect(ledger.isSpent(grant('a', 0))).toBe(false);
      ledger.markSpent(grant('a', 0));
      expect(ledger.isSpent(grant('a', 0))).toBe(true);
    },
  );

  it('reads a malformed mark as no mark, and can mark over it', () => {
    const storage = createMemoryStorage();
    storage.setItem('p:spent', JSON.stringify({ a: null, b: 'spent' }));
    const { ledger } = ledgerOver(storage);
    expect(ledger.isSpent(grant('a', 0))).toBe(false);
    expect(ledger.isSpent(grant('b', 0))).toBe(false);
    ledger.markSpent(grant('a', 0));
    expect(ledger.isSpent(grant('a', 0))).toBe(true);
  });

  it('does not read an inherited property as a mark', () => {
    const { ledger } = ledgerOver();
    expect(ledger.isSpent(grant('constructor', 0))).toBe(false);
    expect(ledger.isSpent(grant('__proto__', 0))).toBe(false);
  });

  it('throws storage_unavailable when the mark cannot be written', () => {
    const storage = createMemoryStorage();
    const failing: StorageLike = {
      ...storage,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    const { ledger } = ledgerOver(failing);
    expect(() => ledger.markSpent(grant('a', 0))).toThrow(
      expect.objectContaining({ code: 'storage_unavailable' }),
    );
    expect(ledger.isSpent(grant('a', 0))).toBe(false);
  });
});
