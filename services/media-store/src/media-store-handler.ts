import { groupBy, settleLimited, type ServiceHandler } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { REPLAY_HEADER, type BatchOutcome, type ConsumedRecord } from '@wabus/kafka';
import { foldDocuments, projection, type Located } from '@wabus/projection';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { decideFetch } from './decide-fetch.ts';
import { rejectedMedia } from './errors.ts';
import { fetchMedia, type FetchDeps } from './fetch-media.ts';
import { ensureMediaIndexes, mediaOf } from './media-collection.ts';
import { evolveMedia, type MediaDocument, type MediaFact } from './media-document.ts';
import { readMediaReference } from './media-reference.ts';

export interface MediaHandlerOptions {
  fetch: FetchDeps;
  /** Media of one batch fetched at once (media with the same announced sha256 one after the other). */
  concurrency: number;
  log: Logger;
}

interface ReadRecord {
  record: ConsumedRecord<WhatsAppEvent>;
  facts: Located<MediaFact>[];
}

/**
 * media-store's Kafka-facing code. Per batch:
 * 1. every media message and echo is recorded in its media document (`pending` when new), one projection: a
 *    message seen before changes nothing (docs/projections.md); a media message that names no media is rejected;
 * 2. each touched document is decided on (decide-fetch.ts): done and replayed ones call nothing; pending ones are
 *    fetched (fetch-media.ts), a few at once;
 * 3. the outcomes are folded into the documents: stored, unavailable, or still pending after the retry budget, whose
 *    live records go to the dead-letter topic with WABUS_MEDIA_STORE_FETCH_ABANDONED so that a re-drive fetches them.
 * Nothing marks unfetched work done: a crash anywhere leaves the document pending and the record uncommitted.
 */
export async function createMediaHandler(db: Db, o: MediaHandlerOptions): Promise<ServiceHandler> {
  const media = mediaOf(db);
  await ensureMediaIndexes(media);
  const references = projection({ collection: media, factsOf: (r: ReadRecord) => r.facts, evolve: evolveMedia });
  return {
    async handleBatch(records): Promise<BatchOutcome> {
      const rejected: { offset: string; error: Error }[] = [];
      const read = records.map((record): ReadRecord => {
        const r = readMediaReference(record.event);
        if (r.kind === 'invalid') rejected.push({ offset: record.offset, error: rejectedMedia('WABUS_MEDIA_STORE_INVALID', r.reason) });
        return { record, facts: r.kind === 'media' ? [{ id: r.media.mediaId, fact: { type: 'MediaReferenced', media: r.media } }] : [] };
      });
      const outcomes = await references.apply(read);

      // Per media id: its records, and whether any of them is live (a replayed record fetches nothing).
      const named = read.filter((r) => r.facts.length > 0);
      const byMedia = new Map(groupBy(named, (r) => r.facts[0]!.id).map((g) => [g[0]!.facts[0]!.id, g.map((r) => r.record)]));
      const docs = byMedia.size === 0 ? [] : await media.find({ _id: { $in: [...byMedia.keys()] } }).toArray();
      const now = o.fetch.now();
      const results = new Map<string, MediaFact[]>();
      const toFetch: MediaDocument[] = [];
      for (const doc of docs) {
        const live = (byMedia.get(doc._id) ?? []).some((r) => r.headers[REPLAY_HEADER] === undefined);
        const d = decideFetch(doc, { replay: !live, now });
        if (d.fetch) toFetch.push(doc);
        else if (d.skip === 'expired')
          results.set(doc._id, [
            { type: 'MediaUnavailable', attempts: 0, error: { code: 'expired', httpStatus: null, message: 'older than Meta keeps media', at: now } },
          ]);
      }
      // The same announced bytes one after the other: the second finds them stored and calls nothing.
      await settleLimited(
        groupBy(toFetch, (doc) => doc.sha256 ?? doc._id),
        o.concurrency,
        async (group) => {
          for (const doc of group) {
            const fact = await fetchMedia(o.fetch, doc);
            results.set(doc._id, [fact]);
            if (fact.type === 'MediaUnavailable' || fact.type === 'FetchAbandoned')
              o.log.warn({ mediaId: doc._id, outcome: fact.type, error: fact.error }, 'media not stored');
          }
        },
      );
      if (results.size > 0) await foldDocuments(media, results, evolveMedia);

      const fetched = new Set(results.keys());
      for (const [id, facts] of results) {
        if (facts[0]?.type !== 'FetchAbandoned') continue;
        for (const r of byMedia.get(id) ?? [])
          if (r.headers[REPLAY_HEADER] === undefined)
            rejected.push({ offset: r.offset, error: rejectedMedia('WABUS_MEDIA_STORE_FETCH_ABANDONED', `media ${id}: ${String(facts[0].error.code)}`) });
      }
      const duplicateOffsets = read.filter((r, i) => outcomes[i] === 'duplicate' && !fetched.has(r.facts[0]!.id)).map((r) => r.record.offset);
      return { rejected, duplicateOffsets };
    },
  };
}
