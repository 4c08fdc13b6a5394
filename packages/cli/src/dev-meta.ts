import { resolve } from 'node:path';
import type { StandInMetaOptions } from '@wabus/standins';
import type { Tenants } from '@wabus/tenants';
import { repoRoot } from './repo-paths.ts';

/** The tenants file of `pnpm dev`'s Meta setup: `pnpm wabus meta subscribe|check --tenants-file infra/tenants.dev.json`. */
export const devTenantsFile = resolve(repoRoot, 'infra/tenants.dev.json');

/**
 * The Graph stand-in's Meta state for these tenants, as Meta would hold it before `meta subscribe`: each tenant's app
 * (its token `<appId>|<appSecret>`) with no webhook yet, its WABAs subscribed to nothing, its numbers healthy
 * (CONNECTED, GREEN) under its first WABA; callback URLs verified by a real handshake (ingress answers it).
 */
export function devMetaState(tenants: Tenants): StandInMetaOptions {
  const withMeta = tenants.list.filter((t) => t.meta !== null);
  return {
    apps: withMeta.map((t) => ({ id: t.meta!.appId, secret: t.meta!.appSecret, name: `wabus ${t.id}` })),
    wabas: withMeta.flatMap((t) => t.wabaIds.map((id, i) => ({ id, phoneNumbers: i === 0 ? t.phoneNumberIds.map((n) => ({ id: n })) : [] }))),
    tokenApps: Object.fromEntries(withMeta.flatMap((t) => (t.graphAccessToken === null ? [] : [[t.graphAccessToken, t.meta!.appId]]))),
    verifyCallbacks: true,
  };
}
