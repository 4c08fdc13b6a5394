import type { GraphRequest } from './graph-api.ts';

/** One line for a developer: who got what, and what the stand-in answered. */
export function describeGraphRequest(r: GraphRequest): string {
  // Management calls (app subscriptions, subscribed apps, numbers): the call and the answer; bodies hold verify tokens.
  if (!r.path.endsWith('/messages') && r.media === null) return `${r.method} ${r.path} → ${r.behavior}${r.status === null ? '' : ` ${r.status}`}`;
  const body = (r.body ?? {}) as Record<string, unknown>;
  const text = (body['text'] as { body?: string } | undefined)?.body ?? (body['interactive'] as { body?: { text?: string } } | undefined)?.body?.text;
  const what =
    body['status'] === 'read'
      ? `mark-as-read ${String(body['message_id'])}`
      : `${String(body['type'] ?? '?')} to ${String(body['to'] ?? body['recipient'] ?? '?')}${text === undefined ? '' : `: ${JSON.stringify(text)}`}`;
  return `${r.method} ${r.path} ${what} → ${r.behavior}${r.status === null ? '' : ` ${r.status}`}${r.wamid ? ` ${r.wamid}` : ''}`;
}
