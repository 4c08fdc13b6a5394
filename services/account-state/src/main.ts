import { runService } from '@wabus/service/main';

// The composition root: the chassis starts tracing, reads the configuration, logs, starts the service and stops it on
// SIGTERM/SIGINT (packages/service). The service itself is imported after tracing has started.
await runService(import.meta.url, async () => (await import('./account-state-service.ts')).accountStateService);
