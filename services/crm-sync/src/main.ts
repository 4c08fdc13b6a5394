import { runService } from '@wabus/service/main';

// The composition root: the chassis starts tracing (node:http and fetch, the CRM calls, are instrumented), reads the
// configuration, logs with the CRM token and signing secret redacted, starts the service and stops it on
// SIGTERM/SIGINT (packages/service).
await runService(import.meta.url, async () => (await import('./crm-sync-service.ts')).crmSyncService);
