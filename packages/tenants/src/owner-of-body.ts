import type { Tenants } from './tenant.ts';

/** Why a body is not its signer's: the quarantine reasons of ownership (not of the body's form). */
export const OWNERSHIP_REASONS = ['tenant_mismatch', 'unknown_owner'] as const;
export type OwnershipReason = (typeof OWNERSHIP_REASONS)[number];

export type BodyOwnership =
  { ok: true; /** The tenant of each item, in order. */ tenantIds: string[] } | { ok: false; reason: OwnershipReason; detail: string };

/**
 * Whose a signed body is (docs/tenants.md). Each item names a WABA (`entry[].id`) and usually a business number
 * (`metadata.phone_number_id`); its tenant is the owner of the number, else of the WABA. The body is refused when an
 * item names what nobody owns (`unknown_owner`), a number and a WABA of two different tenants, or anything owned by
 * a tenant whose app secrets did not sign the body (`tenant_mismatch`): one tenant's app must never put events into
 * another tenant's stream. `signers`: the tenants holding the secret that matched.
 */
export function ownerOfBody(tenants: Tenants, signers: ReadonlySet<string>, items: readonly { wabaId: string; phoneNumberId: string | null }[]): BodyOwnership {
  const tenantIds: string[] = [];
  for (const { wabaId, phoneNumberId } of items) {
    const byWaba = tenants.ownerOfWaba(wabaId);
    const byNumber = phoneNumberId === null ? undefined : tenants.ownerOfNumber(phoneNumberId);
    if (byWaba !== undefined && byNumber !== undefined && byWaba.id !== byNumber.id) {
      return { ok: false, reason: 'tenant_mismatch', detail: `WABA ${wabaId} is tenant ${byWaba.id}'s, number ${phoneNumberId} tenant ${byNumber.id}'s` };
    }
    const owner = byNumber ?? byWaba;
    if (owner === undefined) {
      return { ok: false, reason: 'unknown_owner', detail: `no tenant owns WABA ${wabaId}${phoneNumberId === null ? '' : ` or number ${phoneNumberId}`}` };
    }
    if (!signers.has(owner.id)) {
      return {
        ok: false,
        reason: 'tenant_mismatch',
        detail: `signed by ${[...signers].sort().join(', ')}, names ${phoneNumberId !== null && byNumber !== undefined ? `number ${phoneNumberId}` : `WABA ${wabaId}`} of tenant ${owner.id}`,
      };
    }
    tenantIds.push(owner.id);
  }
  return { ok: true, tenantIds };
}
