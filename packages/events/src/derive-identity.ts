import { customerIdentity, NO_IDENTITY, type CustomerIdentity } from './customer-identity.ts';
import { asObject } from './json-read.ts';
import { parseJsonSpans } from './json-spans.ts';
import type { WhatsAppEvent } from './whatsapp-event.ts';

/**
 * The user's identifiers read again from an event's own bytes (`raw`, `contact`): what ingress puts in the v2
 * fields, for records written before them (v1). The same function over the same bytes, so a replay of old records
 * sees the identifiers a new record of the same body would carry.
 */
export function deriveIdentity(event: Pick<WhatsAppEvent, 'kind' | 'raw' | 'contact'>): CustomerIdentity {
  try {
    const item = asObject(parseJsonSpans(event.raw));
    if (item === null) return NO_IDENTITY;
    const contact = event.contact === null ? null : asObject(parseJsonSpans(event.contact));
    return customerIdentity(event.kind, item, contact, event.kind === 'change' ? item : null);
  } catch {
    // Bytes that ingress accepted always parse; anything else has no identity to offer.
    return NO_IDENTITY;
  }
}
