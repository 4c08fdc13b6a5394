import type { ExpectedItem } from './generated-item.ts';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`expected an object, got ${JSON.stringify(v)}`);
  return v as Obj;
};
const arr = (v: unknown): unknown[] => {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v;
};
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** An independent, test-only reading of a parsed body, to check buildBody's ExpectedItem list against. */
export function walkBody(parsed: unknown): ExpectedItem[] {
  const root = obj(parsed);
  if (root['object'] !== 'whatsapp_business_account') throw new Error('object is not whatsapp_business_account');
  const out: ExpectedItem[] = [];
  for (const e of arr(root['entry'])) {
    for (const ch of arr(obj(e)['changes'])) {
      const change = obj(ch);
      const field = str(change['field']);
      if (field === null) throw new Error('change without field');
      const value = obj(change['value']);
      const metadata = value['metadata'] === undefined ? null : obj(value['metadata']);
      const phoneNumberId = metadata === null ? null : str(metadata['phone_number_id']);
      const push = (kind: ExpectedItem['kind'], id: string | null, customerId: string | null, itemType: string | null) =>
        out.push({ kind, id, field, phoneNumberId, customerId, itemType });
      if (value['messages'] !== undefined) {
        for (const m of arr(value['messages']).map(obj)) push('message', str(m['id']), str(m['from']) ?? str(m['from_user_id']), str(m['type']));
      } else if (value['statuses'] !== undefined) {
        for (const s of arr(value['statuses']).map(obj)) push('status', str(s['id']), str(s['recipient_id']) ?? str(s['recipient_user_id']), str(s['status']));
      } else if (value['message_echoes'] !== undefined) {
        for (const m of arr(value['message_echoes']).map(obj)) push('message_echo', str(m['id']), str(m['to']) ?? str(m['to_user_id']), str(m['type']));
      } else if (value['errors'] !== undefined) {
        for (const x of arr(value['errors']).map(obj)) push('error', null, null, String(x['code']));
      } else {
        push('change', null, null, field);
      }
    }
  }
  return out;
}
