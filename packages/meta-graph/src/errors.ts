import { defineErrors } from '@wabus/errors';

/** `wabus meta subscribe` / `meta check` (docs/meta.md): none reaches an API; the CLI maps them to exit status 4 or 1. */
export const META_ERRORS = {
  /** Meta answered `error.code` 190: the token is invalid or expired (the app's, or a tenant's Graph token). */
  WABUS_META_TOKEN_INVALID: { message: 'the Graph token is invalid or expired (code 190)' },
  /** Nothing usable came back from the Graph API: refused connection, unknown host, timeout, an answer that is not Meta's. */
  WABUS_META_GRAPH_UNREACHABLE: { message: 'the Graph API did not answer' },
  /** Meta answered another error code (permissions 10/200, an unknown object 100, a failed callback verification 2200…). */
  WABUS_META_GRAPH_ERROR: { message: 'the Graph API answered an error' },
  /** No tenant to work on: no tenants file, no tenant with `meta`, or `--tenant` names one without. */
  WABUS_META_NOT_CONFIGURED: { message: 'no tenant has a meta section' },
  /** A tenant with `meta` has no Graph token: neither `graphAccessToken` nor WHATSAPP_ACCESS_TOKEN. */
  WABUS_META_NO_TOKEN: { message: 'no Graph token for the WABA calls' },
  /** Two tenants of one app disagree on its callback URL: one app has one callback. */
  WABUS_META_CONFLICT: { message: 'tenants of one app disagree' },
} as const;

export class MetaError extends defineErrors('MetaError', META_ERRORS) {}

/** The codes that mean Meta could not be asked or refused to answer (exit status 4), as opposed to a bad file (1). */
export const GRAPH_FAILURES: ReadonlySet<string> = new Set(['WABUS_META_TOKEN_INVALID', 'WABUS_META_GRAPH_UNREACHABLE', 'WABUS_META_GRAPH_ERROR']);
