import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppSecret } from './config.ts';

export type SignatureCheck<S extends AppSecret = AppSecret> =
  { ok: true; secretLabel: string; secret: S } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

const HEADER_FORMAT = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Verifies `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` against every configured
 * secret, in constant time per comparison. Hex case is accepted either way (Meta sends lowercase).
 */
export function verifySignature<S extends AppSecret>(header: string | string[] | undefined, body: Buffer, secrets: readonly S[]): SignatureCheck<S> {
  if (header === undefined || header === '') return { ok: false, reason: 'missing' };
  if (Array.isArray(header)) return { ok: false, reason: 'malformed' };
  const m = HEADER_FORMAT.exec(header.trim());
  if (!m) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(m[1]!, 'hex');
  let matched: S | undefined;
  // Every secret is tried even after a match, so timing does not reveal which one matched.
  for (const s of secrets) {
    const expected = createHmac('sha256', s.secret).update(body).digest();
    if (timingSafeEqual(expected, given) && matched === undefined) matched = s;
  }
  return matched === undefined ? { ok: false, reason: 'mismatch' } : { ok: true, secretLabel: matched.label, secret: matched };
}
