import { ensureFoldIndex } from '@wabus/projection';
import type { Db } from 'mongodb';
import type { PhoneNumberDocument, TemplateDocument, WabaDocument } from './account-documents.ts';

export const COLLECTIONS = { wabas: 'wabas', phoneNumbers: 'phone_numbers', templates: 'templates' } as const;

export const accountCollections = (db: Db) => ({
  wabas: db.collection<WabaDocument>(COLLECTIONS.wabas),
  phoneNumbers: db.collection<PhoneNumberDocument>(COLLECTIONS.phoneNumbers),
  templates: db.collection<TemplateDocument>(COLLECTIONS.templates),
});

export type AccountCollections = ReturnType<typeof accountCollections>;

/**
 * Indexes of the reads, created at start-up before any traffic (createIndex is idempotent): templates by WABA, name
 * and language (the sender's question), numbers by Meta id, and every entity by `alert` (the metrics' scrape).
 */
export async function ensureAccountIndexes(c: AccountCollections): Promise<void> {
  for (const coll of [c.wabas, c.phoneNumbers, c.templates] as const) {
    await ensureFoldIndex(coll as never);
    await coll.createIndex({ alert: 1 }, { name: 'alert' });
  }
  await c.templates.createIndex({ wabaId: 1, name: 1, languageKey: 1 }, { name: 'waba_name_language' });
  await c.phoneNumbers.createIndex({ phoneNumberId: 1 }, { name: 'phone_number_id' });
}
