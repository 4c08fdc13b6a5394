import type { MediaType } from '@wabus/events';
import type { StateDocument } from '@wabus/projection';
import type { MediaReference } from './media-reference.ts';

export type MediaState = 'pending' | 'stored' | 'unavailable';

/** Why an attempt failed or why the media is unavailable: Meta's `error.code` when it gave one, else ours. */
export interface MediaError {
  code: number | string;
  httpStatus: number | null;
  message: string | null;
  /** Epoch ms. */
  at: number;
}

/** Where the bytes are: content-addressed by their sha256, so the same bytes are one object whatever their media ids. */
export interface StoredObject {
  backend: 'fs' | 's3';
  /** The object's key in its store (`sha256/<hex>`). */
  key: string;
  sha256: string;
  size: number;
  /** The content type served: Meta's (the lookup's, else the webhook's). */
  mimeType: string;
  storedAt: number;
}

/** One media of Meta's, by its media id: what messages said of it and what fetching it gave. */
export interface MediaDocument extends StateDocument {
  _id: string;
  type: MediaType;
  tenantId: string | null;
  phoneNumberId: string | null;
  wabaId: string;
  /** As the webhook announced them (sha256 as lowercase hex). */
  sha256: string | null;
  mimeType: string | null;
  filename: string | null;
  /** Messages (and echoes) that carried it, the first MAX_MESSAGE_IDS. */
  messageIds: string[];
  /** Earliest Meta time of a message carrying it (Unix seconds): Meta keeps media about 30 days from there. */
  metaTimestamp: number | null;
  /** Earliest receipt of a message carrying it (epoch ms): the age of a pending media. */
  firstReceivedAt: number;
  state: MediaState;
  /** Fetch attempts made (every run's). */
  attempts: number;
  lastError: MediaError | null;
  stored: StoredObject | null;
  unavailable: MediaError | null;
}

export type MediaFact =
  | { type: 'MediaReferenced'; media: MediaReference }
  | { type: 'MediaStored'; object: StoredObject; attempts: number }
  | { type: 'MediaUnavailable'; error: MediaError; attempts: number }
  /** Transient failures spent the retry budget: still pending, for a later re-drive. */
  | { type: 'FetchAbandoned'; error: MediaError; attempts: number };

export const MAX_MESSAGE_IDS = 50;

const earliest = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

function referenced(current: MediaDocument | null, m: MediaReference): MediaDocument {
  if (current === null) {
    return {
      _id: m.mediaId,
      type: m.type,
      tenantId: m.tenantId,
      phoneNumberId: m.phoneNumberId,
      wabaId: m.wabaId,
      sha256: m.sha256,
      mimeType: m.mimeType,
      filename: m.filename,
      messageIds: m.messageId === null ? [] : [m.messageId],
      metaTimestamp: m.metaTimestamp,
      firstReceivedAt: m.receivedAt,
      state: 'pending',
      attempts: 0,
      lastError: null,
      stored: null,
      unavailable: null,
    };
  }
  const id = m.messageId;
  const known = id === null || current.messageIds.includes(id) || current.messageIds.length >= MAX_MESSAGE_IDS;
  return {
    ...current,
    sha256: current.sha256 ?? m.sha256,
    mimeType: current.mimeType ?? m.mimeType,
    filename: current.filename ?? m.filename,
    messageIds: known ? current.messageIds : [...current.messageIds, id],
    metaTimestamp: earliest(current.metaTimestamp, m.metaTimestamp),
    firstReceivedAt: Math.min(current.firstReceivedAt, m.receivedAt),
  };
}

/**
 * Pure and idempotent: the media document after one more fact. A message seen again changes nothing; once stored,
 * a media stays stored (a late failure report of a concurrent attempt cannot undo the bytes); an unavailable media
 * becomes stored when a later re-drive did fetch it.
 */
export function evolveMedia(current: MediaDocument | null, fact: MediaFact): MediaDocument {
  switch (fact.type) {
    case 'MediaReferenced':
      return referenced(current, fact.media);
    case 'MediaStored':
      if (current === null || current.state === 'stored') return current ?? missing(fact.type);
      return { ...current, state: 'stored', stored: fact.object, unavailable: null, attempts: current.attempts + fact.attempts };
    case 'MediaUnavailable':
      if (current === null || current.state !== 'pending') return current ?? missing(fact.type);
      return { ...current, state: 'unavailable', unavailable: fact.error, lastError: fact.error, attempts: current.attempts + fact.attempts };
    case 'FetchAbandoned':
      if (current === null || current.state !== 'pending') return current ?? missing(fact.type);
      return { ...current, lastError: fact.error, attempts: current.attempts + fact.attempts };
    default: {
      const never: never = fact;
      throw new Error(`unhandled media fact ${JSON.stringify(never)}`);
    }
  }
}

// A fetch outcome is only ever folded into the document its reference created first.
function missing(type: string): never {
  throw new Error(`${type} for a media without a document`);
}
