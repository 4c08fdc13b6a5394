export { createIdentityLinks, ensureIdentityIndexes, MAX_PERSON_ALIASES } from './identity-links.ts';
export type { AliasSet, IdentityLinks, LinkDoc, Person } from './identity-links.ts';
