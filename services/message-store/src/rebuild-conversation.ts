import { buildConversationDoc, compareNameAt, earliest, latest } from './evolve-conversation.ts';
import type { ConversationDoc, LogPosition, MessageDoc } from './message-doc.ts';

/** What a rebuild reads of each message of the person. */
export type MessageSummary = Pick<MessageDoc, '_id' | 'direction' | 'type' | 'timestamp' | 'profileName' | 'tenantId'>;

/**
 * A conversation as the fold would have built it from every message of the person, in any order: what replaces the
 * conversations of two persons a body has just shown to be one (docs/identity.md). Pure. The counts are the messages
 * by direction (each message is counted once, wherever it was filed); times, name and window as in
 * evolveConversation; `through` the highest position of this partition any of the merged documents had folded.
 */
export function rebuildConversation(o: {
  /** The partition of the batch: `through` is a position in it (a document from before the key change may hold another). */
  partition: number;
  phoneNumberId: string;
  personId: string;
  aliases: readonly string[];
  messages: readonly MessageSummary[];
  merged: readonly ConversationDoc[];
}): ConversationDoc {
  let firstInboundAt: Date | null = null;
  let lastInboundAt: Date | null = null;
  let profileName: string | null = null;
  let profileNameAt: ConversationDoc['profileNameAt'] = null;
  const counts = { inbound: 0, outbound: 0 };
  for (const m of o.messages) {
    if (m.direction === null) continue;
    counts[m.direction] += 1;
    if (m.direction === 'inbound' && m.type !== 'system' && m.timestamp !== null) {
      firstInboundAt = earliest(firstInboundAt, m.timestamp);
      lastInboundAt = latest(lastInboundAt, m.timestamp);
    }
    const at = { timestamp: m.timestamp, wamid: m._id };
    if (m.profileName !== null && (profileNameAt === null || compareNameAt(at, profileNameAt) > 0)) {
      profileName = m.profileName;
      profileNameAt = at;
    }
  }
  let through: LogPosition | null = null;
  for (const d of o.merged) if (d._sys.through.p === o.partition && (through === null || d._sys.through.o > through.o)) through = d._sys.through;
  const aliases = new Set(o.aliases);
  for (const d of o.merged) for (const a of d.aliases ?? []) aliases.add(a);
  return buildConversationDoc({
    tenantId: o.merged.find((d) => d.tenantId != null)?.tenantId ?? o.messages.find((m) => m.tenantId != null)?.tenantId ?? null,
    phoneNumberId: o.phoneNumberId,
    personId: o.personId,
    aliases: [...aliases].sort(),
    profileName,
    profileNameAt,
    firstInboundAt,
    lastInboundAt,
    counts,
    through: through ?? { p: o.partition, o: -1 },
  });
}
