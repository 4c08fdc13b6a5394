import { ensureFoldIndex } from '@wabus/projection';
import type { Collection, Db } from 'mongodb';
import type { MediaDocument } from './media-document.ts';

export const MEDIA_COLLECTION = 'media';

export const mediaOf = (db: Db): Collection<MediaDocument> => db.collection<MediaDocument>(MEDIA_COLLECTION);

/**
 * Indexes, created at start-up before any traffic (createIndex is idempotent): the fold's token, and pending media by
 * age (the oldest-pending metric and the expiry alert read it).
 */
export async function ensureMediaIndexes(media: Collection<MediaDocument>): Promise<void> {
  await ensureFoldIndex(media);
  await media.createIndex({ state: 1, firstReceivedAt: 1 }, { name: 'state_received' });
}
