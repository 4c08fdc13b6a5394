import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The delivery id: the same for one event and one subscription however often the event arrives (Meta retries,
 * redeliveries, replays), so it is the key of at-most-once and the receiver's deduplication key.
 */
export function deliveryIdOf(eventId: string, subscriptionId: string): string {
  return `dlv_${createHash('sha256').update(`${eventId}\n${subscriptionId}`).digest('hex').slice(0, 32)}`;
}

/** `v1` = hex HMAC-SHA256(secret, `${t}.${body}`), t in Unix seconds (the Stripe / Svix scheme). */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The headers of one signed attempt; `t` is the attempt's time, so a captured request cannot be replayed later. */
export function signedHeaders(o: { secret: string; deliveryId: string; body: string; now: number }): Record<string, string> {
  const t = Math.floor(o.now / 1000);
  return {
    'content-type': 'application/json',
    'x-wabus-delivery-id': o.deliveryId,
    'x-wabus-timestamp': String(t),
    'x-wabus-signature': `t=${t},v1=${signatureOf(o.secret, t, o.body)}`,
  };
}

/**
 * What a receiver does (and the tests): the header parsed, the signature compared in constant time, the timestamp
 * within `toleranceSeconds` of `now`.
 */
export function verifySignature(o: { secret: string; header: string; body: string; now: number; toleranceSeconds?: number }): boolean {
  const parts = new Map(o.header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(o.now / 1000 - t) > (o.toleranceSeconds ?? 300)) return false;
  const want = Buffer.from(signatureOf(o.secret, t, o.body), 'hex');
  const got = Buffer.from(v1, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}
