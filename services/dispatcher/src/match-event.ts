import { parseItem, type MessageContent, type WhatsAppEvent } from '@wabus/events';
import type { EventFilter } from './subscription.ts';

/** What a filter looks at, read once per event (the item is parsed once whatever the number of subscriptions). */
export interface EventFacts {
  kind: WhatsAppEvent['kind'];
  phoneNumberId: string | null;
  tenantId: string | null;
  /** Message or echo type (`text`, `image`…); null for other kinds. */
  messageType: string | null;
  /** The words a person typed or tapped, as written; null when the item has none. */
  text: string | null;
}

/** The words of a message a keyword can be looked for in. */
function textOf(c: MessageContent): string | null {
  switch (c.type) {
    case 'text':
      return c.text.body;
    case 'button':
      return c.button.text;
    case 'interactive':
      return c.interactive.type === 'button_reply' || c.interactive.type === 'list_reply' ? c.interactive.title : null;
    case 'image':
      return c.image.caption;
    default:
      return null;
  }
}

export function factsOfEvent(event: WhatsAppEvent): EventFacts {
  const base = { kind: event.kind, phoneNumberId: event.phoneNumberId, tenantId: event.tenantId };
  if (event.kind !== 'message' && event.kind !== 'message_echo') return { ...base, messageType: null, text: null };
  const item = parseItem(event);
  const text = item.kind === 'message' || item.kind === 'message_echo' ? textOf(item.message) : null;
  return { ...base, messageType: event.itemType, text };
}

/** Pure: does the event pass the filter? */
export function matchesFilter(filter: EventFilter, e: EventFacts): boolean {
  const any = <T>(list: readonly T[], v: T | null) => list.length === 0 || (v !== null && list.includes(v));
  return (
    any(filter.kinds, e.kind) &&
    any(filter.phoneNumberIds, e.phoneNumberId) &&
    any(filter.tenants, e.tenantId) &&
    any(filter.messageTypes, e.messageType) &&
    (filter.keywords.length === 0 || (e.text !== null && filter.keywords.some((k) => e.text!.toLowerCase().includes(k))))
  );
}
