import { MediaStoreError } from './errors.ts';
import { nextStep, type FetchFailure, type FetchPolicy } from './fetch-policy.ts';
import type { GraphMedia, ResolvedMedia } from './graph-media.ts';
import type { MediaDocument, MediaError, MediaFact } from './media-document.ts';
import type { MediaObserver } from './media-observer.ts';
import type { ObjectStore } from './object-store.ts';

export interface FetchDeps {
  graph: GraphMedia;
  store: ObjectStore;
  policy: FetchPolicy;
  /** Largest media fetched (Meta's limit for documents is 100 MB); a larger one is unavailable. */
  maxBytes: number;
  /** The Graph token of the media's tenant; null when none is configured. */
  tokenOf(doc: MediaDocument): string | null;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** In [0, 1): the backoff jitter. */
  jitter(): number;
  observer: MediaObserver;
}

const errorAt = (f: Omit<FetchFailure, 'kind'>, at: number): MediaError => ({ code: f.code, httpStatus: f.httpStatus, message: f.message, at });

/**
 * Fetches one pending media: the announced bytes already stored (another media id, the same content) → stored with no
 * call; else look it up with its tenant's token, download the URL, stream it into the store checking its sha256.
 * Failed attempts go by `nextStep` (fetch-policy.ts): retried with backoff within the URL's lifetime and the budget,
 * looked up again when the URL is gone. Resolves to the fact to fold: stored, unavailable (Meta's code), or abandoned
 * (still pending). Store failures reject: they are ours, not the media's, and the runtime retries the batch.
 */
export async function fetchMedia(d: FetchDeps, doc: MediaDocument): Promise<MediaFact> {
  const startedAt = d.now();
  let attempts = 0;
  const stored = (sha256: string, size: number, mimeType: string): MediaFact => ({
    type: 'MediaStored',
    attempts,
    object: { backend: d.store.backend, key: d.store.keyOf(sha256), sha256, size, mimeType, storedAt: d.now() },
  });
  const fallbackMime = doc.mimeType ?? 'application/octet-stream';
  if (doc.sha256 !== null) {
    const size = await d.store.stat(doc.sha256);
    if (size !== null) return stored(doc.sha256, size, fallbackMime);
  }
  const token = d.tokenOf(doc);
  if (token === null) {
    d.observer.failed?.('no_token');
    return {
      type: 'FetchAbandoned',
      attempts,
      error: errorAt({ code: 'no_token', httpStatus: null, message: `no Graph token for tenant ${doc.tenantId}` }, d.now()),
    };
  }

  let resolved: ResolvedMedia | null = null;
  let resolvedAt: number | null = null;
  for (;;) {
    attempts++;
    let failure: FetchFailure | null = null;
    let fresh = false;
    if (resolved === null) {
      d.observer.graphCall?.('lookup');
      const r = await d.graph.lookup(doc._id, { token, phoneNumberId: doc.phoneNumberId });
      if (r.ok) {
        resolved = r.media;
        resolvedAt = d.now();
        fresh = true;
      } else failure = r.failure;
    }
    if (resolved !== null && failure === null) {
      const sha256 = doc.sha256 ?? resolved.sha256;
      const mimeType = resolved.mimeType ?? fallbackMime;
      if (sha256 === null) return unavailable({ code: 'no_sha256', httpStatus: null, message: 'neither the webhook nor the lookup gave a sha256' });
      if (resolved.size !== null && resolved.size > d.maxBytes)
        return unavailable({ code: 'too_large', httpStatus: null, message: `${resolved.size} bytes, over the ${d.maxBytes}-byte limit` });
      const size = await d.store.stat(sha256);
      if (size !== null) return stored(sha256, size, mimeType);
      d.observer.graphCall?.('download');
      const got = await d.graph.download(resolved.url, token, d.maxBytes);
      if (!got.ok) {
        // A URL that is refused right after it was issued is not an expired one: the media is gone.
        failure = got.failure.kind === 'expired_url' && fresh ? { ...got.failure, kind: 'permanent' } : got.failure;
      } else {
        try {
          const { size } = await d.store.put(sha256, got.body, mimeType);
          d.observer.fetched?.(size);
          return stored(sha256, size, mimeType);
        } catch (err) {
          if (MediaStoreError.is(err, 'WABUS_MEDIA_STORE_HASH_MISMATCH'))
            failure = { kind: 'corrupt', code: 'sha256_mismatch', httpStatus: null, message: err.message };
          else if (MediaStoreError.is(err, 'WABUS_MEDIA_STORE_TOO_LARGE')) return unavailable({ code: 'too_large', httpStatus: null, message: err.message });
          else if (MediaStoreError.is(err, 'WABUS_MEDIA_STORE_DOWNLOAD_BROKEN'))
            failure = { kind: 'transient', code: 'download_broken', httpStatus: null, message: err.message };
          else throw err;
        } finally {
          got.body.destroy();
        }
      }
    }
    const f = failure as FetchFailure;
    d.observer.failed?.(String(f.code));
    const step = nextStep(d.policy, { attempts, startedAt, resolvedAt }, f, d.now(), d.jitter());
    if (step.action === 'unavailable') return unavailable(f);
    if (step.action === 'abandon') return { type: 'FetchAbandoned', attempts, error: errorAt(f, d.now()) };
    if (step.delayMs > 0) await d.sleep(step.delayMs);
    if (step.resolve) resolved = null;
  }

  function unavailable(f: Omit<FetchFailure, 'kind'>): MediaFact {
    d.observer.unavailable?.(String(f.code));
    return { type: 'MediaUnavailable', attempts, error: errorAt(f, d.now()) };
  }
}
