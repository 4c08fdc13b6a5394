import { GraphSendError } from './errors.ts';

/** One Graph API call, exactly as it is (or was) sent, minus the token (WHATSAPP.md, "Sending"). */
export interface GraphRequest {
  method: 'POST';
  /** `/<version>/<phoneNumberId>/messages`. */
  path: string;
  body: Record<string, unknown>;
}

/** What a Graph object id (a number, a WABA, an app, a media id) may be: no `.`, `..`, `/`, `?` or `%` can pass. */
const GRAPH_ID = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * An id as one segment of a Graph path, or a `WABUS_GRAPH_BAD_PATH_SEGMENT` error: encoding alone is not enough, since
 * `..` and `.` survive `encodeURIComponent` and a URL parser then resolves them to another endpoint. Callers check
 * their ids earlier and answer with their own codes; this is the last guard, where the path is built.
 */
export function graphPathSegment(id: string, what: string): string {
  if (!GRAPH_ID.test(id))
    throw new GraphSendError('WABUS_GRAPH_BAD_PATH_SEGMENT', { message: `${what} ${JSON.stringify(id.slice(0, 64))} is not a Graph object id`, param: what });
  return id;
}

/** The messages endpoint of a business number (the version is checked where it is configured: `v21.0`). */
export const messagesPath = (apiVersion: string, phoneNumberId: string): string =>
  `/${apiVersion}/${graphPathSegment(phoneNumberId, 'phoneNumberId')}/messages`;
