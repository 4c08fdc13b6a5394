import { readFileSync } from 'node:fs';
import type { FastifyServerOptions } from 'fastify';
import type { IngressConfig } from './config.ts';

/** How long a client may hold a connection, and how often that is enforced (README, configuration). */
export interface ServerTimeouts {
  /** Headers and the whole body must arrive within this (`408` then the socket is closed). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often the request and headers timeouts are checked: a slow client holds its socket up to timeout + this. */
  connectionsCheckIntervalMs: number;
}

/**
 * The server's timeouts, for fastify and, through `http` (or `https`, whose server takes the same options), for
 * Node's server: request and headers timeouts, keep-alive, the check interval (Node's default, 30 s, would let a
 * slowloris hold its socket 30 s past the request timeout), and an inactivity timeout on every socket (a client that
 * neither sends nor reads, e.g. one that never reads its responses, once its buffers are full).
 */
export function serverTimeoutOptions(t: ServerTimeouts, https?: object): Partial<FastifyServerOptions> & { http: object; https?: object } {
  const node = { requestTimeout: t.requestTimeoutMs, headersTimeout: t.requestTimeoutMs, connectionsCheckingInterval: t.connectionsCheckIntervalMs };
  return {
    requestTimeout: t.requestTimeoutMs,
    connectionTimeout: t.requestTimeoutMs,
    keepAliveTimeout: t.keepAliveTimeoutMs,
    http: node,
    ...(https === undefined ? {} : { https: { ...https, ...node } }),
  };
}

/**
 * HTTPS when a certificate is configured (otherwise plain HTTP behind a TLS-terminating proxy). With mTLS the TLS
 * layer requires a client certificate that chains to the CA bundle (Node's public roots by default, which hold
 * the DigiCert root Meta's client certificate chains to); the subject check happens per request in the app.
 */
export function httpsOptions(cfg: Pick<IngressConfig, 'tlsCert' | 'tlsKey' | 'mtls' | 'mtlsCa'>): { https: object } | Record<string, never> {
  if (cfg.tlsCert === '') return {};
  return {
    https: {
      cert: readFileSync(cfg.tlsCert),
      key: readFileSync(cfg.tlsKey),
      minVersion: 'TLSv1.2',
      ...(cfg.mtls ? { requestCert: true, rejectUnauthorized: true, ...(cfg.mtlsCa !== '' ? { ca: readFileSync(cfg.mtlsCa) } : {}) } : {}),
    },
  };
}
