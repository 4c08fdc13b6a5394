import {
  bsuidAlias,
  isBusinessScopedId,
  parseItem,
  parseJsonValue,
  personAliases,
  phoneAlias,
  type Alias,
  type ParsedMessage,
  type WhatsAppEvent,
} from '@wabus/events';
import type { ConversationFact, LogPosition, MessageFact, OwnMessage } from './message-doc.ts';
import { dateOfSeconds, storableContent } from './storable.ts';

type OwnFact = Extract<MessageFact, { kind: 'own' }>;

/** What one message or echo event contributes: its own document, its target's, and its conversation's. */
export interface EventFacts {
  own: OwnFact;
  /** The reaction / edit / revoke it applies to another message, if it is one and names its target. */
  update: Exclude<MessageFact, OwnFact> | null;
  /**
   * The conversation input, before the handler knows whether this is the message's first occurrence and which
   * person its aliases belong to.
   */
  conversation: Omit<ConversationFact, 'first' | 'personId' | 'aliases'> & { customerId: string; aliases: Alias[] };
}

export type FactsResult = { ok: true; facts: EventFacts } | { ok: false; reason: string };

/** Events message-store reads; statuses, value-level errors and account changes are someone else's. */
export const isMessageEvent = (event: Pick<WhatsAppEvent, 'kind'>): boolean => event.kind === 'message' || event.kind === 'message_echo';

/**
 * The pure reading of a message or echo event at a log position. Fails (for the dead-letter topic) only when the
 * message can never be stored: no wamid, or no business number or customer to file it under.
 */
export function messageFacts(event: WhatsAppEvent, at: LogPosition): FactsResult {
  const parsed = parseItem(event);
  if (parsed.kind !== 'message' && parsed.kind !== 'message_echo') return { ok: false, reason: `event kind ${event.kind} is not a message` };
  const m = parsed.message;
  const wamid = m.id ?? event.itemId;
  if (wamid === null || wamid === '') return { ok: false, reason: 'message has no id (wamid)' };
  if (event.phoneNumberId === null) return { ok: false, reason: `message ${wamid} has no business phone_number_id` };
  if (event.customerId === null) return { ok: false, reason: `message ${wamid} names no customer (from / to / contacts)` };

  const direction = parsed.kind === 'message' ? 'inbound' : 'outbound';
  const timestamp = dateOfSeconds(m.timestamp ?? event.metaTimestamp);
  const message: OwnMessage = {
    direction,
    tenantId: event.tenantId,
    phoneNumberId: event.phoneNumberId,
    displayPhoneNumber: event.displayPhoneNumber,
    customerId: event.customerId,
    profileName: profileName(event.contact),
    username: event.customerUsername,
    from: m.from,
    fromUserId: m.fromUserId,
    to: m.to,
    toUserId: m.toUserId,
    timestamp,
    receivedAt: new Date(event.receivedAt),
    content: storableContent(contentOf(m)),
    context: m.context,
    referral: m.referral,
    identity: m.identity,
    errors: m.errors,
    raw: event.raw.toString('utf8'),
  };
  const sender = m.from ?? m.fromUserId ?? (direction === 'inbound' ? event.customerId : null);
  return {
    ok: true,
    facts: {
      own: { kind: 'own', wamid, at, message },
      update: updateOf(m, wamid, sender, timestamp),
      conversation: {
        at,
        wamid,
        tenantId: event.tenantId,
        phoneNumberId: event.phoneNumberId,
        customerId: event.customerId,
        aliases: aliasesOf(event),
        direction,
        type: m.type,
        timestamp,
        profileName: message.profileName,
      },
    },
  };
}

function updateOf(m: ParsedMessage, wamid: string, from: string | null, timestamp: Date | null): EventFacts['update'] {
  switch (m.type) {
    case 'reaction':
      return m.reaction.messageId === null
        ? null
        : { kind: 'reaction', target: m.reaction.messageId, update: { wamid, from, emoji: m.reaction.emoji, timestamp } };
    case 'edit': {
      if (m.edit.originalMessageId === null) return null;
      const content = m.edit.message === null ? null : storableContent(m.edit.message);
      return { kind: 'edit', target: m.edit.originalMessageId, update: { wamid, timestamp, content } };
    }
    case 'revoke':
      return m.revoke.originalMessageId === null ? null : { kind: 'revoke', target: m.revoke.originalMessageId, update: { wamid, timestamp } };
    default:
      return null;
  }
}

/** Only the content part of a parsed message: `type` and the key of the same name. */
function contentOf(m: ParsedMessage): OwnMessage['content'] {
  switch (m.type) {
    case 'text':
      return { type: m.type, text: m.text };
    case 'image':
      return { type: m.type, image: m.image };
    case 'video':
      return { type: m.type, video: m.video };
    case 'audio':
      return { type: m.type, audio: m.audio };
    case 'document':
      return { type: m.type, document: m.document };
    case 'sticker':
      return { type: m.type, sticker: m.sticker };
    case 'location':
      return { type: m.type, location: m.location };
    case 'contacts':
      return { type: m.type, contacts: m.contacts };
    case 'interactive':
      return { type: m.type, interactive: m.interactive };
    case 'button':
      return { type: m.type, button: m.button };
    case 'reaction':
      return { type: m.type, reaction: m.reaction };
    case 'order':
      return { type: m.type, order: m.order };
    case 'system':
      return { type: m.type, system: m.system };
    case 'revoke':
      return { type: m.type, revoke: m.revoke };
    case 'edit':
      return { type: m.type, edit: m.edit };
    case 'unsupported':
      return { type: m.type, unsupported: m.unsupported };
    case 'unknown':
      return { type: m.type, unknown: m.unknown };
    default: {
      const never: never = m;
      throw new Error(`unhandled message type ${String((never as { type?: unknown }).type)}`);
    }
  }
}

/** `contacts[].profile.name` from the contact's exact bytes; null when absent or unreadable. */
function profileName(contact: Buffer | null): string | null {
  if (contact === null) return null;
  try {
    const c = parseJsonValue(contact);
    const profile = typeof c === 'object' && c !== null && !Array.isArray(c) ? c['profile'] : null;
    const name = typeof profile === 'object' && profile !== null && !Array.isArray(profile) ? profile['name'] : null;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

/**
 * The aliases a message names for its customer (docs/identity.md); at least the one it is filed under, so a
 * message always has a person.
 */
export function aliasesOf(event: WhatsAppEvent): Alias[] {
  const aliases = personAliases(event);
  if (event.customerId === null) return aliases;
  const own = isBusinessScopedId(event.customerId) ? bsuidAlias(event.customerId) : phoneAlias(event.customerId);
  return aliases.includes(own) ? aliases : [...aliases, own].sort();
}
