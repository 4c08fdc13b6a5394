import { defineErrors } from '@wabus/errors';
import { EventRejectedError } from '@wabus/kafka';

/** Stable codes of media-store; the HTTP status of each API error is mapped here, in one place. */
export const MEDIA_STORE_ERRORS = {
  /** A media message that can never be fetched (no media id, a malformed sha256): dead-lettered, never retried. */
  WABUS_MEDIA_STORE_INVALID: { status: 422, message: 'media message cannot be fetched' },
  /** Retries spent on transient failures (5xx, 429, network) within the fetch window: dead-lettered, the media stays pending for a re-drive. */
  WABUS_MEDIA_STORE_FETCH_ABANDONED: { status: 503, message: 'media could not be fetched within its retry budget' },
  WABUS_MEDIA_STORE_BAD_PARAM: { status: 400, message: 'invalid query parameter' },
  WABUS_MEDIA_STORE_NOT_FOUND: { status: 404, message: 'no media is known by this id' },
  /** The media is known but has no bytes here (pending, or unavailable at Meta). */
  WABUS_MEDIA_STORE_NOT_STORED: { status: 409, message: 'the media has no stored content' },
  WABUS_MEDIA_STORE_RANGE_NOT_SATISFIABLE: { status: 416, message: 'range not satisfiable' },
  /** The bytes written do not hash to the sha256 Meta announced: nothing is kept. */
  WABUS_MEDIA_STORE_HASH_MISMATCH: { message: 'content does not match its sha256' },
  /** The object store lost an object the database says it holds. */
  WABUS_MEDIA_STORE_OBJECT_MISSING: { status: 500, message: 'stored object is missing' },
  /** MEDIA_STORE_DIR cannot be created or written (a read-only image directory, a volume owned by another user). */
  WABUS_MEDIA_STORE_DIR_UNUSABLE: { message: 'the media directory is not usable' },
  /** A download longer than MEDIA_MAX_BYTES (whatever its lookup announced): stopped, the media unavailable. */
  WABUS_MEDIA_STORE_TOO_LARGE: { message: 'media larger than the limit' },
  /** The download's stream broke (connection lost, no data for the idle timeout): a transient failure of the attempt. */
  WABUS_MEDIA_STORE_DOWNLOAD_BROKEN: { message: 'download interrupted' },
} as const;

export type MediaStoreErrorCode = keyof typeof MEDIA_STORE_ERRORS;

export class MediaStoreError extends defineErrors('MediaStoreError', MEDIA_STORE_ERRORS) {}

/** The consumer runtime dead-letters these (permanent) with the code in the DLQ headers. */
export const rejectedMedia = (code: 'WABUS_MEDIA_STORE_INVALID' | 'WABUS_MEDIA_STORE_FETCH_ABANDONED', reason: string): EventRejectedError =>
  new EventRejectedError(reason, { code });
