import { foldDocuments } from '@wabus/projection';
import { decodeEvent, personAliases, type Alias, type WhatsAppEvent } from '@wabus/events';
import { createIdentityLinks, type AliasSet, type Person } from '@wabus/identity';
import { EventRejectedError, type BatchOutcome, type ConsumedRecord, type ConsumerHandler } from '@wabus/kafka';
import { conversationFactsById, messageFactsById, ownIds, planBatch } from './batch-plan.ts';
import type { MessageStoreCollections } from './collections.ts';
import { evolveConversation } from './evolve-conversation.ts';
import { evolveMessage } from './evolve-message.ts';
import { mergeConversations, type TouchedPerson } from './merge-conversations.ts';
import type { LogPosition, MessageFact } from './message-doc.ts';

/**
 * message-store's handler. A batch (one partition: one or more business numbers, in offset order) is:
 * 1. the messages fold (FIRST: that order keeps the counts exact across crashes, docs/consumers/message-store.md);
 * 2. the identity map: every event's aliases linked per business number (statuses and echoes teach links too), then
 *    the persons of the batch's messages resolved (docs/identity.md);
 * 3. the conversations fold, per (business number, person);
 * 4. conversations of persons the batch showed to be one are merged.
 * Events other than messages and echoes store nothing but their links; a message that can never be stored is
 * rejected to the dead-letter topic.
 */
export interface MessageStoreHandlerOptions {
  /** Told of bodies whose links were refused (they would make a person of more than MAX_PERSON_ALIASES aliases). */
  onRefusedLinks?: (refused: AliasSet[]) => void;
}

export function createMessageStoreHandler(c: MessageStoreCollections, o: MessageStoreHandlerOptions = {}): ConsumerHandler<WhatsAppEvent> {
  const identity = createIdentityLinks(c.identityLinks);
  return {
    decode: (value) => decodeEvent(value),
    async handleBatch(records: ConsumedRecord<WhatsAppEvent>[]): Promise<BatchOutcome> {
      const plan = planBatch(records);
      const rejected = plan.rejected.map(({ offset, reason }) => ({ offset, error: new EventRejectedError(reason, { code: 'WABUS_MESSAGE_STORE_INVALID' }) }));

      const changed = new Set<MessageFact>();
      if (plan.accepted.length > 0) {
        await foldDocuments(c.messages, messageFactsById(plan.accepted), (doc, fact) => {
          const next = evolveMessage(doc, fact);
          if (next !== doc) changed.add(fact);
          return next;
        });
      }

      const links = linkSets(records);
      const refused = await identity.link(links);
      if (refused.length > 0) o.onRefusedLinks?.(refused);
      const asked: AliasSet[] = [...links, ...plan.accepted.map((f) => ({ scope: f.conversation.phoneNumberId, aliases: f.conversation.aliases }))];
      const persons = asked.length === 0 ? new Map<string, Map<Alias, Person>>() : await identity.resolve(asked);
      const personOf = (scope: string, alias: Alias): Person => persons.get(scope)?.get(alias) ?? { id: alias, aliases: [alias] };

      if (plan.accepted.length > 0) {
        const firsts = await loadFirsts(c, ownIds(plan.accepted));
        await foldDocuments(c.conversations, conversationFactsById(plan.accepted, firsts, personOf), evolveConversation);
      }
      const partition = records[0]?.partition;
      if (partition !== undefined) await mergeConversations(c, partition, touchedPersons(asked, personOf));

      // A duplicate (redelivery, replay, Meta retry) changed no message document.
      const duplicateOffsets = plan.accepted.filter((f) => !changed.has(f.own) && (f.update === null || !changed.has(f.update))).map((f) => String(f.conversation.at.o));
      return { rejected, duplicateOffsets };
    },
  };
}

/** Every event of the batch that names its user by two or more aliases, per business number: the links it teaches. */
function linkSets(records: readonly ConsumedRecord<WhatsAppEvent>[]): AliasSet[] {
  const sets: AliasSet[] = [];
  for (const r of records) {
    if (r.event.phoneNumberId === null) continue;
    const aliases = personAliases(r.event);
    if (aliases.length > 1) sets.push({ scope: r.event.phoneNumberId, aliases });
  }
  return sets;
}

/** The persons of the aliases asked about: each may have conversations to fold in (another alias's, or one filed under the raw id before persons existed). */
function touchedPersons(asked: readonly AliasSet[], personOf: (scope: string, alias: Alias) => Person): TouchedPerson[] {
  const out = new Map<string, TouchedPerson>();
  for (const { scope, aliases } of asked) {
    for (const a of aliases) {
      const person = personOf(scope, a);
      out.set(`${scope}\u0000${person.id}`, { phoneNumberId: scope, person });
    }
  }
  return [...out.values()];
}

/** `_sys.first` of the batch's messages, read after the messages write, so it reflects every offset up to the batch's last. */
async function loadFirsts(c: MessageStoreCollections, ids: string[]): Promise<Map<string, LogPosition | null>> {
  const docs = await c.messages.find({ _id: { $in: ids } }, { projection: { _sys: 1 } }).toArray();
  return new Map(docs.map((d) => [d._id, d._sys?.first ?? null]));
}
