import type { HistoryEntry, NumberIdentity } from './account-fact.ts';
import type { AspectState } from './entry-order.ts';

/**
 * The stored state of each entity. Every document is a function of the set of events it was given (entry-order.ts):
 * `history` holds each event once, and every other field is computed from it (and, for numbers, the identity join).
 * `_h` is the content hash of @wabus/projection, the optimistic-concurrency token of its conditional replaces.
 */
interface EntityDocument {
  _id: string;
  _h?: string;
  /** The tenant owning the WABA (docs/tenants.md); the least id when (never in practice) two were seen; null before tenants. */
  tenantId: string | null;
  /** Meta's time of the latest event folded in. */
  lastTimestamp: number | null;
  /** What the alert rules watch (account-metrics.ts); null when nothing is wrong. */
  alert: string | null;
  history: HistoryEntry[];
}

/** Why a template cannot be sent that the alerts name: paused (for hours) or disabled (for good). */
export const TEMPLATE_ALERTS = ['PAUSED', 'DISABLED'] as const;

export interface TemplateDocument extends EntityDocument {
  /** `<wabaId>/<name>/<language key>` (read-template-fact.ts). */
  wabaId: string;
  name: string;
  /** As Meta wrote it (`en_US`; the least spelling when two were seen). */
  language: string;
  /** Lower case with `_`: what lookups compare. */
  languageKey: string;
  /** Meta's template id, from the latest event that carried one. */
  templateId: string | null;
  /** APPROVED, PAUSED, DISABLED, REJECTED, PENDING...: the latest status event; null when only other changes were seen. */
  status: AspectState | null;
  /** The latest FLAGGED warning, while no status event is newer. */
  flagged: AspectState | null;
  /** LOCKED or UNLOCKED. */
  lock: AspectState | null;
  category: AspectState | null;
  quality: AspectState | null;
}

export interface PhoneNumberDocument extends EntityDocument {
  /** The display number, digits only: what Meta's number-level changes name it by. */
  displayPhoneNumber: string;
  /** Meta's id of the number (`metadata.phone_number_id`), joined from the latest event that had both; null until one came. */
  phoneNumberId: string | null;
  wabaId: string | null;
  identity: NumberIdentity | null;
  /** The latest phone_number_quality_update: FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, ONBOARDING, THROUGHPUT_UPGRADE... */
  quality: AspectState | null;
  /** The latest display name decision. */
  name: AspectState | null;
  security: AspectState | null;
}

export interface WabaDocument extends EntityDocument {
  /** DISABLED_UPDATE's waba_ban_state: DISABLE, SCHEDULE_FOR_DISABLE, REINSTATE. */
  ban: AspectState | null;
  /** ACCOUNT_RESTRICTION: RESTRICTED (types and `until` in detail) or NONE (lifted). */
  restriction: AspectState | null;
  violation: AspectState | null;
  review: AspectState | null;
  capability: AspectState | null;
  /** The latest other account_update event (VERIFIED_ACCOUNT, PARTNER_ADDED, ACCOUNT_DELETED...). */
  account: AspectState | null;
  /** account_alerts: each alert's (entity, type) latest status. */
  alerts: (AspectState & { aspect: string })[];
}

export type AccountDocument = TemplateDocument | PhoneNumberDocument | WabaDocument;
