import type { LogPosition, MessageDoc, MessageFact, MessageUpdates, OwnMessage, ReactionUpdate } from './message-doc.ts';

const NO_UPDATES: MessageUpdates = { reactions: [], edits: [], revokes: [] };

/** Log positions in log order (partition first: positions of different partitions only meet after a repartition). */
export const comparePositions = (a: LogPosition, b: LogPosition): number => a.p - b.p || a.o - b.o;

/**
 * The messages fold. Pure, idempotent (a fact already reflected returns `current` itself) and order-independent:
 * the document is a function of the SET of facts folded into it, whatever their order:
 * - own content comes from the occurrence with the smallest log position (a Meta retry later in the log changes
 *   nothing; `_sys.first` remembers which occurrence that is, for the conversation counts);
 * - updates are sets keyed by their own wamid, kept sorted by (timestamp, wamid), and everything shown
 *   (current reaction per reactor, content after edits, revoked) is derived from those sets.
 */
export function evolveMessage(current: MessageDoc | null, fact: MessageFact): MessageDoc {
  const updates = current?.updates ?? NO_UPDATES;
  switch (fact.kind) {
    case 'own': {
      const first = current?._sys.first ?? null;
      if (current !== null && first !== null && comparePositions(first, fact.at) <= 0) return current;
      return buildMessageDoc(fact.wamid, fact.message, updates, fact.at);
    }
    case 'reaction':
      if (current !== null && updates.reactions.some((u) => u.wamid === fact.update.wamid)) return current;
      return withUpdates(current, fact.target, { ...updates, reactions: insertSorted(updates.reactions, fact.update) });
    case 'edit':
      if (current !== null && updates.edits.some((u) => u.wamid === fact.update.wamid)) return current;
      return withUpdates(current, fact.target, { ...updates, edits: insertSorted(updates.edits, fact.update) });
    case 'revoke':
      if (current !== null && updates.revokes.some((u) => u.wamid === fact.update.wamid)) return current;
      return withUpdates(current, fact.target, { ...updates, revokes: insertSorted(updates.revokes, fact.update) });
    default: {
      const never: never = fact;
      throw new Error(`unhandled fact ${JSON.stringify(never)}`);
    }
  }
}

/** A received document with new updates, or a placeholder holding only them until its message arrives. */
function withUpdates(current: MessageDoc | null, id: string, updates: MessageUpdates): MessageDoc {
  const own = current === null ? null : ownOf(current);
  return buildMessageDoc(id, own, updates, own === null ? null : (current?._sys.first ?? null));
}

/** The own part of a stored document (null for a placeholder): rebuilt, never spread, so the key order is the builder's. */
function ownOf(doc: MessageDoc): OwnMessage | null {
  if (
    !doc.received ||
    doc.content === null ||
    doc.direction === null ||
    doc.phoneNumberId === null ||
    doc.customerId === null ||
    doc.receivedAt === null ||
    doc.raw === null
  )
    return null;
  return {
    direction: doc.direction,
    tenantId: doc.tenantId,
    phoneNumberId: doc.phoneNumberId,
    displayPhoneNumber: doc.displayPhoneNumber,
    customerId: doc.customerId,
    profileName: doc.profileName,
    username: doc.username,
    from: doc.from,
    fromUserId: doc.fromUserId,
    to: doc.to,
    toUserId: doc.toUserId,
    timestamp: doc.timestamp,
    receivedAt: doc.receivedAt,
    content: doc.content,
    context: doc.context,
    referral: doc.referral,
    identity: doc.identity,
    errors: doc.errors,
    raw: doc.raw,
  };
}

/**
 * The one place a message document is laid out. Always the same key order for the same content: the content hash
 * (`_h`) of two documents is equal exactly when their content is.
 */
export function buildMessageDoc(id: string, own: OwnMessage | null, updates: MessageUpdates, first: LogPosition | null): MessageDoc {
  return {
    _id: id,
    received: own !== null,
    direction: own?.direction ?? null,
    type: own?.content.type ?? null,
    content: own?.content ?? null,
    tenantId: own?.tenantId ?? null,
    phoneNumberId: own?.phoneNumberId ?? null,
    displayPhoneNumber: own?.displayPhoneNumber ?? null,
    customerId: own?.customerId ?? null,
    profileName: own?.profileName ?? null,
    username: own?.username ?? null,
    from: own?.from ?? null,
    fromUserId: own?.fromUserId ?? null,
    to: own?.to ?? null,
    toUserId: own?.toUserId ?? null,
    timestamp: own?.timestamp ?? null,
    receivedAt: own?.receivedAt ?? null,
    context: own?.context ?? null,
    referral: own?.referral ?? null,
    identity: own?.identity ?? null,
    errors: own?.errors ?? [],
    ...derived(updates),
    updates,
    raw: own?.raw ?? null,
    _sys: { first },
  };
}

function derived(updates: MessageUpdates): Pick<MessageDoc, 'reactions' | 'current' | 'edited' | 'revoked'> {
  const latestByReactor = new Map<string | null, ReactionUpdate>();
  for (const r of updates.reactions) latestByReactor.set(r.from, r); // sorted: the last one is the latest
  const reactions = [...latestByReactor.values()].filter((r) => r.emoji !== null).sort((a, b) => compareText(a.from ?? '', b.from ?? ''));
  const lastEdit = updates.edits.findLast((e) => e.content !== null);
  return {
    reactions,
    current: lastEdit?.content ?? null,
    edited: updates.edits.length > 0,
    revoked: updates.revokes.length > 0,
  };
}

interface Ordered {
  wamid: string;
  timestamp: Date | null;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** (timestamp, wamid): Meta's time first, the wamid breaks ties so the order never depends on arrival. */
const compareUpdates = (a: Ordered, b: Ordered): number =>
  (a.timestamp?.getTime() ?? -Infinity) - (b.timestamp?.getTime() ?? -Infinity) || compareText(a.wamid, b.wamid);

function insertSorted<T extends Ordered>(list: readonly T[], item: T): T[] {
  const out = [...list, item];
  out.sort(compareUpdates);
  return out;
}
