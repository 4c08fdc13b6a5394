import type { Collection } from 'mongodb';
import type { Producer } from '@wabus/kafka';
import { sendEventOf } from './send-event.ts';
import type { SendDoc } from './sends.ts';

export interface SendPublisher {
  /** Appends a settled send's event, then marks it published; a failure is logged and left to `sweep`. */
  publish(doc: SendDoc, headers?: Record<string, string>): Promise<boolean>;
  /** Publishes settled sends not yet published in their current state (a failed produce, a process that died). */
  sweep(olderThan: Date): Promise<number>;
}

/**
 * Sends reach Kafka through their store (a transactional outbox): the outcome is recorded first, the event appended
 * after it, and `published` (the state published) set once Kafka acknowledged. Whatever dies in between, the sweep
 * appends again: at least once, one event per send and state for a consumer that keeps the latest per send id.
 */
export function createSendPublisher(o: {
  producer: Pick<Producer, 'send'>;
  topic: string;
  sends: Collection<SendDoc>;
  log: { warn(obj: object, msg: string): void };
}): SendPublisher {
  async function publish(doc: SendDoc, headers: Record<string, string> = {}): Promise<boolean> {
    const e = sendEventOf(doc);
    if (e === null) return false;
    try {
      await o.producer.send([{ topic: o.topic, messages: [{ key: e.key, value: JSON.stringify(e.event), headers }] }]);
    } catch (err) {
      o.log.warn({ err, sendId: doc._id }, 'send event not appended: the sweep appends it');
      return false;
    }
    await o.sends.updateOne({ _id: doc._id, state: doc.state }, { $set: { published: doc.state } }).catch((err: unknown) => {
      o.log.warn({ err, sendId: doc._id }, 'send event appended, not marked: the sweep may append it again');
    });
    return true;
  }
  return {
    publish,
    async sweep(olderThan) {
      const due = await o.sends
        .find({ state: { $in: ['sent', 'failed', 'unknown'] }, $expr: { $ne: ['$published', '$state'] }, updatedAt: { $lt: olderThan } })
        .limit(500)
        .toArray();
      let n = 0;
      for (const d of due) if (await publish(d)) n++;
      return n;
    },
  };
}
