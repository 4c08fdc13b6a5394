import { runService } from '@wabus/service/main';

// The composition root: the chassis starts tracing (fetch, the Graph API calls, is instrumented; the access token
// travels in a header, which no span records), reads the configuration, logs with secrets redacted, starts the
// service and stops it on SIGTERM/SIGINT (packages/service).
await runService(import.meta.url, async () => (await import('./auto-reply-service.ts')).autoReplyService);
