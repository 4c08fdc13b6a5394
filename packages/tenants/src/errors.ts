import { defineErrors } from '@wabus/errors';

/** The one code of `@wabus/tenants`: a start-up (or SIGHUP reload) failure, so no HTTP status. */
export const TENANTS_ERRORS = {
  WABUS_TENANTS_INVALID: { message: 'invalid tenants file' },
} as const;

/**
 * The tenants file, or one value in it, is not usable; the message names the tenant and the field, and so does
 * `param`: `tenants[1] (acme).phoneNumberIds[0]`, or the file itself.
 */
export class TenantsError extends defineErrors('TenantsError', TENANTS_ERRORS) {
  constructor(at: string, message: string, options?: { cause?: unknown }) {
    super('WABUS_TENANTS_INVALID', { message: `${at}: ${message}`, param: at, ...options });
  }
}
