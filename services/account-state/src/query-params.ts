import { AccountStateError } from './errors.ts';

const bad = (param: string, message: string) => new AccountStateError('WABUS_ACCOUNT_STATE_BAD_PARAM', { param, message: `${param}: ${message}` });

/** A query parameter given at most once and not empty; null when absent. */
export function optionalParam(query: Record<string, unknown>, name: string): string | null {
  const v = query[name];
  if (v === undefined) return null;
  if (typeof v !== 'string') throw bad(name, 'must be given once');
  if (v === '') throw bad(name, 'must not be empty');
  return v;
}

/** `tenant=<id>`: only that tenant's entities (docs/tenants.md). */
export const parseTenant = (query: Record<string, unknown>): string | null => optionalParam(query, 'tenant');

/** `limit`: 1 to 1000, default 100. */
export function parseLimit(query: Record<string, unknown>): number {
  const v = optionalParam(query, 'limit');
  if (v === null) return 100;
  if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 1000) throw bad('limit', 'must be an integer from 1 to 1000');
  return Number(v);
}

/** The template list's scope: a WABA, named or found through one of its numbers (exactly one of the two). */
export function parseTemplateScope(query: Record<string, unknown>): { wabaId: string } | { phoneNumberId: string } {
  const wabaId = optionalParam(query, 'wabaId');
  const phoneNumberId = optionalParam(query, 'phoneNumberId');
  if ((wabaId === null) === (phoneNumberId === null)) throw bad(wabaId === null ? 'wabaId' : 'phoneNumberId', 'give exactly one of wabaId and phoneNumberId');
  return wabaId !== null ? { wabaId } : { phoneNumberId: phoneNumberId! };
}
