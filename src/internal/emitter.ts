/** A small typed emitter in the mitt style. */
export interface Emitter<E> {
  on<K extends keyof E>(name: K, handler: (payload: E[K]) => void): () => void;
  emit<K extends keyof E>(name: K, payload: E[K]): void;
}

/**
 * Handlers run synchronously, on a copy of the list (so one may unsubscribe itself). A throwing
 * handler never stops the others or the caller: its error goes to `onHandlerError`.
 */
export function createEmitter<E>(onHandlerError: (error: unknown) => void): Emitter<E> {
  const handlers = new Map<keyof E, Set<(payload: never) => void>>();
  return {
    on(name, handler) {
      let set = handlers.get(name);
      if (set === undefined) handlers.set(name, (set = new Set()));
      const stored = handler as (payload: never) => void;
      set.add(stored);
      return () => {
        set.delete(stored);
      };
    },
    emit(name, payload) {
      for (const handler of [...(handlers.get(name) ?? [])]) {
        try {
          (handler as (payload: E[typeof name]) => void)(payload);
        } catch (error) {
          onHandlerError(error);
        }
      }
    },
  };
}
