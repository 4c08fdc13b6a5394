import { SimulatorError } from './errors.ts';

/** Inbound `messages[]` element, one per `type` (interactive split by its sub-type). */
export const MESSAGE_KINDS = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'button_reply',
  'list_reply',
  'nfm_reply',
  'button',
  'reaction',
  'order',
  'system',
  'revoke',
  'edit',
  'unsupported',
  'unknown_type',
] as const;

/** `statuses[]` element by `status` value. */
export const STATUS_KINDS = ['status_sent', 'status_delivered', 'status_read', 'status_played', 'status_failed'] as const;

/** One change each, with its own `field` (user_preferences carries metadata, the others `entry.time`). */
export const ACCOUNT_KINDS = ['account_update', 'template_status', 'phone_quality', 'user_preferences'] as const;

/** `echo`: `message_echoes[]` under field `smb_message_echoes`. `value_error`: a value-level `errors[]` element. */
export const OTHER_KINDS = ['echo', 'value_error'] as const;

export const KINDS = [...MESSAGE_KINDS, ...STATUS_KINDS, ...OTHER_KINDS, ...ACCOUNT_KINDS] as const;
export type KindName = (typeof KINDS)[number];
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export type StatusKind = (typeof STATUS_KINDS)[number];
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Group names accepted wherever kinds are: `message`, `status`, `account`, `all`. */
export const KIND_ALIASES: Readonly<Record<string, readonly KindName[]>> = {
  message: MESSAGE_KINDS,
  status: STATUS_KINDS,
  account: ACCOUNT_KINDS,
  all: KINDS,
};

/**
 * Relative frequency in the default (`realistic`) mix: statuses dominate real traffic (up to four per outbound
 * message), text dominates inbound, account-level changes are rare.
 */
export const KIND_WEIGHTS: Readonly<Record<KindName, number>> = {
  text: 30,
  image: 4,
  video: 1,
  audio: 3,
  document: 1,
  sticker: 1,
  location: 1,
  contacts: 0.5,
  button_reply: 3,
  list_reply: 2,
  nfm_reply: 0.5,
  button: 2,
  reaction: 2,
  order: 0.3,
  system: 0.1,
  revoke: 0.3,
  edit: 0.3,
  unsupported: 0.3,
  unknown_type: 0.1,
  status_sent: 20,
  status_delivered: 20,
  status_read: 15,
  status_played: 1,
  status_failed: 1.5,
  echo: 2,
  value_error: 0.1,
  account_update: 0.1,
  template_status: 0.1,
  phone_quality: 0.1,
  user_preferences: 0.2,
};

export const isKindName = (value: string): value is KindName => (KINDS as readonly string[]).includes(value);

/** Expands aliases and removes repeats, keeping first-mention order; throws WABUS_SIM_UNKNOWN_KIND on a typo. */
export function expandKinds(names: readonly string[] | undefined): KindName[] {
  if (names === undefined || names.length === 0) return [...KINDS];
  const out = new Set<KindName>();
  for (const raw of names) {
    const name = raw.trim();
    const alias = KIND_ALIASES[name];
    if (alias) alias.forEach((k) => out.add(k));
    else if (isKindName(name)) out.add(name);
    else
      throw new SimulatorError('WABUS_SIM_UNKNOWN_KIND', { message: `unknown kind "${name}"; known: ${[...Object.keys(KIND_ALIASES), ...KINDS].join(', ')}` });
  }
  return [...out];
}
