import { PassThrough, Readable } from 'node:stream';
import { graphPathSegment } from '@wabus/graph-send';
import { MediaStoreError } from './errors.ts';
import { classifyDownload, classifyLookup, type FetchFailure } from './fetch-policy.ts';
import { sha256Hex } from './media-reference.ts';

/** Meta's answer to `GET /<version>/<media-id>`: where to download it (for about five minutes) and what it is. */
export interface ResolvedMedia {
  url: string;
  mimeType: string | null;
  /** Lowercase hex, null when the answer had none. */
  sha256: string | null;
  size: number | null;
}

export type LookupResult = { ok: true; media: ResolvedMedia } | { ok: false; failure: FetchFailure };
export type DownloadResult = { ok: true; body: Readable; size: number | null } | { ok: false; failure: FetchFailure };

export interface GraphMedia {
  /** `GET /<version>/<media-id>?phone_number_id=` with the tenant's token. */
  lookup(mediaId: string, o: { token: string; phoneNumberId: string | null }): Promise<LookupResult>;
  /**
   * `GET <url>` with the same token; the body streams (nothing is buffered whole) and fails with TOO_LARGE past
   * `maxBytes`, whatever the lookup said.
   */
  download(url: string, token: string, maxBytes: number): Promise<DownloadResult>;
}

export interface GraphMediaOptions {
  baseUrl: string;
  apiVersion: string;
  /** No answer (headers) by then fails the attempt; so does a download that sends nothing for as long. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** fetch's failure as a transient one, coded by the socket's error (undici nests it: `cause`, or `cause.errors[]` when several addresses were tried). */
const networkFailure = (err: unknown): FetchFailure => {
  const cause = (err as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  const nested = [cause?.code, ...(cause?.errors ?? []).map((e) => e.code)].find((c): c is string => typeof c === 'string');
  const code = nested ?? ((err as Error).name === 'TimeoutError' ? 'ETIMEDOUT' : 'ENETWORK');
  return { kind: 'transient', code, httpStatus: null, message: (err as Error).message };
};

function metaError(text: string): { code: number | null; message: string | null } {
  try {
    const e = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    return { code: typeof e?.code === 'number' ? e.code : null, message: typeof e?.message === 'string' ? e.message : null };
  } catch {
    return { code: null, message: text.slice(0, 200) || null };
  }
}

/** Pure: a lookup's answer as a result; a 200 without a URL is a transient oddity (retried, bounded). */
export function readLookupAnswer(httpStatus: number, text: string): LookupResult {
  if (httpStatus !== 200) {
    const e = metaError(text);
    return { ok: false, failure: { kind: classifyLookup(httpStatus, e.code), code: e.code ?? `http_${httpStatus}`, httpStatus, message: e.message } };
  }
  let body: { url?: unknown; mime_type?: unknown; sha256?: unknown; file_size?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { ok: false, failure: { kind: 'transient', code: 'unreadable_answer', httpStatus, message: text.slice(0, 200) } };
  }
  if (typeof body.url !== 'string') return { ok: false, failure: { kind: 'transient', code: 'no_url', httpStatus, message: 'lookup answered without url' } };
  const size = typeof body.file_size === 'number' ? body.file_size : typeof body.file_size === 'string' ? Number(body.file_size) : null;
  return {
    ok: true,
    media: {
      url: body.url,
      mimeType: typeof body.mime_type === 'string' ? body.mime_type : null,
      sha256: typeof body.sha256 === 'string' ? sha256Hex(body.sha256) : null,
      size: size !== null && Number.isSafeInteger(size) ? size : null,
    },
  };
}

/** The Graph API's media endpoints over fetch; one request per call, no retries of its own (fetch-media decides). */
export function createGraphMedia(o: GraphMediaOptions): GraphMedia {
  const doFetch = o.fetch ?? fetch;
  const base = o.baseUrl.replace(/\/+$/, '');
  return {
    async lookup(mediaId, { token, phoneNumberId }) {
      const query = phoneNumberId === null ? '' : `?phone_number_id=${encodeURIComponent(phoneNumberId)}`;
      const path = `/${o.apiVersion}/${graphPathSegment(mediaId, 'mediaId')}${query}`;
      try {
        const res = await doFetch(`${base}${path}`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(o.timeoutMs),
        });
        return readLookupAnswer(res.status, await res.text());
      } catch (err) {
        return { ok: false, failure: networkFailure(err) };
      }
    },
    async download(url, token, maxBytes) {
      // Aborted when no byte came for timeoutMs: headers first, then between chunks (a 100 MB file may take long).
      const abort = new AbortController();
      let idle = setTimeout(() => abort.abort(new DOMException('no data', 'TimeoutError')), o.timeoutMs);
      const touch = () => {
        clearTimeout(idle);
        idle = setTimeout(() => abort.abort(new DOMException('no data', 'TimeoutError')), o.timeoutMs);
      };
      try {
        const res = await doFetch(url, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
        if (res.status !== 200 || res.body === null) {
          clearTimeout(idle);
          const text = await res.text().catch(() => '');
          return {
            ok: false,
            failure: { kind: classifyDownload(res.status), code: `http_${res.status}`, httpStatus: res.status, message: text.slice(0, 200) || null },
          };
        }
        const length = res.headers.get('content-length');
        const source = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
        // The download's own failures reach the writer as DOWNLOAD_BROKEN: a failed attempt, unlike a failing store.
        const body = new PassThrough();
        let received = 0;
        source.on('data', (chunk: Buffer) => {
          touch();
          received += chunk.length;
          if (received > maxBytes)
            body.destroy(new MediaStoreError('WABUS_MEDIA_STORE_TOO_LARGE', { message: `download passed the ${maxBytes}-byte limit (MEDIA_MAX_BYTES)` }));
        });
        source.once('error', (cause) =>
          body.destroy(new MediaStoreError('WABUS_MEDIA_STORE_DOWNLOAD_BROKEN', { message: `download interrupted: ${cause.message}`, cause })),
        );
        body.once('close', () => {
          clearTimeout(idle);
          source.destroy();
        });
        source.pipe(body);
        return { ok: true, body, size: length === null ? null : Number(length) };
      } catch (err) {
        clearTimeout(idle);
        return { ok: false, failure: networkFailure(err) };
      }
    },
  };
}
