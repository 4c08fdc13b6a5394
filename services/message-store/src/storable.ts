import type { JsonValue, MessageContent } from '@wabus/events';

/** Latest representable instant: `new Date(ms)` is invalid beyond ±8.64e15 ms. */
const MAX_MS = 8.64e15;

/** Unix seconds as a Date; null when absent or beyond what a Date (and BSON) can hold. */
export function dateOfSeconds(seconds: number | null): Date | null {
  if (seconds === null) return null;
  const ms = seconds * 1000;
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_MS ? new Date(ms) : null;
}

/**
 * Whether arbitrary JSON can be stored as a document value as is. Keys come from a customer's Flow answers here, and
 * a key the store refuses (`$`-prefixed, dotted, empty, NUL, `__proto__`) would fail the write on every retry: such
 * values are kept only as the JSON text they came in.
 */
export function isStorableJson(value: JsonValue): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(isStorableJson);
  for (const [key, v] of Object.entries(value)) {
    if (key === '' || key === '__proto__' || key.startsWith('$') || key.includes('.') || key.includes('\0')) return false;
    if (!isStorableJson(v)) return false;
  }
  return true;
}

/** The content with a Flow response the store cannot hold reduced to its text (`responseJson`). */
export function storableContent(content: MessageContent): MessageContent {
  if (content.type === 'edit') {
    const inner = content.edit.message;
    return inner === null ? content : { type: 'edit', edit: { ...content.edit, message: storableContent(inner) } };
  }
  if (content.type !== 'interactive') return content;
  const i = content.interactive;
  if (i.type !== 'nfm_reply' || i.response === null || isStorableJson(i.response)) return content;
  return { type: 'interactive', interactive: { ...i, response: null } };
}
