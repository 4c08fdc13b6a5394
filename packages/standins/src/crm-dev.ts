import { startCrmStandIn, type CrmStandIn } from './crm.ts';

export const CRM_DEV_PORT = 8091;

/** The environment crm-sync needs to talk to the stand-in `startDevCrmStandIn` starts (for `pnpm dev`). */
export const CRM_DEV_ENV: Readonly<Record<string, string>> = {
  CRM_BASE_URL: `http://127.0.0.1:${CRM_DEV_PORT}`,
  CRM_AUTH_TOKEN: 'wabus-dev-crm-token',
  CRM_SIGNING_SECRET: 'wabus-dev-crm-signing-secret',
  CRM_BATCH: 'true',
};

/**
 * The CRM stand-in on its fixed dev port, checking the dev token and signature; `GET /contacts` shows what the CRM
 * holds. `log` gets one line per request.
 */
export function startDevCrmStandIn(opts: { port?: number; log?: (line: string) => void } = {}): Promise<CrmStandIn> {
  return startCrmStandIn({
    port: opts.port ?? CRM_DEV_PORT,
    host: '127.0.0.1',
    token: CRM_DEV_ENV['CRM_AUTH_TOKEN']!,
    secret: CRM_DEV_ENV['CRM_SIGNING_SECRET']!,
    ...(opts.log ? { log: opts.log } : {}),
  });
}
