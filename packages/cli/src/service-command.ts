import { pathToFileURL } from 'node:url';
import { findService } from '@wabus/service/registry';
import { UsageError } from './usage-error.ts';

/**
 * `wabus <service>`: the production start of a service (the image's entry point, `wabus dev`, the tests). Loads the
 * service's composition root, which runs on the chassis until SIGTERM. False when no service has that name.
 */
export async function runServiceCommand(name: string, args: string[]): Promise<boolean> {
  const service = findService(name);
  if (service === undefined) return false;
  if (args.length > 0) throw new UsageError(`${name} takes no arguments (its configuration is the environment): ${args.join(' ')}`);
  await import(pathToFileURL(service.entry).href);
  return true;
}
