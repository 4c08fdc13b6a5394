import { runService } from '@wabus/service/main';

await runService(import.meta.url, async () => (await import('./latest-message-service.ts')).latestMessageService);
