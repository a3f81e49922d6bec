// Where the session is kept: which storage each `storage` option resolves to, the keys under the
// client's prefix, reads that never throw and writes that fail loudly, and which values the
// `storage` option accepts, laziness, a failing storage, and memory per store.
import { describe, expect, it } from 'vitest';
import { isTwitchAuthError } from '../../../src/internal/errors';
import {
  type StorageLike,
  createKeyValueStore,
  createMemoryStorage,
  isStorageOption,
} from '../../../src/session/storage';
import { throwingStorage, useFreshPage } from '../../helpers/page';
import { thrown } from '../../helpers/thrown';

useFreshPage();

describe('createMemoryStorage', () => {
  it('answers null for a key it never held, like Web Storage', () => {
    const storage = createMemoryStorage();
    expect(storage.getItem('missing')).toBeNull();
    storage.setItem('k', 'v');
    expect(storage.getItem('k')).toBe('v');
    storage.removeItem('k');
    expect(storage.getItem('k')).toBeNull();
  });
});

describe('createKeyValueStore', () => {
  it("keeps 'session' in sessionStorage under the prefix, and hands it out for storage events", () => {
    const store = createKeyValueStore('session', 'p:');
    expect(store.webStorage()).toBe(sessionStorage); // resolves on first use, this one included
    store.set('a', '1');
    expect(sessionStorage.getItem('p:a')).toBe('1');
    expect(localStorage.getItem('p:a')).toBeNull();
    sessionStorage.setItem('p:b', '2');
    expect(store.get('b')).toBe('2');
    store.remove('a');
    expect(sessionStorage.getItem('p:a')).toBeNull();
  });

  it("keeps 'local' in localStorage under the prefix", () => {
    const store = createKeyValueStore('local', 'p:');
    store.set('a', '1');
    expect(localStorage.getItem('p:a')).toBe('1');
    expect(sessionStorage.getItem('p:a')).toBeNull();
    expect(store.webStorage()).toBe(localStorage);
  });

  it("keeps 'memory' for the life of the store, away from web storage", () => {
    const store = createKeyValueStore('memory', 'p:');
    store.set('a', '1');
    store.set('b', '2');
    expect(store.get('a')).toBe('1');
    store.remove('a');
    expect(store.get('a')).toBeNull();
    expect(store.get('b')).toBe('2');
    expect(sessionStorage.getItem('p:b')).toBeNull();
    expect(localStorage.getItem('p:b')).toBeNull();
    expect(store.webStorage()).toBeUndefined();
  });

  it('uses a storage object it is given, under the prefix, and has no web storage to watch', () => {
    const backing = createMemoryStorage();
    const store = createKeyValueStore(backing, 'p:');
    expect(store.webStorage()).toBeUndefined();
    store.set('a', '1');
    expect(backing.getItem('p:a')).toBe('1');
    expect(backing.getItem('a')).toBeNull();
    backing.setItem('p:b', '2');
    expect(store.get('b')).toBe('2');
    store.remove('b');
    expect(backing.getItem('p:b')).toBeNull();
  });

  it('reads anything but a string from a custom storage as nothing stored', () => {
    const odd: StorageLike = {
      getItem: (key) => ({ 'p:number': 42, 'p:missing': undefined })[key] as unknown as string,
      setItem: () => undefined,
      removeItem: () => undefined,
    };
    const store = createKeyValueStore(odd, 'p:');
    expect(store.get('number')).toBeNull();
    expect(store.get('missing')).toBeNull();
  });

  it('reports a failing write as storage_unavailable, with the cause and a message saying why', () => {
    const error = thrown(() => createKeyValueStore(throwingStorage(), 'p:').set('a', '1'));
    expect(isTwitchAuthError(error) && error.code).toBe('storage_unavailable');
    expect((error as Error).message).toBe(
      'Could not write to storage (disabled, sandboxed or full).',
    );
    expect((error as Error).cause).toMatchObject({ name: 'QuotaExceededError' });
  });
});

describe('isStorageOption', () => {
  const methods = {
    getItem: () => null,
    setItem: () => undefined,
    removeItem: () => undefined,
  };

  it('accepts the three names and any object with the three methods', () => {
    for (const name of ['session', 'local', 'memory']) expect(isStorageOption(name)).toBe(true);
    expect(isStorageOption(methods)).toBe(true);
    expect(isStorageOption(createMemoryStorage())).toBe(true);
    expect(isStorageOption(sessionStorage)).toBe(true);
  });

  it.each([
    ['another name', 'cookies'],
    ['null', null],
    ['undefined', undefined],
    ['a function carrying the methods', Object.assign(() => undefined, methods)],
    ['an object without getItem', { ...methods, getItem: undefined }],
    ['an object without setItem', { ...methods, setItem: 'no' }],
    ['an object without removeItem', { ...methods, removeItem: undefined }],
  ])('refuses %s', (_name, value) => {
    expect(isStorageOption(value)).toBe(false);
  });
});

describe('a key-value store over any storage', () => {
  it('touches nothing until the first read, then prefixes keys', () => {
    let touched = 0;
    const backing = createMemoryStorage();
    const spy = {
      getItem: (k: string) => (touched++, backing.getItem(k)),
      setItem: (k: string, v: string) => (touched++, backing.setItem(k, v)),
      removeItem: (k: string) => (touched++, backing.removeItem(k)),
    };
    const store = createKeyValueStore(spy, 'p:');
    expect(touched).toBe(0);
    store.set('a', '1');
    expect(backing.getItem('p:a')).toBe('1');
    expect(store.get('a')).toBe('1');
  });

  it('reads a failing storage as empty and reports a failing write as storage_unavailable', () => {
    const store = createKeyValueStore(throwingStorage(), 'p:');
    expect(store.get('a')).toBeNull();
    expect(() => store.remove('a')).not.toThrow();
    const error = thrown(() => store.set('a', '1'));
    expect(isTwitchAuthError(error) && error.code).toBe('storage_unavailable');
  });

  it('keeps memory storage per store', () => {
    const a = createKeyValueStore('memory', 'p:');
    const b = createKeyValueStore('memory', 'p:');
    a.set('k', 'v');
    expect(b.get('k')).toBeNull();
  });
});
