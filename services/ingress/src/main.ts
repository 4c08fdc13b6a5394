import { runService } from '@wabus/service/main';

// The composition root: the chassis starts tracing, reads the configuration, logs, starts ingress and stops it on
// SIGTERM/SIGINT (packages/service). Ingress makes its own server spans (request-span.ts), hands each its parent
// explicitly and calls no HTTP API: neither the HTTP instrumentation nor async context tracking, both costly per
// request at ingress' rates.
await runService(import.meta.url, async () => (await import('./ingress-service.ts')).ingressService, { instrumentHttp: false, asyncContext: false });
