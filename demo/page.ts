// What the demo pages share: finding their elements and writing the event log.
import type { TwitchAuthEvents } from '../src/index';

/** The element with this id; a missing one is a bug in the page. */
export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing`);
  return element as T;
};

/** Adds a line to the page's event log (newest first). */
export function log(name: keyof TwitchAuthEvents | 'info', detail: string): void {
  const item = document.createElement('li');
  item.dataset['event'] = name;
  item.textContent = `${new Date().toLocaleTimeString()}  ${name}  ${detail}`;
  $('event-log').prepend(item);
}
