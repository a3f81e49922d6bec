import { describe, expect, it } from 'vitest';
import { createEmitter } from '../../../src/internal/emitter';

describe('emitter', () => {
  it('calls handlers in order, unsubscribes, and survives a throwing handler', () => {
    const failures: unknown[] = [];
    const emitter = createEmitter<{ ping: number }>((error) => failures.push(error));
    const seen: string[] = [];
    const stopA = emitter.on('ping', (n) => seen.push(`a${n}`));
    emitter.on('ping', () => {
      throw new Error('boom');
    });
    emitter.on('ping', (n) => seen.push(`c${n}`));
    emitter.emit('ping', 1);
    stopA();
    emitter.emit('ping', 2);
    expect(seen).toEqual(['a1', 'c1', 'c2']);
    expect(failures).toHaveLength(2);
  });

  it('lets a handler unsubscribe itself while emitting', () => {
    const emitter = createEmitter<{ ping: undefined }>(() => undefined);
    let calls = 0;
    const stop = emitter.on('ping', () => {
      calls += 1;
      stop();
    });
    emitter.on('ping', () => (calls += 10));
    emitter.emit('ping', undefined);
    emitter.emit('ping', undefined);
    expect(calls).toBe(21);
  });
});
