import { aliasValue, type Alias } from '@wabus/events';
import type { IdentityLinks } from '@wabus/identity';
import { conversationId } from './conversation-state.ts';

/** Where one inbound message's conversation is kept, and every id its earlier states may be stored under. */
export interface ConversationOf {
  /** `<phoneNumberId>:<person id's value>`: the phone for a user known only by phone (as before persons). */
  id: string;
  phoneNumberId: string;
  customerId: string;
  /** Conversation ids of each of the person's aliases (states written before two ids were linked). */
  earlierIds: string[];
}

/**
 * The conversation of each inbound message: its ids linked in the identity map of its business number (as in
 * message-store), then its person named by the smallest alias. A business number's records are one partition, so
 * one writer at a time links and reads them.
 */
export async function conversationsOfMessages<W extends { phoneNumberId: string; aliases: Alias[] }>(
  identity: IdentityLinks,
  wrote: readonly W[],
): Promise<Map<W, ConversationOf>> {
  const sets = wrote.map((w) => ({ scope: w.phoneNumberId, aliases: w.aliases }));
  await identity.link(sets);
  const persons = await identity.resolve(sets);
  const out = new Map<W, ConversationOf>();
  for (const w of wrote) {
    const person = persons.get(w.phoneNumberId)?.get(w.aliases[0]!) ?? { id: w.aliases[0]!, aliases: w.aliases };
    const customerId = aliasValue(person.id);
    out.set(w, {
      id: conversationId(w.phoneNumberId, customerId),
      phoneNumberId: w.phoneNumberId,
      customerId,
      earlierIds: person.aliases.map((a) => conversationId(w.phoneNumberId, aliasValue(a))),
    });
  }
  return out;
}
