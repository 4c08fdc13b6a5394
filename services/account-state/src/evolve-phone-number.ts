import type { HistoryEntry, NumberIdentity, PhoneNumberFact } from './account-fact.ts';
import type { PhoneNumberDocument } from './account-documents.ts';
import { compareScalars, lastTimestamp, latestOf, least, withEntry, type AspectState } from './entry-order.ts';

/** At equal Meta time, FLAGGED wins over any other quality event: when in doubt, the number is flagged. */
const rankNumber = (e: HistoryEntry): number => (e.aspect === 'quality' && e.value === 'FLAGGED' ? 1 : 0);

/** The later of two identities by Meta's time, then by ids (a total order: the same whatever came first). */
function laterIdentity(a: NumberIdentity | null, b: NumberIdentity | null): NumberIdentity | null {
  const later =
    a === null || b === null
      ? (a ?? b)
      : (compareScalars(a.timestamp, b.timestamp) || compareScalars(a.phoneNumberId, b.phoneNumberId) || compareScalars(a.wabaId, b.wabaId)) >= 0
        ? a
        : b;
  return later === null ? null : { phoneNumberId: later.phoneNumberId, wabaId: later.wabaId, timestamp: later.timestamp };
}

/** Why a number is alerting: flagged by Meta (quality event FLAGGED), or a RED quality rating when one is given. */
function numberAlert(quality: AspectState | null): string | null {
  if (quality?.value === 'FLAGGED') return 'FLAGGED';
  if (quality?.detail['qualityRating'] === 'RED') return 'RED';
  return null;
}

/**
 * A business number after one more fact, pure: an event joins its history (once per event id) and its aspect shows
 * the latest by Meta's time; an identity (Meta id and WABA of the display number, from events with metadata) keeps
 * the latest. A join, like every entity (entry-order.ts).
 */
export function evolvePhoneNumber(current: PhoneNumberDocument | null, fact: PhoneNumberFact): PhoneNumberDocument {
  const history = withEntry(current?.history ?? [], fact.kind === 'entry' ? fact.entry : null);
  const identity = laterIdentity(current?.identity ?? null, fact.kind === 'identity' ? fact.identity : null);
  const quality = latestOf(history, 'quality', rankNumber);
  const last = history.at(-1) ?? null;
  // The WABA: of the identity, unless a later account event came from another (a number moved between WABAs).
  const wabaId =
    identity === null ? (last?.wabaId ?? null) : last !== null && compareScalars(last.timestamp, identity.timestamp) > 0 ? last.wabaId : identity.wabaId;
  return {
    _id: fact.id,
    displayPhoneNumber: fact.id,
    phoneNumberId: identity?.phoneNumberId ?? null,
    wabaId,
    tenantId: least(current?.tenantId ?? null, fact.tenantId),
    identity,
    quality,
    name: latestOf(history, 'name', rankNumber),
    security: latestOf(history, 'security', rankNumber),
    lastTimestamp: lastTimestamp(history),
    alert: numberAlert(quality),
    history,
  };
}
