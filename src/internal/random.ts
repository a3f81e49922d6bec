// Unguessable values (state, nonce, a device login's lineage, a page's id), from Web Crypto only.
import { TwitchAuthError } from './errors.js';

/**
 * 32 random bytes (256 bits, well above the 128 bits RFC 9700 asks of `state`) from
 * `crypto.getRandomValues`, as 64 lowercase hex digits. Used for `state`, `nonce`, device login lineages and page ids. Hex rather
 * than base64url: it needs no encoder, so an ordinary page ships none.
 *
 * @throws TwitchAuthError `environment_unsupported` when `crypto.getRandomValues` is missing
 *   (never a fallback to `Math.random`).
 * @example
 * ```ts
 * const state = randomToken(); // e.g. "9f86d081…" (64 hex digits)
 * ```
 */
export function randomToken(): string {
  const source = (globalThis as { crypto?: Partial<Crypto> }).crypto;
  if (typeof source?.getRandomValues !== 'function') {
    throw new TwitchAuthError(
      'environment_unsupported',
      'crypto.getRandomValues is unavailable, so no unguessable state can be made.',
    );
  }
  const bytes = new Uint8Array(32);
  source.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
