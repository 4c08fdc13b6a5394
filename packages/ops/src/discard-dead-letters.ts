import type { KafkaAdmin as Admin, KafkaClient as Kafka } from '@wabus/kafka';
import { createProducer } from '@wabus/kafka';
import { ledgerMessage } from './action-ledger.ts';
import type { DeadLetter } from './dead-letters.ts';
import { OpsError } from './errors.ts';
import { requireTopics } from './kafka-admin.ts';

/** Records in the actions ledger that these dead letters are given up, with the reason (nothing else changes). */
export async function discardDeadLetters(
  kafka: Kafka,
  admin: Admin,
  entries: readonly DeadLetter[],
  o: { ledgerTopic: string; reason: string; by: string; now: () => Date },
): Promise<void> {
  if (o.reason.trim() === '') throw new OpsError('WABUS_OPS_REASON_REQUIRED', { message: 'discarding needs a reason (--reason "...")' });
  await requireTopics(admin, [o.ledgerTopic]);
  const producer = createProducer(kafka, { retries: 'until-delivered' });
  try {
    const at = o.now().toISOString();
    const messages = entries.map((e) => ledgerMessage(e.id, { action: 'discarded', reason: o.reason, at, by: o.by }));
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send([{ topic: o.ledgerTopic, messages: messages.slice(i, i + 500) }]).catch((cause: unknown) => {
        throw new OpsError('WABUS_OPS_LEDGER_WRITE_FAILED', {
          message: `recording discards in ${o.ledgerTopic} failed after ${i} of ${messages.length}: ${(cause as Error).message}`,
          cause,
          details: { recorded: entries.slice(0, i).map((e) => e.id) },
        });
      });
    }
  } finally {
    await producer.close().catch(() => undefined);
  }
}
