export { createIdentityLinks, ensureIdentityIndexes } from './identity-links.ts';
export type { AliasSet, IdentityLinks, LinkDoc, Person } from './identity-links.ts';
