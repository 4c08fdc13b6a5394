import type { HistoryEntry, WabaFact } from './account-fact.ts';
import type { WabaDocument } from './account-documents.ts';
import { lastTimestamp, latestByPrefix, latestOf, least, withEntry, type AspectState } from './entry-order.ts';

/** Ban states by severity: at equal Meta time the more severe wins (REINSTATE < SCHEDULE_FOR_DISABLE < DISABLE). */
const BAN_RANK: Readonly<Record<string, number>> = { REINSTATE: 0, SCHEDULE_FOR_DISABLE: 1, DISABLE: 2 };

/** At equal Meta time, the restrictive reading wins: a ban over a reinstatement, a restriction over its lifting, an active alert. */
function rankWaba(e: HistoryEntry): number {
  if (e.aspect === 'ban') return BAN_RANK[e.value ?? ''] ?? 1;
  if (e.aspect === 'restriction' || e.aspect?.startsWith('alert/')) return e.value === 'NONE' ? 0 : 1;
  return 0;
}

/**
 * Why a WABA is alerting, most severe first: banned (DISABLE), a ban scheduled, restricted. A restriction's end
 * (`detail.until`) is not judged here (a pure fold has no clock): the metrics and the API compare it with the time.
 */
function wabaAlert(ban: AspectState | null, restriction: AspectState | null): string | null {
  if (ban?.value === 'DISABLE') return 'BANNED';
  if (ban?.value === 'SCHEDULE_FOR_DISABLE') return 'BAN_SCHEDULED';
  if (restriction?.value === 'RESTRICTED') return 'RESTRICTED';
  return null;
}

/** A WABA after one more event, pure: history once per event id, each aspect the latest by Meta's time (entry-order.ts). */
export function evolveWaba(current: WabaDocument | null, fact: WabaFact): WabaDocument {
  const history = withEntry(current?.history ?? [], fact.entry);
  const ban = latestOf(history, 'ban', rankWaba);
  const restriction = latestOf(history, 'restriction', rankWaba);
  return {
    _id: fact.id,
    tenantId: least(current?.tenantId ?? null, fact.tenantId),
    ban,
    restriction,
    violation: latestOf(history, 'violation', rankWaba),
    review: latestOf(history, 'review', rankWaba),
    capability: latestOf(history, 'capability', rankWaba),
    account: latestOf(history, 'account', rankWaba),
    alerts: latestByPrefix(history, 'alert/', rankWaba),
    lastTimestamp: lastTimestamp(history),
    alert: wabaAlert(ban, restriction),
    history,
  };
}
