import type { Filter } from 'mongodb';
import type { AccountDocument, PhoneNumberDocument, TemplateDocument, WabaDocument } from './account-documents.ts';
import type { AccountCollections } from './account-indexes.ts';
import { languageKey } from './read-template-fact.ts';
import { displayDigits } from './value-read.ts';

/** With `tenant`, only that tenant's documents: another tenant's entity reads as unknown (docs/tenants.md). */
const scoped = <D extends AccountDocument>(filter: Filter<D>, tenant: string | null): Filter<D> => (tenant === null ? filter : { ...filter, tenantId: tenant });

export const findWaba = (c: AccountCollections, id: string, tenant: string | null): Promise<WabaDocument | null> =>
  c.wabas.findOne(scoped<WabaDocument>({ _id: id }, tenant));

/** A business number by its Meta id (`phone_number_id`) or its display number (any punctuation). */
export function findPhoneNumber(c: AccountCollections, id: string, tenant: string | null): Promise<PhoneNumberDocument | null> {
  const digits = displayDigits(id);
  const either: Filter<PhoneNumberDocument> = digits === null ? { phoneNumberId: id } : { $or: [{ phoneNumberId: id }, { _id: digits }] };
  // A display number and another number's Meta id could collide in theory: the Meta id is asked first.
  return c.phoneNumbers
    .find(scoped(either, tenant))
    .toArray()
    .then((docs) => docs.find((d) => d.phoneNumberId === id) ?? docs[0] ?? null);
}

export const findTemplate = (c: AccountCollections, wabaId: string, name: string, language: string, tenant: string | null): Promise<TemplateDocument | null> =>
  c.templates.findOne(scoped<TemplateDocument>({ wabaId, name, languageKey: languageKey(language) }, tenant));

export interface TemplateQuery {
  wabaId: string;
  name: string | null;
  language: string | null;
  status: string | null;
  limit: number;
}

/** A WABA's templates, by name then language; optionally one name, one language, one current status. */
export function listTemplates(c: AccountCollections, q: TemplateQuery, tenant: string | null): Promise<TemplateDocument[]> {
  const filter: Filter<TemplateDocument> = { wabaId: q.wabaId };
  if (q.name !== null) filter.name = q.name;
  if (q.language !== null) filter.languageKey = languageKey(q.language);
  if (q.status !== null) filter['status.value'] = q.status;
  return c.templates.find(scoped(filter, tenant)).sort({ name: 1, languageKey: 1 }).limit(q.limit).toArray();
}
