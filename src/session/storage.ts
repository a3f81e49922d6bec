import { TwitchAuthError } from '../internal/errors.js';

/**
 * The part of the Web Storage API the SDK uses. Pass your own (an encrypted store, a webview
 * bridge) as `storage`; it must be synchronous.
 *
 * @example
 * ```ts
 * const map = new Map<string, string>();
 * const storage: StorageLike = {
 *   getItem: (key) => map.get(key) ?? null,
 *   setItem: (key, value) => void map.set(key, value),
 *   removeItem: (key) => void map.delete(key),
 * };
 * createTwitchAuth({ clientId, redirectUri, storage });
 * ```
 */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Where the session is kept: `'session'` (sessionStorage, the default: one tab, survives reloads),
 * `'memory'` (gone on reload; the strictest), `'local'` (localStorage: every tab of the origin,
 * long-lived; opt in knowingly), or your own {@link StorageLike}.
 */
export type StorageOption = 'session' | 'local' | 'memory' | StorageLike;

/**
 * A fresh in-memory {@link StorageLike}: sessions that end with the page, shared by the clients
 * you give it to.
 *
 * @example
 * ```ts
 * const auth = createTwitchAuth({ clientId, redirectUri, storage: createMemoryStorage() });
 * ```
 */
export function createMemoryStorage(): StorageLike {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

function isStorageLike(value: unknown): value is StorageLike {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s['getItem'] === 'function' &&
    typeof s['setItem'] === 'function' &&
    typeof s['removeItem'] === 'function'
  );
}

export function isStorageOption(value: unknown): value is StorageOption {
  return value === 'session' || value === 'local' || value === 'memory' || isStorageLike(value);
}

/**
 * A namespaced key/value store over a {@link StorageLike} that never throws on read (a failing or
 * corrupt read is "nothing stored") and throws `storage_unavailable` on a failing write, so a
 * caller can stop before it half-completes.
 */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  /** The underlying web storage object, when it is one (for `storage` events). */
  readonly webStorage: () => Storage | undefined;
}

function webStorage(kind: 'session' | 'local'): Storage | undefined {
  // Touching window.sessionStorage itself throws in sandboxed iframes and some webviews.
  try {
    if (typeof window === 'undefined') return undefined;
    return kind === 'session' ? window.sessionStorage : window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * Resolves a {@link StorageOption} lazily: nothing touches `window` until the first read or write,
 * so constructing the SDK during server-side rendering is safe. Web storage that cannot be reached
 * falls back to memory for the life of the page.
 */
export function createKeyValueStore(option: StorageOption, prefix: string): KeyValueStore {
  let resolved: StorageLike | undefined;
  let resolvedWeb: Storage | undefined;
  const backing = (): StorageLike => {
    if (resolved !== undefined) return resolved;
    if (typeof option === 'object') return (resolved = option);
    if (option === 'memory') return (resolved = createMemoryStorage());
    resolvedWeb = webStorage(option);
    return (resolved = resolvedWeb ?? createMemoryStorage());
  };
  return {
    get(key) {
      try {
        const value = backing().getItem(prefix + key);
        return typeof value === 'string' ? value : null;
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        backing().setItem(prefix + key, value);
      } catch (cause) {
        throw new TwitchAuthError(
          'storage_unavailable',
          'Could not write to storage (disabled, sandboxed or full).',
          { cause },
        );
      }
    },
    remove(key) {
      try {
        backing().removeItem(prefix + key);
      } catch {
        // Nothing more can be done; a later read of a stale entry is validated anyway.
      }
    },
    webStorage: () => (backing(), resolvedWeb),
  };
}
