import type { KafkaAdmin as Admin, KafkaClient as Kafka } from '@wabus/kafka';
import { foldLedger, type Ledger } from './action-ledger.ts';
import { parseDeadLetter, type DeadLetter } from './dead-letters.ts';
import { requireTopics } from './kafka-admin.ts';
import { scanTopics, type LogRecord } from './scan-topics.ts';

export interface LoadedDeadLetters {
  entries: DeadLetter[];
  ledger: Ledger;
  /** Ledger records that are not actions (should be none; counted so they are not silently ignored). */
  unreadableLedgerRecords: number;
}

/** Reads dead-letter topics and the actions ledger to their ends, in one pass. */
export async function loadDeadLetters(
  kafka: Kafka,
  admin: Admin,
  o: { dlqTopics: readonly string[]; ledgerTopic: string; timeoutMs?: number },
): Promise<LoadedDeadLetters> {
  await requireTopics(admin, [...o.dlqTopics, o.ledgerTopic]);
  const entries: DeadLetter[] = [];
  const ledgerRecords: LogRecord[] = [];
  const dlq = new Set(o.dlqTopics);
  await scanTopics(
    kafka,
    admin,
    [...dlq, o.ledgerTopic].map((topic) => ({ topic })),
    (r) => {
      if (r.topic === o.ledgerTopic) ledgerRecords.push(r);
      if (dlq.has(r.topic)) entries.push(parseDeadLetter(r));
    },
    o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs },
  );
  // Per partition the scan is in offset order; the ledger has one partition, so this fold keeps the latest action.
  const { ledger, unreadable } = foldLedger(ledgerRecords);
  entries.sort((a, b) => a.dlqTopic.localeCompare(b.dlqTopic) || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  return { entries, ledger, unreadableLedgerRecords: unreadable };
}
