import { afterEach, beforeEach } from 'vitest';
import type { StorageLike, TwitchAuth } from '../../src/index';

/**
 * Registers hooks for the calling test file: every test starts at http://localhost:3000/ with
 * empty web storage, and the clients pushed onto the returned list are destroyed after it, so no
 * timer, listener or channel outlives its test.
 */
export function useFreshPage(): TwitchAuth[] {
  const created: TwitchAuth[] = [];
  beforeEach(() => {
    sessionStorage.clear();
    localStorage.clear();
    history.replaceState(null, '', 'http://localhost:3000/');
  });
  afterEach(() => {
    for (const auth of created.splice(0)) auth.destroy();
  });
  return created;
}

/** Storage as a locked-down browser has it: reads and removes are denied, writes over quota. */
export function throwingStorage(): StorageLike {
  return {
    getItem: () => {
      throw new DOMException('denied', 'SecurityError');
    },
    setItem: () => {
      throw new DOMException('full', 'QuotaExceededError');
    },
    removeItem: () => {
      throw new DOMException('denied', 'SecurityError');
    },
  };
}
