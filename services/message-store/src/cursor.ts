import { MessageStoreError } from './errors.ts';

/** A position in a listing: the sort time (epoch ms, null sorts as the lowest) and the `_id` that breaks ties. */
export interface Cursor {
  t: number | null;
  id: string;
}

/** Opaque to clients: base64url of `[t, id]`. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.t, c.id]), 'utf8').toString('base64url');
}

/** Throws WABUS_MESSAGE_STORE_BAD_CURSOR for anything `encodeCursor` did not make. */
export function decodeCursor(text: string): Cursor {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new MessageStoreError('WABUS_MESSAGE_STORE_BAD_CURSOR', { cause, param: 'cursor' });
  }
  if (!Array.isArray(value) || value.length !== 2) throw new MessageStoreError('WABUS_MESSAGE_STORE_BAD_CURSOR', { param: 'cursor' });
  const [t, id] = value as [unknown, unknown];
  if ((t !== null && !(typeof t === 'number' && Number.isSafeInteger(t))) || typeof id !== 'string') {
    throw new MessageStoreError('WABUS_MESSAGE_STORE_BAD_CURSOR', { param: 'cursor' });
  }
  return { t, id };
}
