// A BroadcastChannel stand-in for tabs of one test browser: one bus per name, each message
// delivered asynchronously (a timer) to every other open instance, never to its sender.

export interface ChannelBus {
  /** Pass as `Channel` in a tab's refresh page. */
  readonly Channel: typeof BroadcastChannel;
  /** How many instances are open now, per name. */
  open(name: string): number;
}

export function createChannelBus(): ChannelBus {
  const members = new Map<string, Set<TestChannel>>();
  class TestChannel {
    onmessage: ((event: MessageEvent<unknown>) => void) | null = null;
    constructor(readonly name: string) {
      const set = members.get(name) ?? new Set<TestChannel>();
      set.add(this);
      members.set(name, set);
    }
    postMessage(data: unknown): void {
      const copy: unknown = structuredClone(data);
      for (const other of members.get(this.name) ?? []) {
        if (other === this) continue;
        setTimeout(() => {
          if (members.get(this.name)?.has(other) === true)
            other.onmessage?.({ data: copy } as MessageEvent<unknown>);
        }, 0);
      }
    }
    close(): void {
      members.get(this.name)?.delete(this);
    }
  }
  return {
    Channel: TestChannel as unknown as typeof BroadcastChannel,
    open: (name) => members.get(name)?.size ?? 0,
  };
}
