import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { bodyOfClass, BODY_CLASSES, referenceExplode, type BodyClass, type ReferenceItem } from '@wabus/testing/fuzz';
import { sign } from './test-helpers.ts';

/**
 * The classes of POST the ingress fuzz sends (docs/fuzz.md): every body class of @wabus/testing/fuzz signed and sent
 * as JSON, and the HTTP-level ones. Each case carries the answer README's "What the ingress answers" documents for it.
 */
export const HTTP_CLASSES = [...BODY_CLASSES, 'retry', 'json_content_type', 'empty', 'unsigned', 'bad_signature', 'wrong_content_type', 'oversize'] as const;
export type HttpClass = (typeof HTTP_CLASSES)[number];

export type Expected =
  | { status: 200; disposition: 'accepted'; items: ReferenceItem[] }
  | { status: 200; disposition: 'quarantined'; reason: string }
  | { status: 401 | 413 | 415; code: string };

export interface HttpCase {
  cls: HttpClass;
  body: Buffer;
  /** Spaces appended when sending (oversize bodies are built only then: they are megabytes each). */
  padding: number;
  headers: Record<string, string>;
  /** Sent with `Transfer-Encoding: chunked` instead of a Content-Length. */
  chunked: boolean;
  expected: Expected;
  /** For `retry`: the index of the earlier case whose body this one repeats (set by `resolveRetries`). */
  retryOf?: number;
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8'];
const OTHER_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json-seq',
  'text/json',
  '',
];
const BODY_LIMIT = 3 * 1024 * 1024;

export const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** What a signed JSON POST of `body` must get: accepted with its items, or quarantined with the oracle's reason. */
export function expectedForSigned(body: Buffer): Expected {
  const ref = referenceExplode(body);
  return ref.ok ? { status: 200, disposition: 'accepted', items: ref.items } : { status: 200, disposition: 'quarantined', reason: ref.reason };
}

const signed = (cls: HttpClass, body: Buffer, contentType = 'application/json'): HttpCase => ({
  cls,
  body,
  padding: 0,
  headers: { 'content-type': contentType, 'x-hub-signature-256': sign(body) },
  chunked: false,
  expected: expectedForSigned(body),
});

const valid = bodyOfClass('valid').map((b) => b.body);
const flipHex = (sig: string, at: number) => {
  const i = 7 + (at % 64);
  return sig.slice(0, i) + (sig[i] === '0' ? '1' : '0') + sig.slice(i + 1);
};

const BAD_SIGNATURES: readonly ((body: Buffer, at: number) => [string, string])[] = [
  () => ['sha1=0123456789abcdef0123456789abcdef01234567', 'WABUS_INGRESS_SIGNATURE_MALFORMED'],
  () => ['sha256=abcd', 'WABUS_INGRESS_SIGNATURE_MALFORMED'],
  () => [`sha256=${'g'.repeat(64)}`, 'WABUS_INGRESS_SIGNATURE_MALFORMED'],
  (b) => [sign(b).replace('sha256=', 'SHA256='), 'WABUS_INGRESS_SIGNATURE_MALFORMED'],
  (b) => [sign(b, 'another-secret'), 'WABUS_INGRESS_SIGNATURE_MISMATCH'],
  (b) => [sign(Buffer.concat([b, Buffer.from('\n')])), 'WABUS_INGRESS_SIGNATURE_MISMATCH'],
  (b, at) => [flipHex(sign(b), at), 'WABUS_INGRESS_SIGNATURE_MISMATCH'],
];

