/** The tenants file, or one value in it, is not usable; the message names the tenant and the field. */
export class TenantsError extends Error {
  readonly code = 'WABUS_TENANTS_INVALID';
  /** Where: `tenants[1] (acme).phoneNumberIds[0]`, or the file itself. */
  readonly at: string;

  constructor(at: string, message: string, options?: { cause?: unknown }) {
    super(`${at}: ${message}`, options);
    this.name = 'TenantsError';
    this.at = at;
  }
}
