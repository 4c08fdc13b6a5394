import { asObject, numberAt, objectAt, stringAt } from './json-read.ts';
import { getMember } from './json-node.ts';
import type { JsonNode } from './json-node.ts';
import type { WhatsAppError } from './parsed-item.ts';

/** One Graph/webhook error object: `{ code, title, message, error_data: { details }, href }`. */
export function parseError(node: JsonNode | null | undefined): WhatsAppError {
  const obj = asObject(node);
  const code = numberAt(obj, 'code');
  return {
    code: code !== null && Number.isSafeInteger(code) ? code : null,
    title: stringAt(obj, 'title'),
    message: stringAt(obj, 'message'),
    // Legacy payloads put `details` at the top level instead of under `error_data`.
    details: stringAt(objectAt(obj, 'error_data'), 'details') ?? stringAt(obj, 'details'),
    href: stringAt(obj, 'href'),
  };
}

/** An `errors` array of an object; anything else reads as no errors. */
export function parseErrors(owner: JsonNode | null): WhatsAppError[] {
  const node = getMember(owner, 'errors');
  return node !== undefined && node.type === 'array' ? node.items.filter(isObject).map(parseError) : [];
}

function isObject(node: JsonNode): boolean {
  return node.type === 'object';
}
