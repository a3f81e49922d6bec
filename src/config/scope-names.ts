/**
 * Every scope Twitch documents (dev.twitch.tv/docs/authentication/scopes): the list the
 * {@link TwitchScope} type and {@link isTwitchScope} come from (`createTwitchAuth` checks scope
 * syntax only). Kept apart from the descriptions in `scopes.ts` so that an app that never shows
 * them does not ship them.
 *
 * @example
 * ```ts
 * TWITCH_SCOPE_NAMES.includes('chat:read'); // true
 * ```
 */
export const TWITCH_SCOPE_NAMES = [
  'analytics:read:extensions',
  'analytics:read:games',
  'bits:read',
  'channel:bot',
  'channel:manage:ads',
  'channel:read:ads',
  'channel:manage:broadcast',
  'channel:read:charity',
  'channel:manage:clips',
  'channel:edit:commercial',
  'channel:read:editors',
  'channel:manage:extensions',
  'channel:read:goals',
  'channel:read:guest_star',
  'channel:manage:guest_star',
  'channel:read:hype_train',
  'channel:manage:moderators',
  'channel:read:polls',
  'channel:manage:polls',
  'channel:read:predictions',
  'channel:manage:predictions',
  'channel:manage:raids',
  'channel:read:redemptions',
  'channel:manage:redemptions',
  'channel:manage:schedule',
  'channel:read:stream_key',
  'channel:read:subscriptions',
  'channel:manage:videos',
  'channel:read:vips',
  'channel:manage:vips',
  'channel:moderate',
  'clips:edit',
  'editor:manage:clips',
  'moderation:read',
  'moderator:manage:announcements',
  'moderator:manage:automod',
  'moderator:read:automod_settings',
  'moderator:manage:automod_settings',
  'moderator:read:banned_users',
  'moderator:manage:banned_users',
  'moderator:read:blocked_terms',
  'moderator:manage:blocked_terms',
  'moderator:read:chat_messages',
  'moderator:manage:chat_messages',
  'moderator:read:chat_settings',
  'moderator:manage:chat_settings',
  'moderator:read:chatters',
  'moderator:read:followers',
  'moderator:read:guest_star',
  'moderator:manage:guest_star',
  'moderator:read:moderators',
  'moderator:read:shield_mode',
  'moderator:manage:shield_mode',
  'moderator:read:shoutouts',
  'moderator:manage:shoutouts',
  'moderator:read:suspicious_users',
  'moderator:manage:suspicious_users',
  'moderator:read:unban_requests',
  'moderator:manage:unban_requests',
  'moderator:read:vips',
  'moderator:read:warnings',
  'moderator:manage:warnings',
  'user:bot',
  'user:edit',
  'user:edit:broadcast',
  'user:read:blocked_users',
  'user:manage:blocked_users',
  'user:read:broadcast',
  'user:read:chat',
  'user:manage:chat_color',
  'user:read:email',
  'user:read:emotes',
  'user:read:follows',
  'user:read:moderated_channels',
  'user:read:subscriptions',
  'user:read:whispers',
  'user:manage:whispers',
  'user:write:chat',
  'chat:edit',
  'chat:read',
  'whispers:read',
  'openid',
] as const;

/**
 * A Twitch OAuth scope. A typo is a compile error:
 *
 * @example
 * ```ts
 * const scopes: TwitchScope[] = ['user:read:email', 'chat:read'];
 * // @ts-expect-error: not a Twitch scope
 * const typo: TwitchScope = 'user:read:emial';
 * ```
 */
export type TwitchScope = (typeof TWITCH_SCOPE_NAMES)[number];

const KNOWN: ReadonlySet<string> = new Set(TWITCH_SCOPE_NAMES);

/**
 * True when `value` is a scope Twitch documents.
 *
 * @example
 * ```ts
 * isTwitchScope('chat:read'); // true
 * isTwitchScope('user_read'); // false (a removed v5 scope)
 * ```
 */
export function isTwitchScope(value: unknown): value is TwitchScope {
  return typeof value === 'string' && KNOWN.has(value);
}
