import type { Collection, Db } from 'mongodb';

/**
 * What notifications of unanswered messages need of a conversation: Meta's time of the latest outbound message
 * (an echo, or a `sent`/`delivered`/`read` status of a message to the customer), and per subscription the inbound
 * time of the last message it notified.
 */
export interface ConversationDoc {
  _id: string;
  lastOutboundAt: number;
  notified?: Record<string, number>;
}

export const conversationsOf = (db: Db) => db.collection<ConversationDoc>('conversations');

/**
 * Pure: notify about the inbound message of Meta time `inboundAt`, once its delay is over, unless an answer at or
 * after it is known (`answered`), or this subscription already notified an inbound message of the same unanswered
 * streak, i.e. one later than the last answer (`already_notified`): one notification per streak, not per message.
 */
export function decideNotification(inboundAt: number, conv: ConversationDoc | null, subscriptionId: string): 'notify' | 'answered' | 'already_notified' {
  const lastOutboundAt = conv?.lastOutboundAt ?? -1;
  if (lastOutboundAt >= inboundAt) return 'answered';
  const notified = conv?.notified?.[subscriptionId];
  if (notified !== undefined && notified > lastOutboundAt) return 'already_notified';
  return 'notify';
}

/** Folds answers in: `$max`, so any order and any repeat give the same document. */
export async function recordOutbound(conversations: Collection<ConversationDoc>, answers: { conversation: string; at: number }[]): Promise<void> {
  if (answers.length === 0) return;
  await conversations.bulkWrite(
    answers.map((a) => ({ updateOne: { filter: { _id: a.conversation }, update: { $max: { lastOutboundAt: a.at } }, upsert: true } })),
    { ordered: false },
  );
}

export async function recordNotified(
  conversations: Collection<ConversationDoc>,
  conversation: string,
  subscriptionId: string,
  inboundAt: number,
): Promise<void> {
  await conversations.updateOne(
    { _id: conversation },
    { $max: { [`notified.${subscriptionId}`]: inboundAt }, $setOnInsert: { lastOutboundAt: -1 } },
    { upsert: true },
  );
}
