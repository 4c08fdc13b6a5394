import { runService } from '@wabus/service/main';

await runService(import.meta.url, async () => (await import('./sender-service.ts')).senderService);
