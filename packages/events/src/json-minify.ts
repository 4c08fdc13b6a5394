/**
 * The bytes of the JSON value in `buf[start, end)` with the whitespace between tokens removed.
 * Strings are copied untouched (escapes are NOT normalised), so equal input bytes up to
 * formatting give equal output. The input must be valid JSON (a span from `parseJsonSpans`).
 * When nothing needs removing, the result is a view of `buf` (no copy): treat it as read-only.
 */
export function minify(buf: Buffer, start = 0, end = buf.length): Buffer {
  let i = start;
  let inString = false;
  // Scan until the first whitespace outside a string; compact input needs no copy at all.
  for (; i < end; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      break;
    }
  }
  if (i >= end) return buf.subarray(start, end);

  const out = Buffer.allocUnsafe(end - start);
  let o = buf.copy(out, 0, start, i);
  // Byte loop with direct writes: pretty-printed JSON has a whitespace run on every line, and a
  // native copy per run costs more than copying the bytes here.
  for (; i < end; i++) {
    const c = buf[i]!;
    if (inString) {
      out[o++] = c;
      if (c === 0x5c) out[o++] = buf[++i]!;
      else if (c === 0x22) inString = false;
    } else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      out[o++] = c;
      if (c === 0x22) inString = true;
    }
  }
  return out.subarray(0, o);
}