const ARBITRARIES: Record<Exclude<HttpClass, BodyClass>, fc.Arbitrary<HttpCase>> = {
  // Meta's retries: the very bytes of an earlier valid case, accepted again (consumers deduplicate by event id).
  retry: fc.nat().map((n) => ({ ...signed('retry', Buffer.alloc(0)), retryOf: n })),
  json_content_type: fc.tuple(valid, fc.constantFrom(...JSON_TYPES)).map(([body, type]) => signed('json_content_type', body, type)),
  // No body: signed, it is a body that is not JSON (quarantined), unless a content type other than JSON is given (415).
  empty: fc.constantFrom(undefined, 'application/json', 'text/plain').map((type) => {
    const c = signed('empty', Buffer.alloc(0));
    if (type === undefined) delete c.headers['content-type'];
    else c.headers['content-type'] = type;
    return type === 'text/plain' ? { ...c, expected: { status: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' } } : c;
  }),
  unsigned: fc.tuple(valid, fc.boolean()).map(([body, emptyHeader]) => {
    const c = signed('unsigned', body);
    if (emptyHeader) c.headers['x-hub-signature-256'] = '';
    else delete c.headers['x-hub-signature-256'];
    return { ...c, expected: { status: 401, code: 'WABUS_INGRESS_SIGNATURE_MISSING' } };
  }),
  bad_signature: fc.tuple(valid, fc.nat(), fc.nat()).map(([body, which, at]) => {
    const [header, code] = BAD_SIGNATURES[which % BAD_SIGNATURES.length]!(body, at);
    const c = signed('bad_signature', body);
    c.headers['x-hub-signature-256'] = header;
    return { ...c, expected: { status: 401, code } };
  }),
  wrong_content_type: fc.tuple(valid, fc.option(fc.constantFrom(...OTHER_TYPES), { nil: undefined })).map(([body, type]) => {
    const c = signed('wrong_content_type', body);
    if (type === undefined) delete c.headers['content-type'];
    else c.headers['content-type'] = type;
    return { ...c, expected: { status: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' } };
  }),
  // Over the limit by 1 byte to 1 MB, declared by Content-Length or not (chunked): the limit is counted either way.
  oversize: fc.tuple(valid, fc.integer({ min: 1, max: 1024 * 1024 }), fc.boolean()).map(([body, over, chunked]) => ({
    ...signed('oversize', body),
    padding: BODY_LIMIT - body.length + over,
    chunked,
    expected: { status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' },
  })),
};

/** Every class, weighted (per 1,000 cases): the body classes most, megabyte bodies least. */
const WEIGHTS: Record<HttpClass, number> = {
  ...(Object.fromEntries(BODY_CLASSES.map((c) => [c, c === 'large' ? 1 : 60])) as Record<BodyClass, number>),
  retry: 40,
  json_content_type: 30,
  empty: 10,
  unsigned: 50,
  bad_signature: 70,
  wrong_content_type: 60,
  oversize: 3,
};

export const httpCaseArb: fc.Arbitrary<HttpCase> = fc.oneof(
  ...HTTP_CLASSES.map((cls) => ({
    weight: WEIGHTS[cls],
    arbitrary: (HTTP_CLASSES.slice(0, BODY_CLASSES.length) as readonly string[]).includes(cls)
      ? bodyOfClass(cls as BodyClass).map((b) => signed(cls, b.body))
      : ARBITRARIES[cls as Exclude<HttpClass, BodyClass>],
  })),
);

/** Points every `retry` case at an earlier accepted case and copies its body, headers and expected answer. */
export function resolveRetries(cases: HttpCase[]): void {
  const accepted: number[] = [];
  cases.forEach((c, i) => {
    if (c.cls === 'retry') {
      const of = accepted.length === 0 ? undefined : accepted[c.retryOf! % accepted.length]!;
      // Nothing accepted before it (rare, at the very start): a retry of a delivery that had nothing in it.
      if (of === undefined) cases[i] = signed('retry', Buffer.from('{"object":"whatsapp_business_account","entry":[]}'));
      else cases[i] = { ...cases[of]!, cls: 'retry', retryOf: of };
    } else if (c.expected.status === 200 && c.expected.disposition === 'accepted') accepted.push(i);
  });
}

/** The body as sent (with its padding). */
export const bodyOf = (c: HttpCase): Buffer => (c.padding === 0 ? c.body : Buffer.concat([c.body, Buffer.alloc(c.padding, 0x20)]));
