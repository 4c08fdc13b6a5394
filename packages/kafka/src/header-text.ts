import type { IHeaders } from 'kafkajs';

/** A record's headers as text (the first value of a repeated header; Buffers read as UTF-8). */
export function headerText(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}
