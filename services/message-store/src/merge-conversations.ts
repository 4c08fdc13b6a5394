import { contentHash } from '@wabus/projection';
import { aliasValue, type Alias } from '@wabus/events';
import type { Person } from '@wabus/identity';
import type { MessageStoreCollections } from './collections.ts';
import { conversationId } from './evolve-conversation.ts';
import type { ConversationDoc } from './message-doc.ts';
import { rebuildConversation, type MessageSummary } from './rebuild-conversation.ts';

/** A person as a batch touched it, at one business number. */
export interface TouchedPerson {
  phoneNumberId: string;
  person: Person;
}

/**
 * Where a person's conversation might still sit under another id: under each of its other aliases (a person that
 * was two until a body linked them), and under the raw identifier (`<number>:<wa_id>`, the id before persons).
 */
function staleIds(t: TouchedPerson): string[] {
  const own = conversationId(t.phoneNumberId, t.person.id);
  const ids = new Set<string>();
  for (const a of t.person.aliases) {
    ids.add(conversationId(t.phoneNumberId, a));
    ids.add(conversationId(t.phoneNumberId, aliasValue(a as Alias)));
  }
  ids.delete(own);
  return [...ids];
}

/**
 * Folds the conversations of persons a body has just shown to be one into the conversation of the merged person,
 * and removes the others (docs/identity.md). Runs for every person a batch touched, so a crash between the rebuild and
 * the removal is mended when the redelivered batch touches the person again: a stale conversation is found again, and
 * the rebuild from the messages is the same. Returns how many conversations were folded away.
 */
export async function mergeConversations(c: MessageStoreCollections, partition: number, touched: readonly TouchedPerson[]): Promise<number> {
  const candidates = new Map<string, TouchedPerson>();
  for (const t of touched) for (const id of staleIds(t)) candidates.set(id, t);
  if (candidates.size === 0) return 0;
  const stale = await c.conversations.find({ _id: { $in: [...candidates.keys()] } }).toArray();
  if (stale.length === 0) return 0;

  const byPerson = new Map<string, { t: TouchedPerson; docs: ConversationDoc[] }>();
  for (const doc of stale) {
    const t = candidates.get(doc._id)!;
    const key = conversationId(t.phoneNumberId, t.person.id);
    const entry = byPerson.get(key) ?? { t, docs: [] };
    entry.docs.push(doc);
    byPerson.set(key, entry);
  }
  for (const [id, { t, docs }] of byPerson) {
    const survivor = await c.conversations.findOne({ _id: id });
    const values = t.person.aliases.map((a) => aliasValue(a as Alias));
    const messages = (await c.messages
      .find(
        { phoneNumberId: t.phoneNumberId, customerId: { $in: values }, received: true },
        { projection: { _id: 1, direction: 1, type: 1, timestamp: 1, profileName: 1, tenantId: 1 } },
      )
      .toArray()) as MessageSummary[];
    const rebuilt = rebuildConversation({
      partition,
      phoneNumberId: t.phoneNumberId,
      personId: t.person.id,
      aliases: t.person.aliases,
      messages,
      merged: survivor === null ? docs : [survivor, ...docs],
    });
    await c.conversations.replaceOne({ _id: id }, { ...rebuilt, _h: contentHash(rebuilt) }, { upsert: true });
    await c.conversations.deleteMany({ _id: { $in: docs.map((d) => d._id) } });
  }
  return stale.length;
}
