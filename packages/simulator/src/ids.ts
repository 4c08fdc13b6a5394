import type { Rng } from './rng.ts';

/**
 * A wamid shaped like Meta's: `wamid.` + base64 of a small protobuf-like record holding the customer's number,
 * a direction byte and 20 upper-case hex digits. Standard base64, so `+`, `/` and `=` occur as in real ids.
 */
export function makeWamid(rng: Rng, customerPhone: string, direction: 'inbound' | 'outbound'): string {
  const phone = Buffer.from(customerPhone.slice(0, 20), 'latin1');
  const hex = Buffer.from(upperHex(rng, 20), 'latin1');
  const record = Buffer.concat([
    Buffer.from([0x1c, 0x18, phone.length]),
    phone,
    Buffer.from([0x15, 0x02, 0x00, direction === 'inbound' ? 0x12 : 0x11, 0x18, hex.length]),
    hex,
    Buffer.from([0x00]),
  ]);
  return `wamid.${record.toString('base64')}`;
}

export const upperHex = (rng: Rng, n: number): string =>
  rng
    .bytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n)
    .toUpperCase();

export const lowerHex = (rng: Rng, n: number): string =>
  rng
    .bytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);

/** Media ids are opaque decimal strings, 15 to 16 digits. */
export const mediaId = (rng: Rng): string => rng.digits(rng.int(15, 16));

/** `sha256` of a media object: base64 of 32 bytes. */
export const mediaSha256 = (rng: Rng): string => rng.bytes(32).toString('base64');

/** 64-bit ids (templates, catalogs) as decimal literals above 2^53, which JSON.parse cannot hold exactly. */
export const bigDecimalId = (rng: Rng): string => `1${rng.digits(18)}`;
