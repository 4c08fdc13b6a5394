import { readFileSync } from 'node:fs';
import type { IngressConfig } from './config.ts';

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
