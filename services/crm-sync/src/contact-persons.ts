import { aliasValue, bsuidAlias, isBusinessScopedId, phoneAlias, type Alias } from '@wabus/events';
import type { IdentityLinks } from '@wabus/identity';
import { DEFAULT_TENANT } from '@wabus/tenants';
import type { BatchFact } from './group-contact-facts.ts';
import type { ContactState } from './contact-state.ts';

/** A person of a tenant as this batch knows it: the CRM contact's id and every alias. */
export interface ContactPerson {
  id: string;
  tenantId: string;
  aliases: Alias[];
}

export interface ContactPersons {
  /** The CRM id of a fact's person. */
  contactOf(f: BatchFact): string;
  /** Every person the batch touched, by CRM id. */
  byId: Map<string, ContactPerson>;
  /** Alias sets the identity map refused (a person would pass MAX_PERSON_ALIASES): logged by the caller. */
  refused: { scope: string; aliases: readonly Alias[] }[];
}

/**
 * The CRM id of a person: the value of its id (its smallest alias), as before tenants for the `default` tenant
 * (`5511999990000`, `BR.1234…`), prefixed `<tenant>:` for the others, so two tenants' customers never share a contact.
 */
export const crmIdOf = (tenantId: string, personId: Alias): string =>
  tenantId === DEFAULT_TENANT ? aliasValue(personId) : `${tenantId}:${aliasValue(personId)}`;

/** The aliases of a fact, never empty: the id the event named when it named nothing else. */
export const factAliases = (s: Pick<ContactState, 'aliases' | 'id'>): Alias[] =>
  s.aliases.length > 0 ? (s.aliases as Alias[]) : [isBusinessScopedId(s.id) ? bsuidAlias(s.id) : phoneAlias(s.id)];
const aliasesOf = (f: BatchFact): Alias[] => factAliases(f.state);

/**
 * Links each fact's aliases in its tenant's identity map (the tenant is the scope: the same customer of two tenants
 * is two persons), then names each fact's person. Links are written before they are read, so concurrent writers
 * agree (packages/identity).
 */
export async function resolveContactPersons(identity: IdentityLinks, facts: readonly BatchFact[]): Promise<ContactPersons> {
  const sets = facts.map((f) => ({ scope: f.state.tenantId, aliases: aliasesOf(f) }));
  const refused = await identity.link(sets);
  const resolved = await identity.resolve(sets);
  const byFact = new Map<BatchFact, string>();
  const byId = new Map<string, ContactPerson>();
  for (const f of facts) {
    const tenantId = f.state.tenantId;
    const aliases = aliasesOf(f);
    // Every alias of the fact is in one person, unless its link was refused: then the first alias's person.
    const person = resolved.get(tenantId)?.get(aliases[0]!) ?? { id: aliases[0]!, aliases };
    const id = crmIdOf(tenantId, person.id);
    byFact.set(f, id);
    const known = byId.get(id);
    byId.set(id, { id, tenantId, aliases: [...new Set([...(known?.aliases ?? []), ...person.aliases])].sort() });
  }
  return { contactOf: (f) => byFact.get(f)!, byId, refused };
}

/** The customer ids (phone numbers, BSUIDs) a person's messages may be recorded under in the ledger. */
export const customerIdsOf = (p: ContactPerson | undefined, fallback: string): string[] => (p === undefined ? [fallback] : p.aliases.map(aliasValue));
