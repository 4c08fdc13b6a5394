import { createCipheriv, createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** A media the stand-in holds: its bytes are generated from `seed` (deterministic, never held in memory whole). */
export interface StandInMediaSpec {
  id: string;
  size: number;
  mimeType?: string;
  /** Different seeds, different bytes; the same seed and size, the same bytes (default: the id). */
  seed?: string;
  /** The business number it belongs to: its token is the one downloads and lookups need (`accessTokens`). */
  phoneNumberId?: string;
  /** Streams the download at about this rate (a slow CDN); unlimited by default. */
  bytesPerSecond?: number;
}

export interface StandInMedia extends Required<Omit<StandInMediaSpec, 'bytesPerSecond' | 'phoneNumberId'>> {
  phoneNumberId: string | null;
  bytesPerSecond: number | null;
  /** Lowercase hex, as lookups answer it. */
  sha256: string;
  /** Base64, as webhooks carry it. */
  sha256Base64: string;
}

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);
const keyOf = (seed: string) => createHash('sha256').update(seed).digest();

/** The bytes of a media: AES-256-CTR of zeros keyed by the seed, in 64 KiB chunks (fast, seeded, constant memory). */
export function mediaBytes(seed: string, size: number, bytesPerSecond: number | null = null): Readable {
  const cipher = createCipheriv('aes-256-ctr', keyOf(seed), Buffer.alloc(16));
  let sent = 0;
  const started = Date.now();
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (sent >= size) return void this.push(null);
      const n = Math.min(CHUNK, size - sent);
      const chunk = cipher.update(n === CHUNK ? ZEROS : ZEROS.subarray(0, n));
      sent += n;
      const due = bytesPerSecond === null ? 0 : started + (sent / bytesPerSecond) * 1000 - Date.now();
      if (due > 0) setTimeout(() => this.push(chunk), due);
      else this.push(chunk);
    },
  });
}

async function hashOf(seed: string, size: number): Promise<Buffer> {
  const h = createHash('sha256');
  for await (const c of mediaBytes(seed, size)) h.update(c as Buffer);
  return h.digest();
}

/** The media a stand-in serves, by id. */
export interface MediaLibrary {
  /** Adds a media (hashing its bytes once: about a second per 100 MB) and tells what a webhook would carry of it. */
  add(spec: StandInMediaSpec): Promise<StandInMedia>;
  get(id: string): StandInMedia | undefined;
  /** How long a download URL stays valid (Meta's: about five minutes); later it answers 404. */
  urlTtlMs: number;
}

export function createMediaLibrary(urlTtlMs: number): MediaLibrary {
  const media = new Map<string, StandInMedia>();
  return {
    urlTtlMs,
    async add(spec) {
      const seed = spec.seed ?? spec.id;
      const digest = await hashOf(seed, spec.size);
      const m: StandInMedia = {
        id: spec.id,
        size: spec.size,
        mimeType: spec.mimeType ?? 'application/pdf',
        seed,
        phoneNumberId: spec.phoneNumberId ?? null,
        bytesPerSecond: spec.bytesPerSecond ?? null,
        sha256: digest.toString('hex'),
        sha256Base64: digest.toString('base64'),
      };
      media.set(m.id, m);
      return m;
    },
    get: (id) => media.get(id),
  };
}

export const MEDIA_DOWNLOAD_PATH = /^\/media-download\/([^/]+)\/?$/;
/** `GET /<version>/<media-id>` or `GET /<media-id>` (Meta accepts both). */
export const MEDIA_LOOKUP_PATH = /^\/(?:v\d+\.\d+\/)?([^/]+)\/?$/;

/** Meta's lookup answer: a URL valid for `urlTtlMs` and what the media is. */
export function answerLookup(res: ServerResponse, m: StandInMedia, baseUrl: string, ttlMs: number): void {
  const url = `${baseUrl}/media-download/${encodeURIComponent(m.id)}?expires=${Date.now() + ttlMs}`;
  const text = JSON.stringify({ messaging_product: 'whatsapp', url, mime_type: m.mimeType, sha256: m.sha256, file_size: m.size, id: m.id });
  res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The bytes, streamed; an expired URL answers 404 as Meta's CDN does. Resolves with the status answered. */
export async function answerDownload(res: ServerResponse, m: StandInMedia, query: URLSearchParams): Promise<number> {
  const expires = Number(query.get('expires'));
  if (!Number.isFinite(expires) || Date.now() > expires) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('URL signature expired');
    return 404;
  }
  res.writeHead(200, { 'content-type': m.mimeType, 'content-length': m.size });
  const body = mediaBytes(m.seed, m.size, m.bytesPerSecond);
  await new Promise<void>((resolve) => {
    res.once('close', () => {
      body.destroy();
      resolve();
    });
    body.pipe(res);
  });
  return 200;
}
