export { buildIngressApp } from './app.ts';
export type { IngressDeps } from './app.ts';
export { loadIngressConfig, ingressSchema, parseAppSecrets } from './config.ts';
export type { IngressConfig, AppSecret } from './config.ts';
export { createKafkaPublisher } from './kafka-publisher.ts';
export { createIngressMetrics } from './metrics.ts';
export { recordsFor, createPublisher } from './publisher.ts';
export { verifySignature } from './signature.ts';
export { httpsOptions } from './server-options.ts';
