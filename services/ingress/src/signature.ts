import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppSecret } from './config.ts';

export type SignatureCheck =
  | { ok: true; secretLabel: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

const HEADER_FORMAT = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Verifies `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` against every configured
 * secret, in constant time per comparison. Hex case is accepted either way (Meta sends lowercase).
 */
export function verifySignature(header: string | string[] | undefined, body: Buffer, secrets: readonly AppSecret[]): SignatureCheck {
  if (header === undefined || header === '') return { ok: false, reason: 'missing' };
  if (Array.isArray(header)) return { ok: false, reason: 'malformed' };
  const m = HEADER_FORMAT.exec(header.trim());
  if (!m) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(m[1]!, 'hex');
  let matched: string | undefined;
  // Every secret is tried even after a match, so timing does not reveal which one matched.
  for (const { label, secret } of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    if (timingSafeEqual(expected, given) && matched === undefined) matched = label;
  }
  return matched === undefined ? { ok: false, reason: 'mismatch' } : { ok: true, secretLabel: matched };
}

