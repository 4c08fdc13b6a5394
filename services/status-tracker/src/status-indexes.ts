import { ensureFoldIndex } from '@wabus/projection';
import type { Collection } from 'mongodb';
import type { StatusDocument } from './status-document.ts';

export const STATUSES_COLLECTION = 'statuses';

/**
 * The indexes the read API needs, created at start-up before any traffic (createIndex is idempotent):
 * counts select (phoneNumberId, firstTimestamp range); failures add status = failed and look up examples by code.
 * Never dropped from code: the test store's dropIndex drops same-named indexes everywhere (docs/infra.md).
 */
export async function ensureStatusIndexes(statuses: Collection<StatusDocument>): Promise<void> {
  await ensureFoldIndex(statuses);
  await statuses.createIndex({ phoneNumberId: 1, firstTimestamp: 1 }, { name: 'phone_first' });
  await statuses.createIndex({ phoneNumberId: 1, status: 1, firstTimestamp: 1 }, { name: 'phone_status_first' });
  await statuses.createIndex({ phoneNumberId: 1, 'errors.code': 1, firstTimestamp: 1 }, { name: 'phone_error_first' });
}
