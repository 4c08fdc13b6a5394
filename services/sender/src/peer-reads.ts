import { DEFAULT_TENANT } from '@wabus/tenants';
import type { WindowKnowledge } from './decide-send.ts';
import type { TemplateKnowledge } from './decide-template.ts';

/** Reads of other services' APIs (never their code or databases): a GET, its JSON, or null on a 404. */
async function getJson(url: string, timeoutMs: number, doFetch: typeof fetch): Promise<Record<string, unknown> | null> {
  const res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

export interface PeerReads {
  /** The customer's last inbound message at this number, by message-store (which joins a person's ids). */
  windowOf(tenantId: string, phoneNumberId: string, customer: string): Promise<WindowKnowledge>;
  /** The current delivery status of a wamid, by status-tracker; null when none came yet (or it is not configured). */
  statusOf(tenantId: string, wamid: string): Promise<Record<string, unknown> | null>;
  /** The current status of the number's WABA's template, by account-state; 'unchecked' when it is not configured. */
  templateOf(tenantId: string, phoneNumberId: string, name: string, language: string): Promise<TemplateKnowledge>;
}

/**
 * The window comes from message-store, the status from status-tracker and a template's status from account-state,
 * which already fold those facts from the events topic (identity joins, status ranks, Meta's time order): the sender
 * keeps no second copy that could disagree.
 */
export function createPeerReads(o: {
  messageStoreUrl: string;
  statusTrackerUrl: string;
  accountStateUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): PeerReads {
  const timeoutMs = o.timeoutMs ?? 2_000;
  const doFetch = o.fetch ?? fetch;
  // The environment-only deployment's documents may carry no tenant: no filter then.
  const q = (tenantId: string) => (tenantId === DEFAULT_TENANT ? '' : `?tenant=${encodeURIComponent(tenantId)}`);
  return {
    async windowOf(tenantId, phoneNumberId, customer) {
      if (o.messageStoreUrl === '') return 'unchecked';
      const path = `/v1/conversations/${encodeURIComponent(phoneNumberId)}/${encodeURIComponent(customer)}${q(tenantId)}`;
      const doc = await getJson(`${o.messageStoreUrl}${path}`, timeoutMs, doFetch);
      const last = doc?.['lastInboundAt'];
      return { lastInboundAt: typeof last === 'string' ? Date.parse(last) : null };
    },
    async statusOf(tenantId, wamid) {
      if (o.statusTrackerUrl === '') return null;
      return getJson(`${o.statusTrackerUrl}/v1/statuses/${encodeURIComponent(wamid)}${q(tenantId)}`, timeoutMs, doFetch);
    },
    async templateOf(tenantId, phoneNumberId, name, language) {
      if (!o.accountStateUrl) return 'unchecked';
      // account-state finds the number's WABA (joined from the events with metadata) and its template of that name.
      const query = new URLSearchParams({ phoneNumberId, name, language, ...(tenantId === DEFAULT_TENANT ? {} : { tenant: tenantId }) });
      const found = await getJson(`${o.accountStateUrl}/v1/templates?${query.toString()}`, timeoutMs, doFetch);
      const first = (found?.['templates'] as { status?: { value?: unknown } | null }[] | undefined)?.[0];
      const status = first?.status?.value;
      return { status: typeof status === 'string' ? status : null };
    },
  };
}
