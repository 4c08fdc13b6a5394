import { createHmac } from 'node:crypto';

/** The `X-Hub-Signature-256` header value: `sha256=<lowercase hex HMAC-SHA256(secret, exact body bytes)>`. */
export function signBody(body: Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
