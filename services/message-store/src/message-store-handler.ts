import type { ServiceHandler } from '@wabus/consumer-service';
import { personAliases, type Alias, type WhatsAppEvent } from '@wabus/events';
import { createIdentityLinks, type AliasSet, type Person } from '@wabus/identity';
import { EventRejectedError, type BatchOutcome, type ConsumedRecord } from '@wabus/kafka';
import { projection } from '@wabus/projection';
import { conversationFactsOf, messageFactsOf, ownIds, planBatch } from './batch-plan.ts';
import type { MessageStoreCollections } from './collections.ts';
import { evolveConversation } from './evolve-conversation.ts';
import { evolveMessage } from './evolve-message.ts';
import { mergeConversations, type TouchedPerson } from './merge-conversations.ts';
import type { LogPosition } from './message-doc.ts';

/**
 * message-store's handler. A batch (one partition: one or more business numbers, in offset order) is:
 * 1. the messages projection (FIRST: that order keeps the counts exact across crashes,
 *    docs/consumers/message-store.md); an event that changed no message document is a duplicate (docs/projections.md);
 * 2. the identity map: every event's aliases linked per business number (statuses and echoes teach links too), then
 *    the persons of the batch's messages resolved (docs/identity.md);
 * 3. the conversations projection, per (business number, person);
 * 4. conversations of persons the batch showed to be one are merged.
 * Events other than messages and echoes store nothing but their links; a message that can never be stored is
 * rejected to the dead-letter topic.
 */
export interface MessageStoreHandlerOptions {
  /** Told of bodies whose links were refused (they would make a person of more than MAX_PERSON_ALIASES aliases). */
  onRefusedLinks?: (refused: AliasSet[]) => void;
}

export function createMessageStoreHandler(c: MessageStoreCollections, o: MessageStoreHandlerOptions = {}): ServiceHandler {
  const identity = createIdentityLinks(c.identityLinks);
  const messages = projection({ collection: c.messages, factsOf: messageFactsOf, evolve: evolveMessage });
  return {
    async handleBatch(records: ConsumedRecord<WhatsAppEvent>[]): Promise<BatchOutcome> {
      const plan = planBatch(records);
      const rejected = plan.rejected.map(({ offset, reason }) => ({ offset, error: new EventRejectedError(reason, { code: 'WABUS_MESSAGE_STORE_INVALID' }) }));
      const outcomes = await messages.apply(plan.accepted);

      const links = linkSets(records);
      const refused = await identity.link(links);
      if (refused.length > 0) o.onRefusedLinks?.(refused);
      const asked: AliasSet[] = [...links, ...plan.accepted.map((f) => ({ scope: f.conversation.phoneNumberId, aliases: f.conversation.aliases }))];
      const persons = asked.length === 0 ? new Map<string, Map<Alias, Person>>() : await identity.resolve(asked);
      const personOf = (scope: string, alias: Alias): Person => persons.get(scope)?.get(alias) ?? { id: alias, aliases: [alias] };

      if (plan.accepted.length > 0) {
        const firsts = await loadFirsts(c, ownIds(plan.accepted));
        await projection({ collection: c.conversations, factsOf: conversationFactsOf(firsts, personOf), evolve: evolveConversation }).apply(plan.accepted);
      }
      const partition = records[0]?.partition;
      if (partition !== undefined) await mergeConversations(c, partition, touchedPersons(asked, personOf));

      // A redelivery, replay or Meta retry changed no message document (its conversation fact may still move `through`).
      const duplicateOffsets = plan.accepted.filter((_, i) => outcomes[i] === 'duplicate').map((f) => String(f.conversation.at.o));
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
