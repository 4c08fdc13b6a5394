import { runService } from '@wabus/service/main';

await runService(import.meta.url, async () => (await import('./dispatcher-service.ts')).dispatcherService);
