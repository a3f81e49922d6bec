// Which refresh tokens have left this browser: one record in the storage every tab of the origin
// shares (localStorage), also when sessions live in sessionStorage, which a duplicated tab copies.
// It names tokens by (lineage, generation), never holds one, and only ever grows per lineage.
import type { RefreshGrant } from '../session/session.js';
import type { KeyValueStore } from '../session/storage.js';

/** How many logins' marks are kept; the oldest mark goes first (a login per lineage). */
const MAX_LINEAGES = 32;

/** The spent refresh tokens of one client id, as every tab of the origin sees them. */
export interface SpentLedger {
  /** Whether this refresh token was marked spent (by any tab, at any time). */
  isSpent(grant: RefreshGrant): boolean;
  /**
   * Marks the token spent, before it is sent. Throws `storage_unavailable` when the mark cannot
   * be written: the token must then not be sent.
   */
  markSpent(grant: RefreshGrant): void;
}

type Marks = Record<string, { readonly generation: number; readonly at: number }>;

/**
 * The ledger kept in `store` under `spent`. An unreadable value reads as empty: only code of this
 * origin writes there, and treating it as "all spent" would end every device session for good.
 *
 * @example
 * ```ts
 * const ledger = createSpentLedger(createKeyValueStore('local', prefix), Date.now);
 * if (!ledger.isSpent(grant)) ledger.markSpent(grant); // then, and only then, send grant.token
 * ```
 */
export function createSpentLedger(store: KeyValueStore, now: () => number): SpentLedger {
  const read = (): Marks => {
    try {
      const value: unknown = JSON.parse(store.get('spent') ?? '{}');
      return typeof value === 'object' && value !== null ? (value as Marks) : {};
    } catch {
      return {};
    }
  };
  const spentUpTo = (marks: Marks, lineage: string): number => {
    const generation = Object.hasOwn(marks, lineage) ? marks[lineage]?.generation : undefined;
    return typeof generation === 'number' ? generation : -1;
  };
  return {
    isSpent: (grant) => grant.generation <= spentUpTo(read(), grant.lineage),
    markSpent(grant) {
      const marks = read();
      const generation = Math.max(grant.generation, spentUpTo(marks, grant.lineage));
      const kept = Object.entries({ ...marks, [grant.lineage]: { generation, at: now() } })
        .sort(([, a], [, b]) => b.at - a.at)
        .slice(0, MAX_LINEAGES);
      store.set('spent', JSON.stringify(Object.fromEntries(kept)));
    },
  };
}
