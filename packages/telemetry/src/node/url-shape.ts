import type { Attributes, Span } from '@opentelemetry/api';

/** A run of seven digits or more: a phone number (a customer's `wa_id`) or a Meta numeric id. */
const LONG_NUMBER = /\d{7,}/;

/** The segment with all but its last four characters masked when it holds a long number (as logs mask customer numbers). */
function maskSegment(segment: string): string {
  if (!LONG_NUMBER.test(segment)) return segment;
  const shown = segment.length <= 4 ? '' : segment.slice(-4);
  return '*'.repeat(segment.length - shown.length) + shown;
}

/**
 * A request target (`/contacts/4915112345678?x=1`) with every path segment and query value that holds a long number
 * masked: `/contacts/*********5678?x=1`. URLs in client and server spans come from paths like crm-sync's
 * `PUT /contacts/<customer id>` and its `GET /v1/contacts/:customerId`, and spans never hold a customer's number in
 * full. Meta's numeric ids (a phone number id in a Graph API path) are masked too: a path cannot tell them apart.
 */
export function maskTarget(target: string): string {
  const q = target.indexOf('?');
  const path = (q < 0 ? target : target.slice(0, q)).split('/').map(maskSegment).join('/');
  if (q < 0) return path;
  const query = target
    .slice(q + 1)
    .split('&')
    .map((kv) => {
      const eq = kv.indexOf('=');
      return eq < 0 ? maskSegment(kv) : `${kv.slice(0, eq + 1)}${maskSegment(kv.slice(eq + 1))}`;
    })
    .join('&');
  return `${path}?${query}`;
}

/** An absolute URL with its path and query masked (`maskTarget`); scheme, host and port are kept. */
export function maskUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)(.*)$/i.exec(url);
  return m ? `${m[1]}${maskTarget(m[2]!)}` : maskTarget(url);
}

const TARGETS = ['url.path', 'url.query', 'http.target'] as const;
const URLS = ['url.full', 'http.url'] as const;

/**
 * For the HTTP and fetch instrumentations' request hooks: rewrites the URL attributes they set when the span started,
 * in both the current and the older semantic conventions, masked. A span that does not record has none.
 */
export function maskUrlAttributes(span: Span): void {
  const attributes = (span as Span & { attributes?: Attributes }).attributes;
  if (attributes === undefined) return;
  for (const key of TARGETS) {
    const v = attributes[key];
    if (typeof v === 'string') span.setAttribute(key, key === 'url.query' ? maskTarget(`?${v}`).slice(1) : maskTarget(v));
  }
  for (const key of URLS) {
    const v = attributes[key];
    if (typeof v === 'string') span.setAttribute(key, maskUrl(v));
  }
}
