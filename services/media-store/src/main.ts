import { runService } from '@wabus/service/main';

// media-store's entry point: runService (packages/service) sets up tracing before anything else is loaded, so the
// lookups and downloads over fetch are traced (the token is a header, never recorded); the service module comes after.
await runService(import.meta.url, async () => (await import('./media-store-service.ts')).mediaStoreService);
