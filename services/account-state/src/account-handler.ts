import type { Db } from 'mongodb';
import type { ServiceHandler } from '@wabus/consumer-service';
import type { ConsumedRecord } from '@wabus/kafka';
import { projection, type EventOutcome, type Located } from '@wabus/projection';
import type { WhatsAppEvent } from '@wabus/events';
import type { AccountFact, PhoneNumberFact, TemplateFact, WabaFact } from './account-fact.ts';
import { accountCollections, ensureAccountIndexes } from './account-indexes.ts';
import { invalidAccountEvent } from './errors.ts';
import { evolvePhoneNumber } from './evolve-phone-number.ts';
import { evolveTemplate } from './evolve-template.ts';
import { evolveWaba } from './evolve-waba.ts';
import { readAccountFacts } from './read-account-facts.ts';

/** A record as the projections see it: its facts, and whether it is an account change (counted) or another event. */
export interface AccountRecord {
  offset: string;
  change: boolean;
  facts: AccountFact[];
}

/** Pure: each record's facts, and the records to dead-letter. */
export function readAccountRecords(records: readonly Pick<ConsumedRecord<WhatsAppEvent>, 'offset' | 'event'>[]): {
  read: AccountRecord[];
  rejected: { offset: string; error: Error }[];
} {
  const rejected: { offset: string; error: Error }[] = [];
  const read = records.map(({ offset, event }): AccountRecord => {
    const r = readAccountFacts(event);
    if (r.kind === 'invalid') rejected.push({ offset, error: invalidAccountEvent(r.reason) });
    return { offset, change: r.kind === 'change', facts: r.kind === 'invalid' ? [] : r.facts };
  });
  return { read, rejected };
}

const factsFor =
  <F extends AccountFact>(entity: F['entity']) =>
  (r: AccountRecord): Located<F>[] =>
    r.facts.filter((f): f is F => f.entity === entity).map((fact) => ({ id: fact.id, fact }));

/** One record's outcome over the three projections: applied if any changed a document, a duplicate if it had facts and none did. */
const combine = (outcomes: EventOutcome[]): EventOutcome =>
  outcomes.includes('applied') ? 'applied' : outcomes.includes('duplicate') ? 'duplicate' : 'ignored';

/**
 * account-state's whole Kafka-facing code. Each batch is three projections (WABAs, numbers, templates), each one read
 * and one bulk write of the changed documents, conditional on their content hash (docs/projections.md); the batch's
 * offsets are committed only after all three are stored. An account change whose facts changed nothing is a
 * duplicate; other events (messages, statuses) only teach numbers' identities and are never counted as duplicates.
 */
export async function createAccountHandler(db: Db): Promise<ServiceHandler> {
  const c = accountCollections(db);
  await ensureAccountIndexes(c);
  const wabas = projection({ collection: c.wabas, factsOf: factsFor<WabaFact>('waba'), evolve: evolveWaba });
  const numbers = projection({ collection: c.phoneNumbers, factsOf: factsFor<PhoneNumberFact>('phoneNumber'), evolve: evolvePhoneNumber });
  const templates = projection({ collection: c.templates, factsOf: factsFor<TemplateFact>('template'), evolve: evolveTemplate });
  return {
    async handleBatch(records) {
      const { read, rejected } = readAccountRecords(records);
      const [w, n, t] = await Promise.all([wabas.apply(read), numbers.apply(read), templates.apply(read)]);
      const duplicateOffsets = read.filter((r, i) => r.change && combine([w[i]!, n[i]!, t[i]!]) === 'duplicate').map((r) => r.offset);
      return { rejected, duplicateOffsets };
    },
  };
}
