export { TenantsError } from './errors.ts';
export { DEFAULT_TENANT, environmentTenants, tenantOfEvent, tenantsOf } from './tenant.ts';
export type { Tenant, TenantCrm, Tenants } from './tenant.ts';
export { parseTenants } from './parse-tenants.ts';
export type { SecretSources } from './parse-tenants.ts';
export { loadTenantsFile, watchTenantsFile } from './load-tenants.ts';
export type { TenantsHandle } from './load-tenants.ts';
export { ownerOfBody } from './owner-of-body.ts';
export type { BodyOwnership } from './owner-of-body.ts';
