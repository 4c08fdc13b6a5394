import { asObject } from './json-read.ts';
import { parseJsonSpans } from './json-spans.ts';
import type { JsonNode } from './json-node.ts';
import { toJsonValue } from './json-value.ts';
import { parseError } from './parse-error.ts';
import { parseMessage } from './parse-message.ts';
import { parseStatus } from './parse-status.ts';
import type { ParsedItem } from './parsed-item.ts';
import type { WhatsAppEvent } from './whatsapp-event.ts';

/**
 * Typed reading of one event's `raw` bytes. Total: it never throws; missing or mistyped fields
 * read as null, message types it does not know read as `{ type: 'unknown', unknown: { raw } }`,
 * and bytes that are not even JSON read as an empty item. Big integers are never rounded: the
 * span parser keeps number text, and ids are read as strings.
 */
export function parseItem(event: Pick<WhatsAppEvent, 'kind' | 'field' | 'raw'>): ParsedItem {
  const root = tryParse(event.raw);
  const obj = asObject(root);
  switch (event.kind) {
    case 'message':
      return { kind: 'message', message: parseMessage(obj, event.raw, false) };
    case 'message_echo':
      return { kind: 'message_echo', message: parseMessage(obj, event.raw, true) };
    case 'status':
      return { kind: 'status', status: parseStatus(obj) };
    case 'error':
      return { kind: 'error', error: parseError(obj) };
    default:
      // 'change', and kinds added by newer producers: generic JSON is the lossless reading.
      return { kind: 'change', field: event.field, value: root === null ? null : toJsonValue(root) };
  }
}

function tryParse(raw: Buffer): JsonNode | null {
  try {
    return parseJsonSpans(raw);
  } catch {
    return null;
  }
}
