import type { ProduceMessage } from '@wabus/kafka';
import type { LogRecord } from './scan-topics.ts';

/** What an operator did with one dead letter; the value of its entry on the compacted actions topic. */
export interface LedgerAction {
  action: 'redriven' | 'discarded';
  reason?: string;
  /** ISO time. */
  at: string;
  /** The OS user, or `--by`. */
  by: string;
  redriveTopic?: string;
  redrivePartition?: number;
  redriveOffset?: string;
}

/** Latest action per dead letter id (`<dlq topic>/<partition>/<offset>`). */
export type Ledger = ReadonlyMap<string, LedgerAction>;

export type DeadLetterStatus = 'pending' | 'redriven' | 'discarded';

export const statusOf = (ledger: Ledger, id: string): DeadLetterStatus => ledger.get(id)?.action ?? 'pending';

/** Parses one ledger value; null for anything that is not an action (kept out rather than guessed at). */
export function parseLedgerValue(value: Buffer): LedgerAction | null {
  let v: unknown;
  try {
    v = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if ((o['action'] !== 'redriven' && o['action'] !== 'discarded') || typeof o['at'] !== 'string' || typeof o['by'] !== 'string') return null;
  const a: LedgerAction = { action: o['action'], at: o['at'], by: o['by'] };
  if (typeof o['reason'] === 'string') a.reason = o['reason'];
  if (typeof o['redriveTopic'] === 'string') a.redriveTopic = o['redriveTopic'];
  if (typeof o['redrivePartition'] === 'number') a.redrivePartition = o['redrivePartition'];
  if (typeof o['redriveOffset'] === 'string') a.redriveOffset = o['redriveOffset'];
  return a;
}

/** Folds ledger records (in offset order) into the latest action per key; a tombstone forgets the key. */
export function foldLedger(records: readonly LogRecord[]): { ledger: Map<string, LedgerAction>; unreadable: number } {
  const ledger = new Map<string, LedgerAction>();
  let unreadable = 0;
  for (const r of records) {
    if (r.key === null) {
      unreadable++;
      continue;
    }
    if (r.value === null) {
      ledger.delete(r.key);
      continue;
    }
    const a = parseLedgerValue(r.value);
    if (a === null) unreadable++;
    else ledger.set(r.key, a);
  }
  return { ledger, unreadable };
}

export function ledgerMessage(id: string, action: LedgerAction): ProduceMessage {
  return { key: id, value: JSON.stringify(action), headers: { 'content-type': 'application/json' } };
}
