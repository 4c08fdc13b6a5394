import { randomBytes } from 'node:crypto';

/** Meta's error envelope (Graph API "Handling errors"); `error.code` is what a client must branch on. */
export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

// The codes WHATSAPP.md lists, with the wording and status Meta uses for them (400 unless noted; libraries disagree
// on 400 vs 429 for the rate limits, which is why clients must not branch on the status).
const KNOWN: Record<number, { message: string; type: string; status: number }> = {
  4: { message: '(#4) Application request limit reached', type: 'OAuthException', status: 400 },
  100: { message: '(#100) Invalid parameter', type: 'OAuthException', status: 400 },
  190: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', status: 401 },
  80007: { message: '(#80007) Rate limit issues', type: 'OAuthException', status: 400 },
  130429: { message: '(#130429) Rate limit hit', type: 'OAuthException', status: 400 },
  131026: { message: '(#131026) Message Undeliverable.', type: 'OAuthException', status: 400 },
  131047: { message: '(#131047) Re-engagement message', type: 'OAuthException', status: 400 },
  131048: { message: '(#131048) Spam rate limit hit', type: 'OAuthException', status: 400 },
  131056: { message: '(#131056) (Business Account, Consumer Account) pair rate limit hit', type: 'OAuthException', status: 400 },
};

/** The HTTP status and body Meta answers for `code`; every part can be overridden. */
export function graphError(
  code: number,
  over: { status?: number; message?: string; type?: string; subcode?: number } = {},
): { status: number; body: GraphErrorBody } {
  const known = KNOWN[code] ?? { message: `(#${code}) Error`, type: 'OAuthException', status: 400 };
  const message = over.message ?? known.message;
  return {
    status: over.status ?? known.status,
    body: {
      error: {
        message,
        type: over.type ?? known.type,
        code,
        ...(over.subcode !== undefined ? { error_subcode: over.subcode } : {}),
        error_data: { messaging_product: 'whatsapp', details: message },
        fbtrace_id: randomBytes(12).toString('base64url'),
      },
    },
  };
}
