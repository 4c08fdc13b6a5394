import { defineErrors } from '@wabus/errors';

/** Stable codes of every non-200 answer the ingress gives (and of a refused start); tests and dashboards classify by these. */
export const INGRESS_ERRORS = {
  WABUS_INGRESS_SIGNATURE_MISSING: { status: 401, message: 'X-Hub-Signature-256 header is missing' },
  WABUS_INGRESS_SIGNATURE_MALFORMED: { status: 401, message: 'X-Hub-Signature-256 must be sha256=<64 hex digits>' },
  WABUS_INGRESS_SIGNATURE_MISMATCH: { status: 401, message: 'signature does not match any configured app secret' },
  WABUS_INGRESS_UNAVAILABLE: { status: 503, message: 'events could not be stored in time; retry later' },
  WABUS_INGRESS_HANDSHAKE_PARAMS: { status: 400, message: 'hub.mode, hub.verify_token and hub.challenge are required' },
  WABUS_INGRESS_HANDSHAKE_REFUSED: { status: 403, message: 'verify token or mode does not match' },
  WABUS_INGRESS_CLIENT_CERT: { status: 403, message: 'client certificate subject is not accepted' },
  WABUS_INGRESS_NOT_FOUND: { status: 404, message: 'no such route' },
  /** A scrape with INGRESS_WORKERS > 1 while a worker did not answer in time (cluster-metrics.ts): no partial sums. */
  WABUS_INGRESS_METRICS_UNAVAILABLE: { status: 503, message: "the workers' metrics could not be gathered" },
  /** A start refused: a topic could not store a body of INGRESS_BODY_LIMIT (docs/limits.md). Never an answer. */
  WABUS_INGRESS_TOPIC_TOO_SMALL: { message: 'a topic cannot store a body of the configured limit' },
} as const;

export type IngressErrorCode = keyof typeof INGRESS_ERRORS;

export class IngressError extends defineErrors('IngressError', INGRESS_ERRORS) {}
