/**
 * Every scope Twitch documents (dev.twitch.tv/docs/authentication/scopes), with what it grants.
 * This one table feeds the {@link TwitchScope} type and the run-time check of `scopes`.
 *
 * @example
 * ```ts
 * console.log(TWITCH_SCOPES['user:read:email']); // "Read the user's email ..."
 * ```
 */
export const TWITCH_SCOPES = {
  'analytics:read:extensions': 'Read analytics for Extensions the user owns',
  'analytics:read:games': 'Read analytics for games the user owns',
  'bits:read': 'Read Bits leaderboard/usage, cheers, power-ups for a channel',
  'channel:bot': 'Let an app\'s bot account join the channel\'s chat and act there (Send Chat Message, chat EventSub)',
  'channel:manage:ads': 'Snooze the next ad',
  'channel:read:ads': 'Read the ad schedule; ad-break events',
  'channel:manage:broadcast': 'Edit channel info (title, category, tags) and create stream markers',
  'channel:read:charity': 'Read charity campaigns and donations',
  'channel:manage:clips': 'Manage the channel\'s clips (create from VOD, download)',
  'channel:edit:commercial': 'Start a commercial',
  'channel:read:editors': 'List channel editors',
  'channel:manage:extensions': 'Manage installed/active Extensions',
  'channel:read:goals': 'Read creator goals',
  'channel:read:guest_star': 'Read Guest Star settings/sessions/invites',
  'channel:manage:guest_star': 'Manage Guest Star for the channel',
  'channel:read:hype_train': 'Read Hype Train status/events',
  'channel:manage:moderators': 'Add/remove moderators',
  'channel:read:polls': 'Read polls',
  'channel:manage:polls': 'Create/end polls',
  'channel:read:predictions': 'Read predictions',
  'channel:manage:predictions': 'Create/lock/end predictions',
  'channel:manage:raids': 'Start/cancel raids',
  'channel:read:redemptions': 'Read Channel Points rewards and redemptions',
  'channel:manage:redemptions': 'Manage Channel Points rewards and redemptions',
  'channel:manage:schedule': 'Edit the stream schedule',
  'channel:read:stream_key': 'Read the stream key',
  'channel:read:subscriptions': 'List subscribers / check a user\'s subscription to the channel',
  'channel:manage:videos': 'Delete videos',
  'channel:read:vips': 'List VIPs',
  'channel:manage:vips': 'Add/remove VIPs',
  'channel:moderate': 'Moderation actions; ban/unban EventSub',
  'clips:edit': 'Create clips',
  'editor:manage:clips': 'Manage clips as a channel editor',
  'moderation:read': 'Read moderators, bans, AutoMod status',
  'moderator:manage:announcements': 'Send chat announcements where the user moderates',
  'moderator:manage:automod': 'Approve/deny AutoMod-held messages',
  'moderator:read:automod_settings': 'Read AutoMod settings',
  'moderator:manage:automod_settings': 'Change AutoMod settings',
  'moderator:read:banned_users': 'Read bans/unbans where the user moderates',
  'moderator:manage:banned_users': 'Ban/unban users',
  'moderator:read:blocked_terms': 'Read blocked terms',
  'moderator:manage:blocked_terms': 'Add/remove blocked terms',
  'moderator:read:chat_messages': 'Read deleted and pinned chat messages',
  'moderator:manage:chat_messages': 'Delete messages; pin/unpin messages',
  'moderator:read:chat_settings': 'Read chat settings',
  'moderator:manage:chat_settings': 'Change chat settings',
  'moderator:read:chatters': 'List chatters',
  'moderator:read:followers': 'Read a broadcaster\'s followers',
  'moderator:read:guest_star': 'Read Guest Star details as a Guest Star moderator',
  'moderator:manage:guest_star': 'Manage Guest Star as a Guest Star moderator',
  'moderator:read:moderators': 'Read moderator list where the user moderates',
  'moderator:read:shield_mode': 'Read Shield Mode status',
  'moderator:manage:shield_mode': 'Change Shield Mode status',
  'moderator:read:shoutouts': 'Read shoutout events',
  'moderator:manage:shoutouts': 'Send shoutouts',
  'moderator:read:suspicious_users': 'Read suspicious-user messages/flags',
  'moderator:manage:suspicious_users': 'Add/remove suspicious status',
  'moderator:read:unban_requests': 'Read unban requests',
  'moderator:manage:unban_requests': 'Resolve unban requests',
  'moderator:read:vips': 'Read VIP list where the user moderates',
  'moderator:read:warnings': 'Read warnings',
  'moderator:manage:warnings': 'Warn users',
  'user:bot': 'Let the user\'s account appear as a bot in a chat and act there',
  'user:edit': 'Update the user object (e.g. description)',
  'user:edit:broadcast': 'View/edit broadcasting and Extension configuration',
  'user:read:blocked_users': 'Read the user\'s block list',
  'user:manage:blocked_users': 'Block/unblock users',
  'user:read:broadcast': 'Read broadcast config, stream markers, Extensions',
  'user:read:chat': 'Receive chat messages/notifications via EventSub',
  'user:manage:chat_color': 'Change the user\'s chat name colour',
  'user:read:email': 'Read the user\'s email (Get Users email, OIDC email/email_verified)',
  'user:read:emotes': 'Read emotes available to the user',
  'user:read:follows': 'Read channels/streams the user follows',
  'user:read:moderated_channels': 'List channels the user moderates',
  'user:read:subscriptions': 'Check the user\'s subscriptions to channels',
  'user:read:whispers': 'Receive whispers (EventSub)',
  'user:manage:whispers': 'Receive and send whispers',
  'user:write:chat': 'Send chat messages via the API',
  'chat:edit': 'Send chat messages over IRC',
  'chat:read': 'Read chat messages over IRC',
  'whispers:read': 'Receive whispers via PubSub (PubSub itself has been retired by Twitch — **(unverified)**)',
  'openid': 'Enables OIDC (ID token, userinfo); required for id_token',
} as const;

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
export type TwitchScope = keyof typeof TWITCH_SCOPES;

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
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TWITCH_SCOPES, value);
}
