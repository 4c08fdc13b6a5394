import type { FastifyPluginAsync } from 'fastify';
import type { Db } from 'mongodb';
import { parseRange } from './byte-range.ts';
import { MediaStoreError } from './errors.ts';
import { mediaOf } from './media-collection.ts';
import type { MediaDocument } from './media-document.ts';
import type { ObjectStore } from './object-store.ts';

/** Where a media's document is read: what message-store's documents link to. */
export const mediaPath = (mediaId: string): string => `/v1/media/${encodeURIComponent(mediaId)}`;

/** The stored document as the API shows it: `id` for `_id`, the link to its bytes, without the concurrency token. */
export function mediaView(doc: MediaDocument) {
  const { _id, _h: _token, ...rest } = doc;
  return { id: _id, ...rest, contentPath: rest.state === 'stored' ? `${mediaPath(_id)}/content` : null };
}

/**
 * The read API (registered by the consumer service with its database):
 * - GET /v1/media/:mediaId: the media's document (404 WABUS_MEDIA_STORE_NOT_FOUND);
 * - GET /v1/media/:mediaId/content: its bytes with its content type and length; a `Range: bytes=…` request answers
 *   206 with that part (audio and video players seek this way), 416 when it lies past the end; a media without
 *   bytes (pending, unavailable) is 409 WABUS_MEDIA_STORE_NOT_STORED. `download=true` asks the browser to save it
 *   (`content-disposition: attachment` with the document's file name); anything but true/false is 400 BAD_PARAM.
 */
export const mediaRoutes =
  (store: ObjectStore): FastifyPluginAsync<{ db: Db }> =>
  async (app, { db }) => {
    const media = mediaOf(db);
    const find = async (mediaId: string): Promise<MediaDocument> => {
      const doc = await media.findOne({ _id: mediaId });
      if (doc === null) throw new MediaStoreError('WABUS_MEDIA_STORE_NOT_FOUND', { param: 'mediaId', message: `no media ${mediaId}` });
      return doc;
    };

    app.get<{ Params: { mediaId: string } }>('/v1/media/:mediaId', async (req) => mediaView(await find(req.params.mediaId)));

    app.get<{ Params: { mediaId: string }; Querystring: Record<string, unknown> }>('/v1/media/:mediaId/content', async (req, reply) => {
      const download = parseDownload(req.query['download']);
      const doc = await find(req.params.mediaId);
      const object = doc.stored;
      if (doc.state !== 'stored' || object === null)
        throw new MediaStoreError('WABUS_MEDIA_STORE_NOT_STORED', {
          param: 'mediaId',
          message: `media ${doc._id} is ${doc.state}`,
          details: { state: doc.state },
        });
      const r = parseRange(req.headers.range, object.size);
      if (r.kind === 'unsatisfiable') {
        reply.header('content-range', `bytes */${object.size}`);
        throw new MediaStoreError('WABUS_MEDIA_STORE_RANGE_NOT_SATISFIABLE', {
          param: 'range',
          message: `range ${req.headers.range} lies outside ${object.size} bytes`,
        });
      }
      reply.header('accept-ranges', 'bytes').header('content-type', object.mimeType).header('etag', `"${object.sha256}"`);
      reply.header('content-disposition', contentDisposition(download, doc.filename ?? doc._id));
      if (r.kind === 'whole') return reply.header('content-length', object.size).send(await store.read(object.sha256));
      const { start, end } = r.range;
      return reply
        .code(206)
        .header('content-range', `bytes ${start}-${end}/${object.size}`)
        .header('content-length', end - start + 1)
        .send(await store.read(object.sha256, r.range));
    });
  };

function parseDownload(v: unknown): boolean {
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw new MediaStoreError('WABUS_MEDIA_STORE_BAD_PARAM', { param: 'download', message: 'download: true or false, given once' });
}

/** RFC 6266: the name as ASCII (quotes and controls replaced) and, for any other character, RFC 5987's filename*. */
function contentDisposition(download: boolean, name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${download ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
