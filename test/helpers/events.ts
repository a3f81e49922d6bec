import type { TwitchAuth, TwitchAuthEvents } from '../../src/index';

/** Every event of each kind a client emits from now on, in order. */
export type RecordedEvents = { [K in keyof TwitchAuthEvents]: TwitchAuthEvents[K][] };

/** Subscribes to every event of `auth` and collects the payloads by event name. */
export function recordEvents(auth: TwitchAuth): RecordedEvents {
  const events = { login: [], logout: [], expiring: [], error: [], change: [] } as RecordedEvents;
  for (const name of Object.keys(events) as (keyof TwitchAuthEvents)[]) {
    auth.on(name, (payload) => (events[name] as unknown[]).push(payload));
  }
  return events;
}
